"""Plain HTTP requests on the API port (the job webhooks), beside the WebSocket API.

A WebSocket handshake always starts with ``GET``. A connection whose first
bytes are anything else is a plain HTTP/1.1 request: it is kept away from
websockets' handshake parser (which reads no request body) and answered here,
once, by the server's `PlainHttpHandler`, then closed. The head is checked
first (`precheck`: token, path, method, size) before any body is read; a
client that sends ``Expect: 100-continue`` is told to go on. A client that
never finishes its request is dropped by websockets' opening-handshake timeout
like any slow handshake.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, ClassVar, Protocol

from websockets.asyncio.server import ServerConnection

from panel.util.diskfull import NO_SPACE, is_disk_full

log = logging.getLogger("panel.api")

MAX_HEAD = 64 * 1024
"""Largest request head accepted (431 beyond)."""

Answer = tuple[int, dict[str, Any]]
"""(HTTP status, JSON body)."""


class PlainHttpHandler(Protocol):
    """Answers plain HTTP requests: by their head alone, or by head and body."""

    def precheck(self, head: bytes) -> Answer | None:
        """The answer from the head alone, or None to read the body (Content-Length)."""

    def answer(self, head: bytes, body: bytes) -> Answer:
        """The answer to a whole request."""


HandlerSource = Callable[[], PlainHttpHandler | None]
"""Where a connection finds the server's handler (None: plain HTTP is not served)."""


def connection_class(source: HandlerSource) -> type[ServerConnection]:
    """A websockets `ServerConnection` class that diverts plain HTTP to `source()`."""

    class ApiConnection(_SniffingConnection):
        _source: ClassVar[HandlerSource] = staticmethod(source)

    return ApiConnection


class _SniffingConnection(ServerConnection):
    """A WebSocket connection, unless its first bytes say it is plain HTTP."""

    _source: ClassVar[HandlerSource]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._websocket = False
        self._plain: bytearray | None = None
        self._handler: PlainHttpHandler | None = None
        self._head_passed = False
        self._continued = False
        self._answered = False

    def data_received(self, data: bytes) -> None:
        if self._websocket:
            super().data_received(data)
            return
        if self._plain is None:  # the first bytes of the connection decide
            handler = type(self)._source()
            if handler is None or data[:1] == b"G":
                self._websocket = True
                super().data_received(data)
                return
            self._plain = bytearray()
            self._handler = handler
        if self._answered:
            return
        self._plain += data
        try:
            self._advance()
        except Exception as exc:  # a broken handler must not take the API server down
            if is_disk_full(exc):
                log.error("plain HTTP request on the API port failed: %s", NO_SPACE)
                self._reply(503, {"error": NO_SPACE})
                return
            log.exception("plain HTTP request on the API port failed")
            self._reply(500, {"error": "internal error"})

    def _advance(self) -> None:
        assert self._plain is not None and self._handler is not None
        buffer = self._plain
        end = buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(buffer) > MAX_HEAD:
                self._reply(431, {"error": "headers too large"})
            return
        head = bytes(buffer[: end + 4])
        if not self._head_passed:
            early = self._handler.precheck(head)
            if early is not None:
                self._reply(*early)
                return
            self._head_passed = True
        length = _content_length(head)
        if length and not self._continued and b"100-continue" in head.lower():
            self._continued = True
            self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        if len(buffer) - (end + 4) < length:
            return
        self._reply(*self._handler.answer(head, bytes(buffer[end + 4 : end + 4 + length])))

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        self._answered = True
        self._plain = bytearray()
        payload = json.dumps(body).encode("utf-8")
        head = (
            f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
            "Cache-Control: no-store\r\nConnection: close\r\n\r\n"
        )
        self.transport.write(head.encode("ascii") + payload)
        self.transport.close()


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip() or 0)
    return 0
