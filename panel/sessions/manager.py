"""`SessionManager`: creates, lists, runs commands in and closes runner sessions.

Each session is a runner child (`opspanel worker session`) started through the
engine's process core, with its folder at ``<workspace>/sessions/<id>/``. A sweep
(every `sweep_interval_ms`, on an injectable clock) closes sessions past their idle
timeout or maximum lifetime. Datasets a session allocates are owned by its runner
(owner kind ``session``, the runner's pid) in the same dataset manager as job runs,
and released when the session closes or its runner dies.
"""

from __future__ import annotations

import logging
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
from PySide6.QtCore import QObject, QTimer, Signal

from panel.logs.hub import LogHub
from panel.sessions import languages
from panel.sessions.config import SessionConfig
from panel.sessions.datasets import DatasetRequest, DatasetStore
from panel.sessions.isolation import network_isolation_available
from panel.sessions.sandbox import bwrap_program, sandbox_problem, which_inside
from panel.sessions.session import OutputCallback, ResultCallback, Session, SessionState
from panel.supervise.process import ManagedProcess
from panel.supervise.spec import ProcessSpec, RestartPolicy
from panel.util.paths import panel_argv
from panel.workspace.known_settings import SESSIONS_ALLOW_UNSANDBOXED as SETTING

log = logging.getLogger("panel.sessions")

OWNER_KIND = "session"
"""Owner kind of dataset allocations made by sessions."""

DEFAULT_SWEEP_MS = 5000
DEFAULT_MAX_SESSIONS = 64
LOCAL_COMMANDS = ("allocate_dataset", "release_dataset")
LANGUAGES_TTL_S = 10.0

ProcessFactory = Callable[[str, ProcessSpec], ManagedProcess]


class SessionError(Exception):
    """A refused session request; `kind` is not_found, invalid, limit or unavailable."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def source_name(session_id: str) -> str:
    """The log source and process name of a session's runner: `session:<id>`."""
    return f"session:{session_id}"


