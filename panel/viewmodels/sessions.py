"""Runner sessions and the audit log as a window sees them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from panel.sessions.session import SessionSnapshot

Created = Callable[[str | None, str | None], None]
"""(session id, None) once a session is started, or (None, one sentence saying why not)."""
Reply = Callable[[dict[str, Any]], None]
"""A command's reply: {success, result, error, durationMs}."""
Output = Callable[[str, str], None]
"""(stream "stdout" | "stderr", text) a running command just wrote."""
AuditRows = Callable[[list[dict[str, Any]]], None]
"""The newest audit rows (ts, client, method, params, outcome...), newest first."""


class SessionsModel(QObject):
    """The open sessions of one engine, their commands, and the audit log of its API."""

    sig_changed = Signal()
    """A session was opened, closed, or changed state or figures."""

    def sessions(self) -> list[SessionSnapshot]:
        """The open sessions, oldest first."""
        raise NotImplementedError

    def session(self, session_id: str) -> SessionSnapshot | None:
        """One open session, if it is open."""
        return next((s for s in self.sessions() if s.session_id == session_id), None)

    def languages(self) -> list[str]:
        """The `run_code` languages this engine's sessions can run (its toolchains), as
        `session.list` says; empty while not known yet."""
        raise NotImplementedError

    def create(self, params: dict[str, Any], done: Created) -> None:
        """Start a session with `session.create`'s params."""
        raise NotImplementedError

    def close(self, session_id: str) -> None:
        """Close a session and its process tree."""
        raise NotImplementedError

    def execute(
        self,
        session_id: str,
        command: dict[str, Any],
        reply: Reply,
        on_output: Output | None = None,
    ) -> None:
        """Run one command; `reply` gets the result, or the failure, once. With
        `on_output`, a shell command or code tells its output there as it writes."""
        raise NotImplementedError

    def poll(self) -> None:
        """Bring the figures (idle time, memory) up to date; `sig_changed` when they moved."""

    def has_audit(self) -> bool:
        """True when the engine keeps an audit log of its API."""
        raise NotImplementedError

    def audit(self, limit: int, done: AuditRows) -> None:
        """The newest `limit` audit rows."""
        raise NotImplementedError
