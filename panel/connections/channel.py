"""`WorkerChannel`: the panel's end of one worker process's pipes or socket.

It reads the process's JSON lines once and hands each message to the `WorkerLink` of
its connection: the one link of a lone worker, or, in a group worker, the member named
by the message's `"c"`. Commands go the other way (`send`). Lines that are not JSON,
stderr, and a group's own `log` messages go to the log hub under the channel's source.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject

from panel.connections.lines import LineSplitter, parse_message
from panel.connections.worker.ipc_path import remove_socket
from panel.connections.worker_socket import WorkerSocket
from panel.logs.hub import LogHub
from panel.logs.levels import LogLevel
from panel.supervise.process import ManagedProcess
from panel.supervise.state import ProcessState

if TYPE_CHECKING:
    from panel.connections.link import WorkerLink

LEVELS = {
    "debug": LogLevel.DEBUG,
    "info": LogLevel.INFO,
    "warning": LogLevel.WARNING,
    "error": LogLevel.ERROR,
}


def group_source(group: str) -> str:
    """The log source (and process name) of a group's worker: `group:<name>`."""
    return f"group:{group}"


class WorkerChannel(QObject):
    """Carries one worker process's messages to its links and their commands to it.

    `group`: the process is that group's worker; messages are routed by `"c"`. With
    `ipc_dir` the lines go over the worker's Unix socket in that folder (a worker that
    outlives the engine): the channel connects when the worker starts or is adopted.
    """

    def __init__(
        self,
        process: ManagedProcess,
        hub: LogHub,
        source: str,
        parent: QObject | None = None,
        *,
        group: str | None = None,
        ipc_dir: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.process = process
        self.source = source
        self.group = group
        self.grouped = group is not None
        self.links: dict[str | None, WorkerLink] = {}
        self._hub = hub
        self._splitter = LineSplitter()
        self._socket: WorkerSocket | None = None
        self._next_ipc_dir = ipc_dir
        self._ipc_dir: Path | None = None
        self._socket_pid: int | None = None
        self._socket_lines = LineSplitter()
        self._early: list[bytes] = []
        process.sig_started.connect(self._on_started)
        process.sig_ending.connect(self._on_ending)
        process.sig_output.connect(self._on_output)
        process.sig_state_changed.connect(self._on_process_state)
        process.sig_exited.connect(self._on_exited)

    # ----------------------------------------------------------------- members

    def add(self, link: WorkerLink) -> None:
        """Route the messages of `link`'s connection to it."""
        self.links[link.key] = link

    def remove(self, link: WorkerLink) -> None:
        """Stop routing to `link` (its connection left this process)."""
        if self.links.get(link.key) is link:
            del self.links[link.key]

    # ----------------------------------------------------------------- commands

    @property
    def over_socket(self) -> bool:
        """True when this worker talks over its Unix socket (it may outlive the engine)."""
        return self._socket_pid is not None

    def use_socket(self, ipc_dir: Path | None) -> None:
        """From the worker's next start on, talk over a socket in `ipc_dir` (None: pipes)."""
        self._next_ipc_dir = ipc_dir

    def send(self, data: bytes) -> bool:
        """Write one command line to the worker; False when no worker runs."""
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
        if kind == "hello":
            notes = message.get("notes")
            notes = notes if isinstance(notes, dict) else {}
            for key, member in list(self.links.items()):
                mine = notes.get(key) if self.grouped else notes
                member.on_hello(message, mine if isinstance(mine, dict) else {})
        elif kind == "busy":
            who = f"worker {message.get('pid')} already serves another engine"
            self._hub.add_line(self.source, "stdout", who, LogLevel.ERROR)
        else:
            key = message.get("c") if self.grouped else None
            link = self.links.get(key) if key is not None or not self.grouped else None
            if link is not None:
                link.handle_message(message)
            else:
                self._own_message(message)

    def _own_message(self, message: dict[str, Any]) -> None:
        """A group's own message (or one for a member no longer routed here)."""
        kind = message["t"]
        if kind == "log":
            level = LEVELS.get(str(message.get("level")), LogLevel.INFO)
            self._hub.add_line(self.source, "stdout", str(message.get("msg", "")), level)
        elif kind == "state" and "c" not in message and message.get("state") == "STOPPED":
            code = message.get("exitCode")
            if isinstance(code, int):
                self.process.expect_exit(code)

    def _on_process_state(self, new: ProcessState, old: ProcessState) -> None:
        if not new.is_alive:
            self._early.clear()

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