class SessionManager(QObject):
    """Every runner session of one engine."""

    sig_event = Signal(str, str, object)
    """(session id, event, details dict) created | ready | executed | closed."""

    sig_changed = Signal()
    """The list of sessions or something shown about one changed."""

    def __init__(
        self,
        workspace_root: Path,
        new_process: ProcessFactory,
        forget_process: Callable[[ManagedProcess], None],
        datasets: DatasetStore | None,
        *,
        clock: Callable[[], float] = time.time,
        sweep_interval_ms: int = DEFAULT_SWEEP_MS,
        max_sessions: int = DEFAULT_MAX_SESSIONS,
        hub: LogHub | None = None,
        allow_unsandboxed: Callable[[], bool] = lambda: False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._allow_unsandboxed = allow_unsandboxed
        self.root = workspace_root / "sessions"
        self._workspace_root = workspace_root
        self._new_process = new_process
        self._forget_process = forget_process
        self._datasets = datasets
        self._hub = hub
        self.clock = clock
        self.max_sessions = max_sessions
        self._sessions: dict[str, Session] = {}
        self._closed_count = 0
        self._languages: tuple[float, list[str]] | None = None
        self._warned_unsandboxed = False
        self._shut = False
        self._started = False
        self._sweep_timer = QTimer(self, interval=sweep_interval_ms)
        self._sweep_timer.timeout.connect(self.sweep)

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Ready to open sessions; the expiry sweep runs while any is open."""
        self._started = True
        self._sweep_when_needed()

    def _sweep_when_needed(self) -> None:
        """Run the sweep timer while sessions are open, none without (an engine at rest)."""
        if self._sessions and self._started and not self._shut:
            if not self._sweep_timer.isActive():
                self._sweep_timer.start()
        else:
            self._sweep_timer.stop()

    def shutdown(self) -> None:
        """Refuse new sessions and close every open one (their datasets are released now)."""
        self._shut = True
        self._sweep_timer.stop()
        for session in list(self._sessions.values()):
            self._release(session)
            session.close("the engine is shutting down")

    # ------------------------------------------------------------------ queries

    def sessions(self) -> list[Session]:
        """Open sessions (not yet ended), oldest first."""
        return list(self._sessions.values())

    def get(self, session_id: str) -> Session:
        """The session `session_id` (SessionError not_found when unknown or closed)."""
        session = self._sessions.get(session_id)
        if session is None:
            raise SessionError("not_found", f"no such session: {session_id}")
        return session

    def list_json(self) -> dict[str, Any]:
        """`{count, sessions: [...], languages: [...]}` as `session.list` answers."""
        rows = [s.to_json() for s in self._sessions.values()]
        return {"count": len(rows), "sessions": rows, "languages": self.languages()}

    def languages(self) -> list[str]:
        """The `run_code` languages whose toolchain the sessions' commands find here
        (looked up at most every LANGUAGES_TTL_S: session.list is called often)."""
        now = time.monotonic()
        if self._languages is None or now - self._languages[0] >= LANGUAGES_TTL_S:
            sandboxed = sandbox_problem(bwrap_program()) is None
            found = languages.available(which_inside if sandboxed else shutil.which)
            self._languages = (now, found)
        return list(self._languages[1])

    @property
    def open_count(self) -> int:
        """Sessions open now (the metrics gauge)."""
        return len(self._sessions)

    @property
    def closed_count(self) -> int:
        """Sessions that ended since the engine started."""
        return self._closed_count

    # ------------------------------------------------------------------ actions

    def create(self, params: dict[str, Any] | None = None) -> Session:
        """Start a new session's runner (ready when `Session.sig_ready` fires)."""
        if self._shut:
            raise SessionError("unavailable", "the engine is shutting down")
        if len(self._sessions) >= self.max_sessions:
            raise SessionError("limit", f"at most {self.max_sessions} sessions may be open")
        params = params or {}
        config = SessionConfig.from_json(params)
        bwrap = self._sandbox_program()
        isolate = False
        if bwrap is None and config.network_isolation:
            isolate = network_isolation_available()
            if not isolate and ("network" in params or "networkIsolation" in params):
                raise SessionError(
                    "unavailable",
                    "network isolation is not available on this system "
                    "(no sandbox, and unshare -rn failed: no unprivileged user namespaces)",
                )
        session_id = uuid.uuid4().hex[:12]
        spec = self._spec(session_id, config, bwrap, isolate)
        process = self._new_process(source_name(session_id), spec)
        sink = self._hub.feed if self._hub is not None else None
        session = Session(session_id, config, process, self.clock, self, sink)
        session.sig_ready.connect(self._on_ready)
        session.sig_ended.connect(self._on_ended)
        session.sig_changed.connect(self.sig_changed)
        self._sessions[session_id] = session
        self._sweep_when_needed()
        process.start()
        log.info("session %s created", session_id)
        self.sig_event.emit(session_id, "created", {"config": config.to_json()})
        self.sig_changed.emit()
        return session

    def execute(
        self,
        session_id: str,
        command: dict[str, Any],
        callback: ResultCallback,
        on_output: OutputCallback | None = None,
    ) -> None:
        """Run one command in a session; `callback` gets `{success, result, error, durationMs}`.
        With `on_output`, a shell command or snippet tells its output there as it writes."""
        session = self.get(session_id)
        kind = command.get("type")

        def done(reply: dict[str, Any]) -> None:
            self.sig_event.emit(
                session_id,
                "executed",
                {"type": kind, "success": reply.get("success"), "durationMs": reply["durationMs"]},
            )
            callback(reply)

        if kind in LOCAL_COMMANDS:
            done(self._dataset_command(session, command))
            return
        session.execute(command, done, on_output)

    def close(self, session_id: str, reason: str = "closed on request") -> Session:
        """Close a session: datasets released now, runner tree stopped (`closed` event after)."""
        session = self.get(session_id)
        self._release(session)
        session.close(reason)
        return session

    def sweep(self) -> list[str]:
        """Close sessions past their idle timeout or maximum lifetime; their ids."""
        closed = []
        for session in list(self._sessions.values()):
            if session.closing or session.ended:
                continue
            cfg = session.config
            if session.lifetime_seconds() >= cfg.max_lifetime_minutes * 60:
                why = f"maximum lifetime of {cfg.max_lifetime_minutes:g} min reached"
            elif session.running == 0 and session.idle_seconds() >= cfg.idle_timeout_minutes * 60:
                why = f"idle for {cfg.idle_timeout_minutes:g} min"
            else:
                continue
            log.info("session %s expired: %s", session.session_id, why)
            self.close(session.session_id, why)
            closed.append(session.session_id)
        return closed

    # ------------------------------------------------------------------ datasets

    def _dataset_command(self, session: Session, command: dict[str, Any]) -> dict[str, Any]:
        started = time.monotonic()
        try:
            result = self._dataset_change(session, command)
        except SessionError as exc:
            return _reply(False, None, exc.message, started)
        return _reply(True, result, None, started)

    def _dataset_change(self, session: Session, command: dict[str, Any]) -> dict[str, Any]:
        if self._datasets is None:
            raise SessionError("unavailable", "datasets are not available in this engine")
        if not session.ready or session.closing:
            raise SessionError("invalid", "the session is not running")
        name = command.get("name")
        if not isinstance(name, str) or not name:
            raise SessionError("invalid", "name must be a non-empty string")
        if command["type"] == "release_dataset":
            return self._release_one(session, name)
        path, mode = command.get("path"), command.get("mode", "exclusive")
        if not isinstance(path, str) or not path:
            raise SessionError("invalid", "path must be a non-empty string")
        if mode not in ("exclusive", "shared"):
            raise SessionError("invalid", "mode must be exclusive or shared")
        if name in session.datasets:
            raise SessionError("invalid", f"dataset {name!r} is already held by this session")
        holders = self._datasets.allocate(
            OWNER_KIND,
            session.session_id,
            [DatasetRequest(name, path, mode)],
            session.pid,
            _create_time(session.pid),
        )
        if holders:
            raise SessionError("invalid", "; ".join(h.describe() for h in holders))
        session.datasets[name] = {"path": path, "mode": mode}
        session.tell_datasets()
        return {"name": name, "path": path, "mode": mode, "allocated": True}

    def _release_one(self, session: Session, name: str) -> dict[str, Any]:
        held = session.datasets.pop(name, None)
        if held is None:
            raise SessionError("not_found", f"dataset {name!r} is not held by this session")
        assert self._datasets is not None
        self._datasets.release(OWNER_KIND, session.session_id)
        others = [DatasetRequest(n, d["path"], d["mode"]) for n, d in session.datasets.items()]
        if others:  # release is per owner: take the others back at once
            self._datasets.allocate(
                OWNER_KIND, session.session_id, others, session.pid, _create_time(session.pid)
            )
        session.tell_datasets()
        return {"name": name, "released": True}

    def _release(self, session: Session) -> None:
        if self._datasets is not None and session.datasets:
            self._datasets.release(OWNER_KIND, session.session_id)
        session.datasets.clear()

    # ------------------------------------------------------------------ internals

    def _sandbox_program(self) -> str | None:
        """bwrap for the next session; None when sessions may and must go unsandboxed."""
        program = bwrap_program()
        problem = sandbox_problem(program)
        if problem is None:
            return shutil.which(program) or program
        if not self._allow_unsandboxed():
            raise SessionError("unavailable", problem)
        if not self._warned_unsandboxed:
            self._warned_unsandboxed = True
            log.warning("session commands run WITHOUT a sandbox (%s): %s", SETTING, problem)
        return None

    def _spec(
        self, session_id: str, config: SessionConfig, bwrap: str | None, isolate: bool
    ) -> ProcessSpec:
        argv = [
            "worker",
            "session",
            "--id",
            session_id,
            "--workspace",
            str(self._workspace_root),
            "--memory-limit-mb",
            str(config.memory_limit_mb),
        ]
        if config.workdir:
            argv += ["--workdir", config.workdir]
        argv += ["--max-processes", str(config.max_processes)]
        argv += ["--disk-limit-mb", str(config.disk_limit_mb)]
        if bwrap is not None:
            argv += ["--bwrap", bwrap] + (["--network"] if config.network else [])
        elif isolate:
            argv.append("--isolate-network")
        return ProcessSpec(
            name=source_name(session_id),
            argv=tuple(panel_argv(*argv)),
            cwd=str(self._workspace_root),
            restart=RestartPolicy.NEVER,
            start_secs=0.0,
            start_retries=0,
            stop_timeout_ms=2000,
            python_child=True,
        )

    def _sender_session(self) -> Session | None:
        session = self.sender()
        return session if isinstance(session, Session) else None

    def _on_ready(self) -> None:
        session = self._sender_session()
        if session is not None:
            details = {"pid": session.pid, "networkIsolation": session.isolation}
            self.sig_event.emit(session.session_id, "ready", details)

    def _on_ended(self, reason: str) -> None:
        session = self._sender_session()
        if session is None or self._sessions.get(session.session_id) is not session:
            return
        del self._sessions[session.session_id]
        self._sweep_when_needed()
        self._closed_count += 1
        self._release(session)
        self._forget_process(session.process)
        folder = self.root / session.session_id
        if folder.is_dir() and folder.parent == self.root:
            shutil.rmtree(folder, ignore_errors=True)
        log.info("session %s closed: %s", session.session_id, reason)
        self.sig_event.emit(session.session_id, "closed", {"reason": reason})
        self.sig_changed.emit()
        session.process.deleteLater()
        session.deleteLater()


def _reply(success: bool, result: Any, error: str | None, started: float) -> dict[str, Any]:
    elapsed = round((time.monotonic() - started) * 1000, 3)
    return {"success": success, "result": result, "error": error, "durationMs": elapsed}


def _create_time(pid: int | None) -> float | None:
    if pid is None:
        return None
    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return None


__all__ = ["OWNER_KIND", "SessionError", "SessionManager", "SessionState", "source_name"]
