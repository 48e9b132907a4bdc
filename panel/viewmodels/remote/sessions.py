"""The sessions of an engine reached over its API."""

from __future__ import annotations

from collections import deque
from typing import Any

from panel.sessions.session import SessionSnapshot
from panel.viewmodels.remote.link import CallError, RemoteLink
from panel.viewmodels.sessions import AuditRows, Created, Output, Reply, SessionsModel


class RemoteSessionsModel(SessionsModel):
    """A mirror of `session.list`, refetched on every `session.event` and on `poll()`.

    Streamed commands: a session runs its commands one after the other, so the
    `session.output` notifications of a session belong to the oldest of its
    streamed commands that has not been answered yet.
    """

    def __init__(self, link: RemoteLink) -> None:
        super().__init__(link)
        self._link = link
        self._sessions: list[SessionSnapshot] = []
        self._languages: list[str] = []
        self._fetching = False
        self._streams: dict[str, deque[Output]] = {}
        link.on("session.event", lambda _params: self.poll())
        link.on("session.output", self._on_output)
        link.subscribe("session.subscribe")
        link.sig_connected.connect(self.poll)

    def sessions(self) -> list[SessionSnapshot]:
        return list(self._sessions)

    def languages(self) -> list[str]:
        return list(self._languages)

    def poll(self) -> None:
        if self._fetching or not self._link.connected:
            return
        self._fetching = True
        self._link.call("session.list", {}, self._on_list, self._on_list_failed)

    def _on_list(self, result: Any) -> None:
        self._fetching = False
        rows = result.get("sessions", []) if isinstance(result, dict) else []
        self._sessions = [SessionSnapshot.from_json(r) for r in rows if isinstance(r, dict)]
        found = result.get("languages") if isinstance(result, dict) else None
        if isinstance(found, list):
            self._languages = [str(name) for name in found]
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

    def execute(
        self,
        session_id: str,
        command: dict[str, Any],
        reply: Reply,
        on_output: Output | None = None,
    ) -> None:
        def finished() -> None:
            queue = self._streams.get(session_id)
            if on_output is not None and queue and on_output in queue:
                queue.remove(on_output)
                if not queue:
                    del self._streams[session_id]

        def failed(error: CallError) -> None:
            finished()
            reply({"success": False, "result": None, "error": str(error), "durationMs": 0})

        def answered(result: Any) -> None:
            finished()
            reply(result if isinstance(result, dict) else {"success": False, "error": "?"})
            self.poll()

        params: dict[str, Any] = {"sessionId": session_id, "command": command}
        if on_output is not None:
            params["stream"] = True
            self._streams.setdefault(session_id, deque()).append(on_output)
        self._link.call("session.execute", params, answered, failed)

    def _on_output(self, params: Any) -> None:
        if not isinstance(params, dict):
            return
        queue = self._streams.get(str(params.get("sessionId")))
        data = params.get("data")
        if queue and isinstance(data, str):
            queue[0]("stderr" if params.get("stream") == "stderr" else "stdout", data)

    def has_audit(self) -> bool:
        return True

    def audit(self, limit: int, done: AuditRows) -> None:
        def rows(result: Any) -> None:
            done(list(result.get("rows", [])) if isinstance(result, dict) else [])

        self._link.call("audit.list", {"limit": limit}, rows, lambda _e: None)
