"""The worker's line protocol: one JSON object per line, both directions.

Worker -> panel (stdout):

- `{"t":"state","state":S,"reason":str|null,...}` on every state change. S is one of
  CONFIGURE, CONNECT, EXECUTE, RECONNECT, ERROR, IDLE (connection disabled), STOPPED.
  RECONNECT carries `"attempt"` and `"retryInMs"`; ERROR carries `"problems"` (a list).
- `{"t":"tags","values":[{"name","value","quality","ts","reason"?}],"full"?:true}`:
  one message per block cycle (or per subscription notification batch) with only the
  tags whose value moved beyond the tag's deadband or whose quality/reason changed.
  Every `FULL_REFRESH_S` seconds (default 10), after a reload, and on the `refresh`
  command, one message with `"full": true` carries every tag. `quality` is good,
  uncertain or bad; `reason` is present when quality is not good; `ts` is the
  source timestamp in Unix seconds (the device's for OPC UA, the time the response
  arrived for Modbus).
- `{"t":"stats","state":S,"queuedWrites":n,"droppedTags":n,"blocks":[{"name",
  "lastCycleMs","latenessMs","latenessP50Ms","latenessP99Ms","latenessMaxMs","missed",
  "errors","requests","cycles"}]}` about once a second, when it differs from the one
  before (a worker waiting to reconnect sends nothing new). Counters are cumulative since
  the block (re)started; the p50, p99 and max are over the last 1000 cycles. A worker
  with a bus sink adds `"bus"`: what the sink reports (for MQTT: `state`, `url`,
  `error`, `published`, `lastPublished`, `connects`, `tagMessages`, `blockMessages`).
- `{"t":"log","level":"debug|info|warning|error","msg":str}`.
- `{"t":"written","id":str,"ok":bool,"outcome":O,"error"?:str,"expired"?:true}` exactly
  once per write command. O is `done` (the device confirmed it), `failed` (not applied:
  refused, a bad value, or `expired`: still queued when its `timeoutMs` ran out, so it
  left the queue and is never sent) or `unknown` (the request went out and no answer
  came: the connection dropped or the device stayed silent; the device may have
  applied it, and it is never sent again).
- `{"t":"read","id":str,"ok":bool,"error"?:str}` once per on-demand read command.

Panel -> worker (stdin):

- `{"cmd":"reload"}`: read the connection again from where it came from (the workspace
  database with `--workspace`; the file with `--config-json`). The panel sends it after
  committing an edit. `{"cmd":"reload","config":{...}}` adopts the given connection
  object instead. Block/tag changes apply in place (no reconnect). A change of driver,
  host, port, endpoint or unit id makes the worker stop with exit code `EXIT_RESTART`
  (75) so the supervisor starts it again (it then reads the new configuration).
- `{"cmd":"write","id":str,"tag":name,"value":v}` or
  `{"cmd":"write","id":str,"values":{name: v, ...}}` (several tags in one go; Modbus
  merges contiguous addresses into FC15/FC16), with an optional `"timeoutMs"`: how long
  it may wait in the queue before it is dropped unsent. Writes queue while disconnected
  (or behind a busy link) and run after the reconnect, in order; at most
  `MAX_QUEUED_WRITES` wait.
- `{"cmd":"read","id":str,"block":name}`: one cycle of a block now (on-demand blocks).
- `{"cmd":"refresh"}`: send a full `tags` message.
- `{"cmd":"stop"}`: disconnect and exit 0. End of stdin means the same.

Output never blocks the event loop: lines go to a non-blocking pipe transport. When the
reader falls behind by more than `HIGH_WATER_BYTES`, `tags` messages are dropped (and
counted); a full refresh follows once the pipe drains. Other messages are never dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import threading
from collections.abc import Callable
from typing import Any, BinaryIO, Protocol

FULL_REFRESH_S = 10.0
HIGH_WATER_BYTES = 4 * 1024 * 1024
MAX_QUEUED_WRITES = 1000
EXIT_OK = 0
EXIT_USAGE = 2
EXIT_RESTART = 75


def dumps(message: dict[str, Any]) -> bytes:
    """One protocol line (compact JSON, no NaN surprises, newline-terminated)."""
    return json.dumps(message, separators=(",", ":"), default=str).encode("utf-8") + b"\n"


def parse_command(line: bytes) -> tuple[dict[str, Any] | None, str | None]:
    """(command, None) for a command line, (None, why) for a bad one, (None, None) for
    a blank one."""
    text = line.decode("utf-8", errors="replace").strip()
    if not text:
        return None, None
    try:
        command = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, f"not JSON: {exc}"
    if not isinstance(command, dict) or not isinstance(command.get("cmd"), str):
        return None, 'a command is an object with a "cmd" string'
    return command, None


class Sink(Protocol):
    """Where the worker's messages go: the pipe (`Output`) or the socket (`ipc_socket`)."""

    dropped_tags: int
    needs_refresh: bool

    def send(self, message: dict[str, Any]) -> None:
        """Queue one message."""

    def backlog(self) -> int:
        """Bytes written but not yet taken by the reader."""


