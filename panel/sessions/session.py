"""`Session`: the panel's end of one runner process (JSON lines <-> callbacks and signals)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QObject, Signal

from panel.sessions.config import SessionConfig
from panel.supervise.process import ManagedProcess
from panel.supervise.state import ProcessState

ResultCallback = Callable[[dict[str, Any]], None]
"""Receives `{success, result, error, durationMs}` (and `errorData` when there is some)."""

OutputCallback = Callable[[str, str], None]
"""(stream "stdout" | "stderr", text) a streamed command wrote."""

MAX_LINE_BYTES = 256 * 1024 * 1024
"""A runner line longer than this without a newline is dropped."""

ACTIVE_WINDOW_S = 60.0
"""A session counts as Active while a command runs and this long after the last one."""

_request_ids = itertools.count(1)


class SessionState(StrEnum):
    """Where a session stands (the API's names)."""

    STARTING = "Starting"
    ACTIVE = "Active"
    IDLE = "Idle"
    CLOSING = "Closing"
    CLOSED = "Closed"


@dataclass(frozen=True)
class SessionSnapshot:
    """One session as the window, the API and `ctl` show it (`session.list` rows)."""

    session_id: str
    pid: int | None
    state: SessionState
    idle_s: float
    lifetime_s: float
    execution_count: int
    rss: int | None
    running: int
    datasets: tuple[str, ...]
    sandbox: str
    """"bwrap" when commands run sandboxed, "none" otherwise."""
    network: bool
    config: SessionConfig
    """The settings the session was created with."""

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SessionSnapshot:
        """A `session.list` row (as `Session.to_json` writes it)."""
        memory = data.get("memoryMB")
        pid = data.get("pid")
        return cls(
            session_id=str(data["sessionId"]),
            pid=None if pid is None else int(pid),
            state=SessionState(data.get("state", SessionState.STARTING)),
            idle_s=float(data.get("idleMinutes", 0.0)) * 60,
            lifetime_s=float(data.get("lifetimeMinutes", 0.0)) * 60,
            execution_count=int(data.get("executionCount", 0)),
            rss=None if memory is None else int(float(memory) * 1048576),
            running=int(data.get("running", 0)),
            datasets=tuple(str(d) for d in data.get("datasets", ())),
            sandbox=str(data.get("sandbox", "none")),
            network=bool(data.get("network", False)),
            config=SessionConfig.from_json(data.get("config") or {}),
        )


class Session(QObject):
    """One runner session: its process, pending commands, counters and held datasets."""

    sig_ready = Signal()
    """The runner answered `ready`: commands can run."""

    sig_ended = Signal(str)
    """(reason) the runner is gone (closed on request, expired, or died) and nothing is held."""

    sig_changed = Signal()
    """Something shown about the session changed (state, counters, memory)."""

    def __init__(
        self,
        session_id: str,
        config: SessionConfig,
        process: ManagedProcess,
        clock: Callable[[], float],
        parent: QObject | None = None,
        log_sink: Callable[[str, str, bytes], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._log_sink = log_sink
        self.session_id = session_id
        self.config = config
        self.process = process
        self._clock = clock
        self.created_at = clock()
        self.last_activity = self.created_at
        self.execution_count = 0
        self.rss: int | None = None
        self.cpu: float | None = None
        self.ready = False
        self.closing = False
        self.ended = False
        self.end_reason = ""
        self.isolation = "off"
        self.sandbox = "none"
        self.network = config.network
        self.folder = ""
        self.datasets: dict[str, dict[str, str]] = {}
        self._pending: dict[str, ResultCallback] = {}
        self._outputs: dict[str, OutputCallback] = {}
        self._held = b""
        process.sig_output.connect(self._on_output)
        process.sig_stats.connect(self._on_stats)
        process.sig_state_changed.connect(self._on_process_state)

    # ------------------------------------------------------------------ figures

    @property
    def pid(self) -> int | None:
        """The runner's pid while it runs."""
        return self.process.pid

    @property
    def running(self) -> int:
        """Commands sent and not answered yet."""
        return len(self._pending)

    def state(self) -> SessionState:
        """Starting, Active, Idle, Closing or Closed."""
        if self.ended:
            return SessionState.CLOSED
        if self.closing:
            return SessionState.CLOSING
        if not self.ready:
            return SessionState.STARTING
        if self._pending or self._clock() - self.last_activity < ACTIVE_WINDOW_S:
            return SessionState.ACTIVE
        return SessionState.IDLE

    def idle_seconds(self) -> float:
        """Seconds since the last command ended (0 while one runs)."""
        return 0.0 if self._pending else max(0.0, self._clock() - self.last_activity)

    def lifetime_seconds(self) -> float:
        """Seconds since the session was created."""
        return max(0.0, self._clock() - self.created_at)

    def snapshot(self) -> SessionSnapshot:
        """The session now, as a typed row."""
        return SessionSnapshot(
            session_id=self.session_id,
            pid=self.pid,
            state=self.state(),
            idle_s=self.idle_seconds(),
            lifetime_s=self.lifetime_seconds(),
            execution_count=self.execution_count,
            rss=self.rss,
            running=self.running,
            datasets=tuple(sorted(self.datasets)),
            sandbox=self.sandbox,
            network=self.network,
            config=self.config,
        )

    def to_json(self) -> dict[str, Any]:
        """As `session.list` shows it."""
        return {
            "sessionId": self.session_id,
            "pid": self.pid,
            "state": str(self.state()),
            "createdAt": iso_utc(self.created_at),
            "lastActivity": iso_utc(self.last_activity),
            "executionCount": self.execution_count,
            "idleMinutes": round(self.idle_seconds() / 60, 3),
            "lifetimeMinutes": round(self.lifetime_seconds() / 60, 3),
            "memoryMB": None if self.rss is None else round(self.rss / 1048576, 1),
            "running": self.running,
            "datasets": sorted(self.datasets),
            "networkIsolation": self.isolation,
            "sandbox": self.sandbox,
            "network": self.network,
            "config": self.config.to_json(),
        }

    # ------------------------------------------------------------------ commands

    def execute(
        self,
        command: dict[str, Any],
        callback: ResultCallback,
        on_output: OutputCallback | None = None,
    ) -> None:
        """Send `command` to the runner; `callback` gets the result (or the failure) once.
        With `on_output`, the command's output is told there as it writes it, first."""
        if self.ended or self.closing or not self.ready:
            why = "the session is closed" if self.ended or self.closing else "not ready yet"
            callback(_failure(why))
            return
        request_id = f"r{next(_request_ids)}"
        self._pending[request_id] = callback
        message: dict[str, Any] = {"id": request_id, "command": command}
        if on_output is not None:
            self._outputs[request_id] = on_output
            message["stream"] = True
        self.touch()
        if not self._send(message):
            self._pending.pop(request_id, None)
            self._outputs.pop(request_id, None)
            callback(_failure("the session runner is not running"))

    def tell_datasets(self) -> None:
        """Let the runner know the datasets held (they become DATASET_<NAME> variables)."""
        paths = {name: held["path"] for name, held in self.datasets.items()}
        self._send({"id": f"d{next(_request_ids)}", "datasets": paths})

    def touch(self) -> None:
        """Mark activity now (idle time restarts)."""
        self.last_activity = self._clock()
        self.sig_changed.emit()

    def close(self, reason: str) -> None:
        """Stop the runner and its whole process tree; `sig_ended` follows."""
        if self.ended or self.closing:
            return
        self.closing = True
        self.end_reason = reason
        self._fail_pending(f"the session was closed ({reason})")
        self.sig_changed.emit()
        self.process.stop()
        self._check_gone()

    def _send(self, message: dict[str, Any]) -> bool:
        data = json.dumps(message, separators=(",", ":")).encode("utf-8") + b"\n"
        return self.process.write(data)

    # ------------------------------------------------------------------ input

    def _on_output(self, stream: str, data: bytes) -> None:
        if stream != "stdout":
            if self._log_sink is not None:
                self._log_sink(self.process.name, stream, data)
            return
        data = self._held + data if self._held else data
        cut = data.rfind(b"\n") + 1
        self._held = data[cut:]
        if len(self._held) > MAX_LINE_BYTES:
            self._held = b""  # a broken runner must not eat memory
        for line in data[:cut].splitlines():
            message = _parse(line)
            if message is not None:
                self._handle(message)

    def _handle(self, message: dict[str, Any]) -> None:
        kind = message["t"]
        if kind == "ready":
            self.ready = True
            self.isolation = str(message.get("isolation", "off"))
            self.sandbox = str(message.get("sandbox", "none"))
            self.network = bool(message.get("network", self.isolation == "off"))
            self.folder = str(message.get("folder", ""))
            self.touch()
            self.sig_ready.emit()
        elif kind == "output":
            sink = self._outputs.get(str(message.get("id")))
            data = message.get("data")
            if sink is not None and isinstance(data, str):
                stream = "stderr" if message.get("stream") == "stderr" else "stdout"
                sink(stream, data)
        elif kind == "result":
            self._outputs.pop(str(message.get("id")), None)
            callback = self._pending.pop(str(message.get("id")), None)
            if callback is None:
                return
            self.execution_count += 1
            self.touch()
            reply = {
                "success": bool(message.get("success")),
                "result": message.get("result"),
                "error": message.get("error"),
                "durationMs": message.get("durationMs"),
            }
            if message.get("errorData"):
                reply["errorData"] = message["errorData"]
            callback(reply)

    def _on_stats(self, cpu: float, rss: int) -> None:
        self.cpu, self.rss = cpu, rss
        self.sig_changed.emit()

    def _on_process_state(self, new: ProcessState, old: ProcessState) -> None:
        if new.is_alive:
            return
        if not self.closing:
            code, sig = self.process.exit_code, self.process.exit_signal
            why = f"signal {sig}" if sig else f"exit code {code}"
            self.closing = True
            self.end_reason = f"the runner ended unexpectedly ({why})"
            self._fail_pending(self.end_reason)
            if self.process.state == ProcessState.EXITED or new == ProcessState.FATAL:
                self.process.stop()  # tree leftovers, and no restart
        self._check_gone()

    def _check_gone(self) -> None:
        if self.ended or self.process.state.is_alive:
            return
        if self.process.state not in (ProcessState.STOPPED, ProcessState.FATAL):
            return
        self.ended = True
        self.rss = self.cpu = None
        self.sig_changed.emit()
        self.sig_ended.emit(self.end_reason)

    def _fail_pending(self, why: str) -> None:
        pending, self._pending = self._pending, {}
        self._outputs.clear()
        for callback in pending.values():
            callback(_failure(why))


def iso_utc(ts: float) -> str:
    """`ts` (epoch seconds) as ISO 8601 UTC with milliseconds: `2026-12-03T08:15:02.123Z`."""
    moment = datetime.fromtimestamp(ts, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parse(line: bytes) -> dict[str, Any] | None:
    """The runner's message on `line` (a JSON object with a `t`), or None."""
    if not line.startswith(b"{"):
        return None
    try:
        message = json.loads(line)
    except ValueError:
        return None
    return message if isinstance(message, dict) and isinstance(message.get("t"), str) else None


def _failure(error: str) -> dict[str, Any]:
    return {"success": False, "result": None, "error": error, "durationMs": 0.0}
