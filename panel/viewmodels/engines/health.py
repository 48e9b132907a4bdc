"""One engine's health at a glance: can it be reached, its server, connections and jobs."""

from __future__ import annotations

from dataclasses import dataclass

from panel.connections.status import ConnState
from panel.jobs.snapshots import DashboardFigures
from panel.server.status import ServerSnapshot


class Reach:
    """Whether the window reaches the engine (the words of `RemoteLink`'s states)."""

    CONNECTING = "connecting"
    CONNECTED = "connected"
    LOST = "lost"
    """Nothing answers: the engine is not running, or its host cannot be reached."""
    REFUSED = "refused"
    """Something answered but refused the window (token, host key, certificate, version)."""


@dataclass(frozen=True)
class EngineHealth:
    """What the Engines list and the All engines view show of one engine.

    The figures are the last ones read: they stay while the engine is unreachable
    (the views say so beside them).
    """

    reach: str = Reach.CONNECTING
    message: str = ""
    """Why the engine cannot be reached (one sentence), empty when it can."""
    server: ServerSnapshot | None = None
    connections: tuple[ConnState, ...] = ()
    jobs: DashboardFigures | None = None
    jobs_running: bool = False
    """True while a run is in the engine's hands and running."""
    pid: int | None = None
    version: str = ""
    workspace: str = ""
    """The engine's workspace folder as the engine names it (on its own machine)."""

    @property
    def reachable(self) -> bool:
        """True when the figures are current."""
        return self.reach == Reach.CONNECTED
