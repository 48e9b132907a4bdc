"""The engine as a window sees it: who it is, its resource figures, its configuration."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from panel.engine import ProcessStats

__all__ = ["ConfigDone", "EngineIdentity", "EngineModel", "ProcessStats"]

ConfigDone = Callable[[list[str] | None, str | None], None]
"""(applied lines, None) after an import, or (None, one sentence naming what is wrong)."""


@dataclass(frozen=True)
class EngineIdentity:
    """Which engine a window shows: where it runs, its pid, and how the window reaches it."""

    where: str
    """The workspace folder, or the URL of a remote engine."""
    pid: int | None
    attached: bool
    """True when the engine runs in another process (the window is one of its clients)."""


class EngineModel(QObject):
    """The engine itself: identity, link state, resource figures, configuration transfer."""

    sig_stats = Signal(object)
    """(ProcessStats) once a second while the engine is reachable."""

    sig_link = Signal(bool, str)
    """(reachable, message) an attached window lost or regained its engine."""

    def identity(self) -> EngineIdentity:
        """Which engine this is."""
        raise NotImplementedError

    def reachable(self) -> bool:
        """False while an attached window has lost its engine (an embedded one never does)."""
        return True

    def refused(self) -> bool:
        """True while an attached window's engine refuses it or cannot be trusted (a wrong
        token, a host key mismatch, an untrusted certificate, another version)."""
        return False

    def has_running_children(self) -> bool:
        """True when the engine supervises a running child (server, worker, runner)."""
        raise NotImplementedError

    def import_config(self, data: object, done: ConfigDone) -> None:
        """Replace the workspace configuration with `data` (validated, one transaction)."""
        raise NotImplementedError

    def export_config(self, done: Callable[[dict[str, object] | None, str | None], None]) -> None:
        """`done(configuration, None)` or `done(None, problem)`."""
        raise NotImplementedError
