"""When an attached window has every page's first data from its engine."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from panel.viewmodels.remote.link import RemoteLink

FIRST_READS = frozenset(
    {
        "server.status",
        "conns.list",
        "jobs.list",
        "jobs.active",
        "jobs.dashboard",
        "session.list",
        "logs.since",
    }
)
"""The first read of every page: the server's status, the connections, the jobs, their
active runs and today's figures, the sessions, the tail of the log lines."""


class FirstData(QObject):
    """Says once when the link has answered the first read of every page (FIRST_READS)
    and every call those led to (each connection's configuration and tag values, the
    next pulls of the log): from then on the window shows the engine's state."""

    sig_arrived = Signal()
    """Every page's first data arrived (emitted once)."""

    def __init__(self, link: RemoteLink) -> None:
        super().__init__(link)
        self._link = link
        self._waiting = set(FIRST_READS)
        link.sig_answered.connect(self._on_answered)

    def _on_answered(self, method: str) -> None:
        self._waiting.discard(method)
        if not self._waiting and self._link.pending_calls() == 0:
            self._link.sig_answered.disconnect(self._on_answered)
            self.sig_arrived.emit()
