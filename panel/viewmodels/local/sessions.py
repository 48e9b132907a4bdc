"""The sessions of the engine in this process."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from panel.sessions.manager import SessionError, SessionManager
from panel.sessions.session import SessionSnapshot
from panel.viewmodels.sessions import AuditRows, Created, Output, Reply, SessionsModel

AuditSource = Callable[[int], list[dict[str, Any]]]


class LocalSessionsModel(SessionsModel):
    """Forwards to the embedded session manager; the audit log is read when the API keeps one."""

    def __init__(self, manager: SessionManager) -> None:
        super().__init__(manager)
        self._manager = manager
        self._audit: AuditSource | None = None
        manager.sig_changed.connect(self.sig_changed)

    def set_audit_source(self, source: AuditSource | None) -> None:
        """The API's audit log (the application sets it once the API runs)."""
        self._audit = source

    def sessions(self) -> list[SessionSnapshot]:
        return [s.snapshot() for s in self._manager.sessions()]

    def languages(self) -> list[str]:
        return self._manager.languages()

    def create(self, params: dict[str, Any], done: Created) -> None:
        try:
            session = self._manager.create(params)
        except SessionError as exc:
            done(None, exc.message)
            return
        done(session.session_id, None)

    def close(self, session_id: str) -> None:
        with contextlib.suppress(SessionError):  # already gone
            self._manager.close(session_id, "closed from the window")

    def execute(
        self,
        session_id: str,
        command: dict[str, Any],
        reply: Reply,
        on_output: Output | None = None,
    ) -> None:
        try:
            self._manager.execute(session_id, command, reply, on_output)
        except SessionError as exc:
            reply({"success": False, "result": None, "error": exc.message, "durationMs": 0})

    def has_audit(self) -> bool:
        return self._audit is not None

    def audit(self, limit: int, done: AuditRows) -> None:
        done(self._audit(limit) if self._audit is not None else [])
