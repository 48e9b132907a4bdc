"""Where an engine's health comes from: the window's own view models, or a light probe.

A probe is one `RemoteLink` that follows the server's status (a notification) and
reads the connections' states and today's jobs figures every `POLL_MS` while it is
connected: two small calls per engine, and only while the Engines dialog is open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from panel.connections.status import ConnectionSnapshot
from panel.jobs.snapshots import DashboardFigures
from panel.server.status import ServerSnapshot
from panel.viewmodels.engines.health import EngineHealth, Reach

if TYPE_CHECKING:
    # A link's modules (websockets, ssh) load with the first probe, not with the window.
    from panel.viewmodels.engines.registry import EngineEntry
    from panel.viewmodels.models import EngineModels
    from panel.viewmodels.remote.endpoint import Endpoint
    from panel.viewmodels.remote.link import CallError, RemoteLink

POLL_MS = 2000
COALESCE_MS = 100
"""The window's own models can change hundreds of times a second: one re-read per 100 ms."""


class HealthSource(QObject):
    """One engine's `health()`, and a signal when it changed."""

    sig_changed = Signal()
    """`health()` has changed: read it again."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._health = EngineHealth()

    def health(self) -> EngineHealth:
        """The engine's health as last seen."""
        return self._health

    def close(self) -> None:
        """Stop looking (the dialog closed)."""

    def _set(self, health: EngineHealth) -> None:
        if health != self._health:
            self._health = health
            self.sig_changed.emit()


class ModelsHealth(HealthSource):
    """The health of the window's own engine, read from its view models (no second link)."""

    def __init__(self, models: EngineModels, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._models = models
        self._timer = QTimer(self, singleShot=True, interval=COALESCE_MS)
        self._timer.timeout.connect(self._read)
        for signal in (
            models.server.sig_status,
            models.connections.sig_status,
            models.connections.sig_changed,
            models.jobs.sig_dashboard,
            models.jobs.sig_run_changed,
            models.engine.sig_link,
        ):
            signal.connect(self._soon)
        self._read()

    def close(self) -> None:
        self._timer.stop()
        m = self._models
        for signal in (
            m.server.sig_status,
            m.connections.sig_status,
            m.connections.sig_changed,
            m.jobs.sig_dashboard,
            m.jobs.sig_run_changed,
            m.engine.sig_link,
        ):
            signal.disconnect(self._soon)

    def _soon(self, *_: object) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def _read(self) -> None:
        m = self._models
        engine = m.engine
        reach = (
            Reach.CONNECTED
            if engine.reachable()
            else Reach.REFUSED
            if engine.refused()
            else Reach.LOST
        )
        link = m.link
        who = engine.identity()
        self._set(
            EngineHealth(
                reach,
                link.message if link is not None and reach != Reach.CONNECTED else "",
                m.server.snapshot(),
                tuple(s.state for s in m.connections.snapshots()),
                m.jobs.dashboard(),
                any(r.status == "running" for r in m.jobs.active_runs()),
                who.pid,
                str(link.engine_info.get("version", "")) if link is not None else "",
                who.where,
            )
        )


class LinkHealth(HealthSource):
    """The health of an engine reached through a link of its own (see the module's text)."""

    def __init__(
        self,
        entry: EngineEntry,
        endpoint_for: Callable[[EngineEntry], Endpoint] | None = None,
        parent: QObject | None = None,
    ) -> None:
        from panel.viewmodels.engines.registry import entry_endpoint
        from panel.viewmodels.remote.endpoint import EndpointError
        from panel.viewmodels.remote.link import RemoteLink

        super().__init__(parent)
        self.link: RemoteLink | None = None
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self._read_figures)
        try:
            endpoint = (endpoint_for or entry_endpoint)(entry)
        except EndpointError as exc:
            reach = Reach.REFUSED if exc.refused else Reach.LOST
            self._set(EngineHealth(reach, str(exc)))
            return
        link = RemoteLink(endpoint, self)
        self.link = link
        link.sig_state.connect(self._on_state)
        link.sig_connected.connect(self._on_connected)
        link.on("server.status", self._on_server)
        link.subscribe("server.subscribe")
        link.open()

    def close(self) -> None:
        self._poll.stop()
        if self.link is not None:
            self.link.close()

    def _on_state(self, state: str, message: str) -> None:
        from panel.viewmodels.remote.link import LinkState

        reach = {
            LinkState.CONNECTED: Reach.CONNECTED,
            LinkState.CONNECTING: Reach.CONNECTING,
            LinkState.REFUSED: Reach.REFUSED,
        }.get(state, Reach.LOST)
        if reach == Reach.CONNECTING and self._health.reach != Reach.CONNECTING:
            return  # a retry of a lost engine: it stays "unreachable" until it answers
        if reach != Reach.CONNECTED:
            self._poll.stop()
        self._set(replace(self._health, reach=reach, message=message))

    def _on_connected(self) -> None:
        assert self.link is not None
        info = self.link.engine_info
        pid = info.get("pid")
        self._set(
            replace(
                self._health,
                reach=Reach.CONNECTED,
                message="",
                pid=int(pid) if pid else None,
                version=str(info.get("version", "")),
                workspace=str(info.get("workspace", "")),
            )
        )
        self._call("server.status", self._on_server)
        self._read_figures()
        self._poll.start()

    def _read_figures(self) -> None:
        self._call("conns.list", self._on_connections)
        self._call("jobs.dashboard", self._on_jobs)

    def _call(self, method: str, on_result: Callable[[Any], None]) -> None:
        if self.link is not None and self.link.connected:
            self.link.call(method, {}, on_result, self._ignore)

    def _ignore(self, _error: CallError) -> None:
        """A read lost with the link: the link's state says so."""

    def _on_server(self, data: Any) -> None:
        if isinstance(data, dict):
            self._set(replace(self._health, server=ServerSnapshot.from_json(data)))

    def _on_connections(self, data: Any) -> None:
        rows = data.get("connections", []) if isinstance(data, dict) else []
        states = tuple(ConnectionSnapshot.from_json(row).state for row in rows)
        self._set(replace(self._health, connections=states))

    def _on_jobs(self, data: Any) -> None:
        if isinstance(data, dict):
            figures = DashboardFigures.from_json(data)
            running = bool(figures.running_now)
            self._set(replace(self._health, jobs=figures, jobs_running=running))
