"""`WorkerLink`: the panel's view of one connection's worker (its messages <-> Qt signals)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from panel.connections.channel import LEVELS, WorkerChannel
from panel.connections.worker.protocol import EXIT_RESTART
from panel.connections.worker.writes import UNKNOWN
from panel.connections.write_answer import WriteAnswer
from panel.logs.hub import LogHub
from panel.logs.levels import LogLevel
from panel.supervise.process import ManagedProcess
from panel.supervise.state import ProcessState

_ids = itertools.count(1)


def source_name(conn_id: str) -> str:
    """The log source of a connection's worker: `conn:<id>`."""
    return f"conn:{conn_id}"


class WorkerLink(QObject):
    """One connection's state, figures and commands, over its worker's channel.

    JSON messages become signals; `log` messages go to the log hub under `source`
    (`conn:<id>`). A lone worker that exits with `EXIT_RESTART` (its endpoint changed)
    is started again at once, without the restart delay.

    A lone worker's link makes its own `WorkerChannel` (pipes, or with `ipc_dir` the
    worker's Unix socket: a worker that outlives the engine). A member of a connection
    group is given its group's `channel`: its commands carry `"c": <conn id>` and the
    channel routes the group worker's messages for it here. Either way the link tells a
    socket worker the engine's counters (`notes`: restarts, connects) and
    `orphan_timeout_s`, which an adopted worker hands back in its hello so the counts go on.
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
        channel: WorkerChannel | None = None,
    ) -> None:
        super().__init__(parent)
        self.conn_id = conn_id
        self.process = process
        self.source = source_name(conn_id)
        self._hub = hub
        self.group = channel.group if channel is not None else None
        """The connection group whose worker runs this connection (None: its own)."""
        self.grouped = self.group is not None
        self.key: str | None = conn_id if self.grouped else None
        """What the channel routes by: the conn id in a group, None for a lone worker."""
        if channel is None:
            channel = WorkerChannel(process, hub, self.source, self, ipc_dir=ipc_dir)
        self.channel = channel
        channel.add(self)
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
        process.sig_stats.connect(self._on_process_stats)
        process.sig_state_changed.connect(self._on_process_state)
        process.sig_exited.connect(self._on_exited)

    def release(self) -> None:
        """Leave the channel and the process (the connection left this worker)."""
        self.channel.remove(self)
        self.process.sig_stats.disconnect(self._on_process_stats)
        self.process.sig_state_changed.disconnect(self._on_process_state)
        self.process.sig_exited.disconnect(self._on_exited)

    # ----------------------------------------------------------------- commands

    @property
    def over_socket(self) -> bool:
        """True when this worker talks over its Unix socket (it may outlive the engine)."""
        return self.channel.over_socket

    def use_socket(self, ipc_dir: Path | None, orphan_timeout_s: float) -> None:
        """From the worker's next start on, talk over a socket in `ipc_dir` (None: its
        pipes); a running socket worker is told the new orphan timeout at once."""
        self.channel.use_socket(ipc_dir)
        self.orphan_timeout_s = orphan_timeout_s
        if self.over_socket:
            self.send_notes()

    def send(self, command: dict[str, Any]) -> bool:
        """Write one command line to the worker; False when no worker runs."""
        if self.key is not None:
            command = {**command, "c": self.key}
        data = json.dumps(command, separators=(",", ":")).encode("utf-8") + b"\n"
        return self.channel.send(data)

    def detach(self) -> None:
        """Drop the socket connection without stopping the worker (tests: an engine gone)."""
        self.channel.detach()

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

    def on_hello(self, message: dict[str, Any], notes: dict[str, Any]) -> None:
        """A socket worker's hello (`notes`: what this engine's predecessor told it)."""
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

    def handle_message(self, message: dict[str, Any]) -> None:
        """One message of this connection's worker (routed here by the channel)."""
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
            level = LEVELS.get(str(message.get("level")), LogLevel.INFO)
            self._hub.add_line(self.source, "stdout", str(message.get("msg", "")), level)
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
        exit_code = message.get("exitCode")
        if state == "STOPPED" and isinstance(exit_code, int) and not self.grouped:
            self.process.expect_exit(exit_code)  # a member's end is not its group's
        if state in ("ERROR", "RECONNECT") and self.reason:
            self._hub.add_line(self.source, "stdout", f"{state}: {self.reason}", LogLevel.WARNING)
        self.sig_worker_state.emit(state, message)
        self.sig_changed.emit()

    def _on_process_stats(self, cpu: float, rss: int) -> None:
        self.cpu, self.rss = cpu, rss
        self.sig_changed.emit()

    def _on_process_state(self, new: ProcessState, old: ProcessState) -> None:
        if not new.is_alive:
            self.worker_state = None
            self.cpu = self.rss = None
        if new == ProcessState.BACKOFF and self.process.exit_code == EXIT_RESTART:
            self.process.start()  # the worker asked for a restart on its new endpoint
        self.sig_changed.emit()

    def _on_exited(self, code: int, signal: int) -> None:
        gone = WriteAnswer(UNKNOWN, "unknown: the worker exited before answering the write")
        for request_id in sorted(self.pending_writes):
            self.sig_written.emit(request_id, gone)
        self.pending_writes.clear()
        if code != EXIT_RESTART and (code != 0 or signal):
            why = f"signal {signal}" if signal else f"exit code {code}"
            self._hub.add_line(self.source, "stdout", f"worker ended ({why})", LogLevel.ERROR)
