"""`WorkerLink`: the panel's end of one connection worker's pipe or socket (JSON lines <-> Qt
signals)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from panel.connections.lines import LineSplitter, parse_message
from panel.connections.worker.ipc_path import remove_socket
from panel.connections.worker.protocol import EXIT_RESTART
from panel.connections.worker.writes import UNKNOWN
from panel.connections.worker_socket import WorkerSocket
from panel.connections.write_answer import WriteAnswer
from panel.logs.hub import LogHub
from panel.logs.levels import LogLevel
from panel.supervise.process import ManagedProcess
from panel.supervise.state import ProcessState

_LEVELS = {
    "debug": LogLevel.DEBUG,
    "info": LogLevel.INFO,
    "warning": LogLevel.WARNING,
    "error": LogLevel.ERROR,
}
_ids = itertools.count(1)


def source_name(conn_id: str) -> str:
    """The log source of a connection's worker: `conn:<id>`."""
    return f"conn:{conn_id}"


class WorkerLink(QObject):
    """Reads one worker's output and writes its commands.

    JSON lines become signals; other stdout lines, stderr and `log` messages go to the
    log hub under `source` (`conn:<id>`). A worker that exits with `EXIT_RESTART` (its
    endpoint changed) is started again at once, without the restart delay.

    With `ipc_dir` the messages and commands go over the worker's Unix socket in that
    folder instead of its stdin/stdout (a worker that outlives the engine): the link
    connects when the worker starts or is adopted, and tells it the engine's counters
    (`notes`: restarts, connects) and `orphan_timeout_s`, which an adopted worker hands
    back in its hello so the counts go on.
    """

    sig_worker_state = Signal(str, object)
    """(state, message dict) the worker's FSM state changed (CONNECT, EXECUTE, ...)."""

    sig_tags = Signal(object, bool)
    """(values: list of {name, value, quality, ts, reason?}, full) new tag values."""

    sig_stats = Signal(object)
    """(message dict) the worker's periodic `stats` message."""

    sig_written = Signal(str, object)
    """(request id, WriteAnswer) the one answer to a write command."""

    sig_changed = Signal()
    """Something shown about the link changed (process state, pid, CPU/RSS, worker state)."""

    def __init__(
        self,
        conn_id: str,
        process: ManagedProcess,
        hub: LogHub,
        parent: QObject | None = None,
        *,
        ipc_dir: Path | None = None,
        orphan_timeout_s: float = 0.0,
    ) -> None:
        super().__init__(parent)
        self.conn_id = conn_id
        self.process = process
        self.source = source_name(conn_id)
        self._hub = hub
        self._splitter = LineSplitter()
        self.worker_state: str | None = None
        self.reason: str | None = None
        self.problems: list[str] = []
        self.stats: dict[str, Any] = {}
        self.cpu: float | None = None
        self.rss: int | None = None
        self.connects = 0
        """How many times a worker entered CONNECT (a reconnect or a new process counts)."""
        self.pending_writes: set[str] = set()
        self.orphan_timeout_s = orphan_timeout_s
        self._replayed_state = False
        self._socket: WorkerSocket | None = None
        self._next_ipc_dir = ipc_dir
        self._ipc_dir: Path | None = None
        self._socket_pid: int | None = None
        self._socket_lines = LineSplitter()
        self._early: list[bytes] = []
        process.sig_started.connect(self._on_started)
        process.sig_ending.connect(self._on_ending)
        process.sig_output.connect(self._on_output)
        process.sig_stats.connect(self._on_process_stats)
        process.sig_state_changed.connect(self._on_process_state)
        process.sig_exited.connect(self._on_exited)

    # ----------------------------------------------------------------- commands

    @property
    def over_socket(self) -> bool:
        """True when this worker talks over its Unix socket (it may outlive the engine)."""
        return self._socket_pid is not None

    def use_socket(self, ipc_dir: Path | None, orphan_timeout_s: float) -> None:
        """From the worker's next start on, talk over a socket in `ipc_dir` (None: its
        pipes); a running socket worker is told the new orphan timeout at once."""
        self._next_ipc_dir = ipc_dir
        self.orphan_timeout_s = orphan_timeout_s
        if self.over_socket:
            self.send_notes()

    def send(self, command: dict[str, Any]) -> bool:
        """Write one command line to the worker; False when no worker runs."""
        data = json.dumps(command, separators=(",", ":")).encode("utf-8") + b"\n"
        if self._socket is not None and self._socket_pid is not None:
            return self.process.state.is_alive and self._socket.write(data)
        if self._next_ipc_dir is not None and self._starting():
            self._early.append(data)  # for its socket, once it runs (a fork takes a moment)
            return True
        return self.process.write(data)

    def _starting(self) -> bool:
        return self.process.state == ProcessState.STARTING and self.process.pid is None

    def detach(self) -> None:
        """Drop the socket connection without stopping the worker (tests: an engine gone)."""
        if self._socket is not None:
            self._socket.close()

    def write(self, values: dict[str, Any], timeout_s: float) -> str | None:
        """Send a write of `values` (tag name -> value) that may wait `timeout_s` in the
        worker's queue; the request id, None if not running."""
        request_id = f"w{next(_ids)}"
        timeout_ms = max(1, round(timeout_s * 1000))
        command = {"cmd": "write", "id": request_id, "values": values, "timeoutMs": timeout_ms}
        if not self.send(command):
            return None
        self.pending_writes.add(request_id)
        return request_id

    # ----------------------------------------------------------------- input

    def _on_started(self, pid: int) -> None:
        folder = self._next_ipc_dir
        if folder is None:
            early, self._early = self._early, []
            for data in early:
                self.process.write(data)
            return  # this worker talks over its pipes
        if self._socket is None or self._ipc_dir != folder:
            if self._socket is not None:
                self._socket.close()
                self._socket.deleteLater()
            self._socket = WorkerSocket(folder, self)
            self._socket.sig_data.connect(self._on_socket_data)
            self._ipc_dir = folder
        self._socket_lines = LineSplitter()
        self._socket_pid = pid
        self._socket.connect_to(pid)
        early, self._early = self._early, []
        for data in early:
            self._socket.write(data)

    def _on_ending(self) -> None:
        if self._socket is not None:
            self._socket.drain()

    def _on_socket_data(self, data: bytes) -> None:
        for line in self._socket_lines.feed(data):
            self._handle_line(line)

    def _on_hello(self, message: dict[str, Any]) -> None:
        notes = message.get("notes")
        notes = notes if isinstance(notes, dict) else {}
        if self.process.adopted:
            restarts, connects = notes.get("restarts"), notes.get("connects")
            if isinstance(restarts, int):
                self.process.continue_restarts(restarts)
            if isinstance(connects, int):
                self.connects = max(self.connects, connects)
            orphaned = message.get("orphanedS")
            self._hub.add_line(
                self.source,
                "stdout",
                f"worker {message.get('pid')} adopted (it ran {orphaned} s without an engine)",
                LogLevel.INFO,
            )
        self._replayed_state = True
        self.send_notes()
        self.sig_changed.emit()

    def send_notes(self) -> None:
        """Tell a socket worker the engine's counters and its orphan timeout."""
        if self.over_socket:
            notes = {"restarts": self.process.restarts, "connects": self.connects}
            command = {"cmd": "engine", "notes": notes, "orphanTimeoutS": self.orphan_timeout_s}
            self.send(command)

    def _on_output(self, stream: str, data: bytes) -> None:
        if stream != "stdout":
            self._hub.feed(self.source, stream, data)
            return
        for line in self._splitter.feed(data):
            self._handle_line(line)

    def _handle_line(self, line: bytes) -> None:
        message = parse_message(line)
        if message is None:
            if line.strip():
                self._hub.add_line(self.source, "stdout", line.decode("utf-8", "replace"))
            return
        kind = message["t"]
        if kind == "tags":
            values = message.get("values")
            if isinstance(values, list):
                self.sig_tags.emit(values, bool(message.get("full")))
        elif kind == "stats":
            self.stats = message
            self.sig_stats.emit(message)
            self.sig_changed.emit()
        elif kind == "state":
            self._on_worker_state(message)
        elif kind == "log":
            level = _LEVELS.get(str(message.get("level")), LogLevel.INFO)
            self._hub.add_line(self.source, "stdout", str(message.get("msg", "")), level)
        elif kind == "hello":
            self._on_hello(message)
        elif kind == "busy":
            who = f"worker {message.get('pid')} already serves another engine"
            self._hub.add_line(self.source, "stdout", who, LogLevel.ERROR)
        elif kind == "written":
            request_id = str(message.get("id", ""))
            self.pending_writes.discard(request_id)
            self.sig_written.emit(request_id, WriteAnswer.from_message(message))

    def _on_worker_state(self, message: dict[str, Any]) -> None:
        state = str(message.get("state"))
        self.worker_state = state
        self.reason = message.get("reason") if isinstance(message.get("reason"), str) else None
        problems = message.get("problems")
        self.problems = [str(p) for p in problems] if isinstance(problems, list) else []
        if state == "CONNECT" and not self._replayed_state:
            self.connects += 1
        self._replayed_state = False
        if state == "STOPPED" and isinstance(message.get("exitCode"), int):
            self.process.expect_exit(int(message["exitCode"]))
        if state in ("ERROR", "RECONNECT") and self.reason:
            self._hub.add_line(self.source, "stdout", f"{state}: {self.reason}", LogLevel.WARNING)
        self.sig_worker_state.emit(state, message)
        self.sig_changed.emit()

    def _on_process_stats(self, cpu: float, rss: int) -> None:
        self.cpu, self.rss = cpu, rss
        self.sig_changed.emit()

    def _on_process_state(self, new: ProcessState, old: ProcessState) -> None:
        if not new.is_alive:
            self._early.clear()
            self.worker_state = None
            self.cpu = self.rss = None
        if new == ProcessState.BACKOFF and self.process.exit_code == EXIT_RESTART:
            self.process.start()  # the worker asked for a restart on its new endpoint
        self.sig_changed.emit()

    def _on_exited(self, code: int, signal: int) -> None:
        for line in self._splitter.flush():
            self._handle_line(line)
        if self._socket is not None:
            self._socket.drain()
            self._socket.close()
            for line in self._socket_lines.flush():
                self._handle_line(line)
            if self._ipc_dir is not None and self._socket_pid is not None:
                remove_socket(self._ipc_dir, self._socket_pid)  # a killed worker leaves it
            self._socket_pid = None
        gone = WriteAnswer(UNKNOWN, "unknown: the worker exited before answering the write")
        for request_id in sorted(self.pending_writes):
            self.sig_written.emit(request_id, gone)
        self.pending_writes.clear()
        if code != EXIT_RESTART and (code != 0 or signal):
            why = f"signal {signal}" if signal else f"exit code {code}"
            self._hub.add_line(self.source, "stdout", f"worker ended ({why})", LogLevel.ERROR)
