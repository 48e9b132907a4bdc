"""The log lines as a window sees them: a store to list, its sources, and how it is fed."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from panel.logs.store import LogStore


class LogsModel(QObject):
    """The log lines of one engine. `store()` holds them (a list model shows it);
    `sig_source_added` and `sources()` name where they come from."""

    sig_source_added = Signal(str)
    """(source) a source's first line arrived."""

    def store(self) -> LogStore:
        """The lines this window shows: the engine's own hub, or the window's mirror of it."""
        raise NotImplementedError

    def sources(self) -> list[str]:
        """Every source seen so far, in order of first appearance."""
        return self.store().sources()

    def missed(self) -> int:
        """Lines the engine dropped from its memory before this window got them (0 embedded)."""
        return 0
