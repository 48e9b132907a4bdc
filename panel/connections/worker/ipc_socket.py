"""The worker's IPC over a Unix socket: it outlives the engine and lets the next one adopt it.

With ``--ipc-dir DIR`` the worker listens on ``DIR/w-<pid>.sock`` (0600, the folder
0700) instead of using its stdin/stdout, and the same JSON lines go both ways (see
`protocol`). One engine is attached at a time (a second one is told ``busy`` and
closed; a peer of another user is refused). When the engine goes away (its end of
the socket closes: a crash, a SIGKILL) the worker keeps polling:

- `log` messages are kept in order (up to `LOG_BUFFER` of them) and also written
  to the worker's own log file (its stderr, in the workspace's logs folder), so
  nothing logged without an engine is lost;
- the latest `state` and `stats` are kept; `tags` are not queued (the next engine
  gets a full refresh); answers to the gone engine's writes are dropped;
- after `orphan_timeout_s` seconds without an engine (0: never) it stops by itself.

An engine that connects first gets ``{"t":"hello","pid","connId","startedAt",
"orphanedS","notes"}``, then the latest state, the kept log lines, the latest
stats and a full refresh. It may send ``{"cmd":"engine","notes":{...},
"orphanTimeoutS":n}``: `notes` (the engine's counters for this worker, such as
its restarts) come back in the next hello. In a group worker each member's
`engine` command carries its `"c"` and its notes come back under `notes[<conn id>]`.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import socket
import struct
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from panel.connections.worker.ipc_path import prepare_run_dir, socket_name, socket_path
from panel.connections.worker.protocol import HIGH_WATER_BYTES, dumps, parse_command

LOG_BUFFER = 100_000
"""Log messages kept while no engine is attached (older ones are counted, and stay in the file)."""

Command = dict[str, Any]


class SocketOutput:
    """Protocol lines to the attached engine; kept or dropped while there is none.

    Duck-types `protocol.Output` for the `Worker`.
    """

    def __init__(self, conn_id: str, orphan_timeout_s: float) -> None:
        self.conn_id = conn_id
        self.orphan_timeout_s = orphan_timeout_s
        self.dropped_tags = 0
        self.needs_refresh = False
        self.notes: dict[str, Any] = {}
        self.started_at = time.time()
        self._transport: asyncio.Transport | None = None
        self._last: dict[tuple[str, Any], dict[str, Any]] = {}
        """(kind, member) -> the latest state or stats (member: a group's `"c"`, or None)."""
        self._logs: collections.deque[dict[str, Any]] = collections.deque()
        self._lost_logs = 0
        self._orphaned_since: float | None = time.monotonic()
        self._orphan_timer: asyncio.TimerHandle | None = None
        self.on_attach: Callable[[], None] = lambda: None
        self.on_orphan_timeout: Callable[[], None] = lambda: None

    # ---- what the Worker calls -----------------------------------------------------

    async def open(self) -> None:
        """Start the orphan clock (no engine is attached yet)."""
        self._arm_orphan_timer()

    def send(self, message: dict[str, Any]) -> None:
        """Send to the engine, or keep what must not be lost while there is none."""
        kind = message.get("t")
        if kind in ("state", "stats"):
            self._last[(str(kind), message.get("c"))] = message
        transport = self._transport
        if transport is None or transport.is_closing():
            self._keep(message)
            return
        if kind == "tags" and self.backlog() > HIGH_WATER_BYTES:
            self.dropped_tags += 1
            self.needs_refresh = True
            return
        transport.write(dumps(message))

    def backlog(self) -> int:
        """Bytes written but not yet taken by the engine."""
        transport = self._transport
        if transport is None or transport.is_closing():
            return 0
        return transport.get_write_buffer_size()

    async def drain(self, timeout: float = 2.0) -> None:
        """Wait (bounded) until the engine has taken what was written."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.backlog() and loop.time() < deadline:
            await asyncio.sleep(0.01)

    def close(self) -> None:
        """Close the engine's connection (the worker is ending)."""
        if self._orphan_timer is not None:
            self._orphan_timer.cancel()
        if self._transport is not None:
            self._transport.close()

    # ---- engine attach / detach -------------------------------------------------------

    @property
    def attached(self) -> bool:
        """True while an engine is connected."""
        return self._transport is not None

    def attach(self, transport: asyncio.Transport) -> bool:
        """A new engine connected; False (and closed) when one is attached already."""
        if self._transport is not None:
            transport.write(dumps({"t": "busy", "pid": os.getpid()}))
            transport.close()
            return False
        orphaned = self._orphaned_since
        self._orphaned_since = None
        if self._orphan_timer is not None:
            self._orphan_timer.cancel()
            self._orphan_timer = None
        self._transport = transport
        hello = {
            "t": "hello",
            "pid": os.getpid(),
            "connId": self.conn_id,
            "startedAt": self.started_at,
            "orphanedS": None if orphaned is None else round(time.monotonic() - orphaned, 3),
            "notes": dict(self.notes),
        }
        transport.write(dumps(hello))
        for (kind, _member), last in self._last.items():
            if kind == "state":
                transport.write(dumps(last))
        if self._lost_logs:
            lost = f"{self._lost_logs} older log lines are only in the worker's log file"
            transport.write(dumps({"t": "log", "level": "warning", "msg": lost}))
            self._lost_logs = 0
        while self._logs:
            transport.write(dumps(self._logs.popleft()))
        for (kind, _member), last in self._last.items():
            if kind == "stats":
                transport.write(dumps(last))
        self.on_attach()
        return True

    def detach(self, transport: asyncio.BaseTransport) -> None:
        """The engine's connection closed: keep going without it."""
        if transport is not self._transport:
            return
        self._transport = None
        self._orphaned_since = time.monotonic()
        self._arm_orphan_timer()
        self._keep({"t": "log", "level": "warning", "msg": "engine gone: polling goes on"})

    def apply_engine(self, command: Command) -> None:
        """The engine's `engine` command: its notes and the orphan timeout."""
        notes = command.get("notes")
        member = command.get("c")
        if isinstance(notes, dict) and isinstance(member, str):
            kept = self.notes.get(member)
            self.notes[member] = {**(kept if isinstance(kept, dict) else {}), **notes}
        elif isinstance(notes, dict):
            self.notes.update(notes)
        timeout = command.get("orphanTimeoutS")
        if isinstance(timeout, int | float) and not isinstance(timeout, bool) and timeout >= 0:
            self.orphan_timeout_s = float(timeout)

    # ---- internals ----------------------------------------------------------------------

    def _keep(self, message: dict[str, Any]) -> None:
        if message.get("t") == "tags":
            self.needs_refresh = True
        if message.get("t") != "log":
            return
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(f"{stamp} {message.get('level')}: {message.get('msg')}\n")
            sys.stderr.flush()
        if len(self._logs) >= LOG_BUFFER:
            self._logs.popleft()
            self._lost_logs += 1
        self._logs.append(message)

    def _arm_orphan_timer(self) -> None:
        if self._orphan_timer is not None:
            self._orphan_timer.cancel()
            self._orphan_timer = None
        if self.orphan_timeout_s > 0:
            loop = asyncio.get_running_loop()
            self._orphan_timer = loop.call_later(self.orphan_timeout_s, self._orphan_expired)

    def _orphan_expired(self) -> None:
        self._orphan_timer = None
        if self._transport is None:
            why = f"no engine for {self.orphan_timeout_s:g} s (orphanTimeoutS): stopping"
            self._keep({"t": "log", "level": "warning", "msg": why})
            self.on_orphan_timeout()


class _EngineConnection(asyncio.Protocol):
    """One engine's connection: command lines in, `SocketOutput` lines out."""

    def __init__(
        self,
        output: SocketOutput,
        on_command: Callable[[Command], None],
        on_bad_line: Callable[[str], None],
    ) -> None:
        self._output = output
        self._on_command = on_command
        self._on_bad_line = on_bad_line
        self._held = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        sock = transport.get_extra_info("socket")
        if sock is not None and not _same_user(sock):
            transport.close()
            return
        if self._output.attach(transport):
            self._transport = transport

    def data_received(self, data: bytes) -> None:
        if self._transport is None:
            return
        data = self._held + data
        *lines, self._held = data.split(b"\n")
        for line in lines:
            self._handle(line)

    def _handle(self, line: bytes) -> None:
        command, problem = parse_command(line)
        if problem is not None:
            self._on_bad_line(problem)
            return
        if command is None:
            return
        if command["cmd"] == "engine":
            self._output.apply_engine(command)
        else:
            self._on_command(command)

    def connection_lost(self, exc: Exception | None) -> None:
        if self._transport is not None:
            self._output.detach(self._transport)
            self._transport = None


def _same_user(sock: socket.socket) -> bool:
    """Is the peer run by this worker's user (or root)?"""
    try:
        creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    except OSError:
        return False
    _pid, uid, _gid = struct.unpack("3i", creds)
    return uid in (os.getuid(), 0)


class SocketServer:
    """Listens on this worker's socket in `folder` and serves one engine at a time."""

    def __init__(
        self,
        folder: Path,
        output: SocketOutput,
        on_command: Callable[[Command], None],
        on_bad_line: Callable[[str], None],
    ) -> None:
        self.folder = Path(folder)
        self.output = output
        self._on_command = on_command
        self._on_bad_line = on_bad_line
        self._server: asyncio.AbstractServer | None = None
        self.path = ""

    async def start(self) -> None:
        """Bind (0600) and listen."""
        prepare_run_dir(self.folder)
        self.path = socket_path(self.folder, os.getpid())
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)  # a worker of an earlier boot had this pid
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_umask = os.umask(0o177)
        try:
            sock.bind(self.path)
        finally:
            os.umask(old_umask)
        os.chmod(self.path, 0o600)
        sock.listen(4)
        loop = asyncio.get_running_loop()
        self._server = await loop.create_unix_server(
            lambda: _EngineConnection(self.output, self._on_command, self._on_bad_line),
            sock=sock,
        )

    def close(self) -> None:
        """Stop listening and remove the socket file."""
        if self._server is not None:
            self._server.close()
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(self.folder, socket_name(os.getpid())))