class Output:
    """Writes protocol lines to a pipe without blocking the loop on a slow reader."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._transport: asyncio.WriteTransport | None = None
        self.dropped_tags = 0
        self.needs_refresh = False

    async def open(self) -> None:
        """Attach a non-blocking transport when the stream is a pipe (else write directly)."""
        loop = asyncio.get_running_loop()
        try:
            transport, _ = await loop.connect_write_pipe(asyncio.Protocol, self._stream)
        except (ValueError, OSError):
            return  # a regular file or a terminal: plain writes are fine
        self._transport = transport

    def send(self, message: dict[str, Any]) -> None:
        """Queue one message; `tags` messages are dropped while the reader is far behind."""
        if message.get("t") == "tags" and self.backlog() > HIGH_WATER_BYTES:
            self.dropped_tags += 1
            self.needs_refresh = True
            return
        data = dumps(message)
        if self._transport is not None:
            if not self._transport.is_closing():
                self._transport.write(data)
            return
        with contextlib.suppress(OSError, ValueError):
            self._stream.write(data)
            self._stream.flush()

    def backlog(self) -> int:
        """Bytes written but not yet taken by the reader."""
        if self._transport is None or self._transport.is_closing():
            return 0
        return self._transport.get_write_buffer_size()

    async def drain(self, timeout: float = 2.0) -> None:
        """Wait (bounded) until the reader has taken what was written."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.backlog() and loop.time() < deadline:
            await asyncio.sleep(0.01)

    def close(self) -> None:
        """Close the transport (the stream's file descriptor goes with it)."""
        if self._transport is not None:
            self._transport.close()
        with contextlib.suppress(OSError):
            self._stream.close()


class CommandReader:
    """Reads command lines from stdin and hands each parsed object to `on_command`.

    `on_eof` runs once when stdin ends. Lines that are not JSON objects are reported
    through `on_bad_line` and otherwise ignored.
    """

    def __init__(
        self,
        on_command: Callable[[dict[str, Any]], None],
        on_eof: Callable[[], None],
        on_bad_line: Callable[[str], None],
    ) -> None:
        self._on_command = on_command
        self._on_eof = on_eof
        self._on_bad_line = on_bad_line
        self._task: asyncio.Task[None] | None = None
        self._transport: asyncio.BaseTransport | None = None

    async def start(self, stream: BinaryIO | None = None) -> None:
        """Start reading `stream` (stdin by default) on the running loop."""
        stream = stream or sys.stdin.buffer
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=16 * 1024 * 1024)
        try:
            transport, _ = await loop.connect_read_pipe(
                lambda: asyncio.StreamReaderProtocol(reader), stream
            )
        except (ValueError, OSError):
            self._start_thread(stream, loop)
            return
        self._transport = transport
        self._task = asyncio.create_task(self._pump(reader), name="stdin")

    async def _pump(self, reader: asyncio.StreamReader) -> None:
        while True:
            try:
                line = await reader.readline()
            except (ValueError, asyncio.LimitOverrunError):
                self._on_bad_line("command line too long")
                continue
            if not line:
                break
            self._handle(line)
        self._on_eof()

    def _start_thread(self, stream: BinaryIO, loop: asyncio.AbstractEventLoop) -> None:
        def run() -> None:
            for line in iter(stream.readline, b""):
                loop.call_soon_threadsafe(self._handle, line)
            loop.call_soon_threadsafe(self._on_eof)

        threading.Thread(target=run, name="stdin", daemon=True).start()

    def _handle(self, line: bytes) -> None:
        command, problem = parse_command(line)
        if problem is not None:
            self._on_bad_line(problem)
        elif command is not None:
            self._on_command(command)

    def close(self) -> None:
        """Stop reading."""
        if self._task is not None:
            self._task.cancel()
        if self._transport is not None:
            self._transport.close()
