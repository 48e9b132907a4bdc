"""The sessions of an engine reached over its API."""

from __future__ import annotations

from typing import Any

from panel.sessions.session import SessionSnapshot
from panel.viewmodels.remote.link import CallError, RemoteLink
from panel.viewmodels.sessions import AuditRows, Created, Reply, SessionsModel


class RemoteSessionsModel(SessionsModel):
    """A mirror of `session.list`, refetched on every `session.event` and on `poll()`."""

    def __init__(self, link: RemoteLink) -> None:
        super().__init__(link)
        self._link = link
        self._sessions: list[SessionSnapshot] = []
        self._fetching = False
        link.on("session.event", lambda _params: self.poll())
        link.subscribe("session.subscribe")
        link.sig_connected.connect(self.poll)

    def sessions(self) -> list[SessionSnapshot]:
        return list(self._sessions)

    def poll(self) -> None:
        if self._fetching or not self._link.connected:
            return
        self._fetching = True
        self._link.call("session.list", {}, self._on_list, self._on_list_failed)

    def _on_list(self, result: Any) -> None:
        self._fetching = False
        rows = result.get("sessions", []) if isinstance(result, dict) else []
        self._sessions = [SessionSnapshot.from_json(r) for r in rows if isinstance(r, dict)]
        self.sig_changed.emit()

    def _on_list_failed(self, _error: CallError) -> None:
        self._fetching = False

    def create(self, params: dict[str, Any], done: Created) -> None:
        def created(result: Any) -> None:
            self.poll()
            done(str(result["sessionId"]) if isinstance(result, dict) else None, None)

        self._link.call("session.create", params, created, lambda e: done(None, str(e)))

    def close(self, session_id: str) -> None:
        self._link.call("session.close", {"sessionId": session_id}, lambda _r: self.poll())

    def execute(self, session_id: str, command: dict[str, Any], reply: Reply) -> None:
        def failed(error: CallError) -> None:
            reply({"success": False, "result": None, "error": str(error), "durationMs": 0})

        def answered(result: Any) -> None:
            reply(result if isinstance(result, dict) else {"success": False, "error": "?"})
            self.poll()

        params = {"sessionId": session_id, "command": command}
        self._link.call("session.execute", params, answered, failed)

    def has_audit(self) -> bool:
        return True

    def audit(self, limit: int, done: AuditRows) -> None:
        def rows(result: Any) -> None:
            done(list(result.get("rows", [])) if isinstance(result, dict) else [])

        self._link.call("audit.list", {"limit": limit}, rows, lambda _e: None)
