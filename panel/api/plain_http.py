"""Plain HTTP requests on the API port (the job webhooks), beside the WebSocket API.

A WebSocket handshake always starts with ``GET``. A connection whose first
bytes are anything else is a plain HTTP/1.1 request: it is kept away from
websockets' handshake parser (which reads no request body) and answered here,
once, by the server's `PlainHttpHandler`, then closed. The request is parsed
by h11: conflicting Content-Length headers, both Content-Length and
Transfer-Encoding, or a malformed head get 400 (an unknown transfer coding
501); a chunked body is read like a sized one, and either over `MAX_BODY` gets
413. The head is checked first (`precheck`: token, path, method, size) before
any body is read; a client that sends ``Expect: 100-continue`` is told to go
on only once that passed. A handler may answer later (an awaitable, e.g. a
webhook waiting for its run): the answer is sent when it comes, unless the
client has gone meanwhile. A client that
never finishes its request is dropped by websockets' opening-handshake timeout
like any slow handshake.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any, ClassVar, Protocol

import h11
from websockets.asyncio.server import ServerConnection

from panel.util.diskfull import NO_SPACE, is_disk_full

log = logging.getLogger("panel.api")

MAX_HEAD = 64 * 1024
"""Largest request head accepted (431 beyond)."""

LINGER_S = 2.0
"""How long an answered connection still swallows what the client sends, then closes."""

MAX_BODY = 1024 * 1024
"""Largest request body read (413 beyond), whether sized by Content-Length or chunked."""

Answer = tuple[int, dict[str, Any]]
"""(HTTP status, JSON body)."""


class PlainHttpHandler(Protocol):
    """Answers plain HTTP requests: by their head alone, or by head and body."""

    def precheck(self, head: bytes) -> Answer | None:
        """The answer from the head alone, or None to read the body (Content-Length)."""

    def answer(self, head: bytes, body: bytes) -> Answer | Awaitable[Answer]:
        """The answer to a whole request (awaitable: it is sent once it comes)."""


HandlerSource = Callable[[], PlainHttpHandler | None]
"""Where a connection finds the server's handler (None: plain HTTP is not served)."""


def connection_class(
    source: HandlerSource, host_ok: Callable[[str | None], bool]
) -> type[ServerConnection]:
    """A websockets `ServerConnection` class that diverts plain HTTP to `source()`
    (answering 421 to a request whose ``Host`` fails `host_ok`)."""

    class ApiConnection(_SniffingConnection):
        _source: ClassVar[HandlerSource] = staticmethod(source)
        _host_ok: ClassVar[Callable[[str | None], bool]] = staticmethod(host_ok)

    return ApiConnection


class _SniffingConnection(ServerConnection):
    """A WebSocket connection, unless its first bytes say it is plain HTTP."""

    _source: ClassVar[HandlerSource]
    _host_ok: ClassVar[Callable[[str | None], bool]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._websocket = False
        self._http: h11.Connection | None = None
        self._handler: PlainHttpHandler | None = None
        self._head = b""
        self._body = bytearray()
        self._answered = False
        self._later: asyncio.Future[None] | None = None

    def data_received(self, data: bytes) -> None:
        if self._websocket:
            super().data_received(data)
            return
        if self._http is None:  # the first bytes of the connection decide
            handler = type(self)._source()
            if handler is None or data[:1] == b"G":
                self._websocket = True
                super().data_received(data)
                return
            self._http = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEAD)
            self._handler = handler
        if self._answered:
            return
        try:
            self._http.receive_data(data)
            self._advance()
        except h11.RemoteProtocolError as exc:
            status = 431 if "too long" in str(exc) else exc.error_status_hint
            self._reply(status, {"error": f"bad request: {exc}"})
        except Exception as exc:  # a broken handler must not take the API server down
            if is_disk_full(exc):
                log.error("plain HTTP request on the API port failed: %s", NO_SPACE)
                self._reply(503, {"error": NO_SPACE})
                return
            log.exception("plain HTTP request on the API port failed")
            self._reply(500, {"error": "internal error"})

    def _advance(self) -> None:
        assert self._http is not None and self._handler is not None
        while not self._answered:
            event = self._http.next_event()
            if event is h11.NEED_DATA or event is h11.PAUSED:
                return
            if isinstance(event, h11.Request):
                self._on_head(event)
            elif isinstance(event, h11.Data):
                self._body += event.data
                if len(self._body) > MAX_BODY:
                    self._reply(413, {"error": "body too large"})
            elif isinstance(event, h11.EndOfMessage):
                answer = self._handler.answer(self._head, bytes(self._body))
                if isinstance(answer, tuple):
                    self._reply(*answer)
                else:
                    self._answered = True  # nothing more is read meanwhile
                    self._later = asyncio.ensure_future(self._reply_later(answer))

    def connection_lost(self, exc: Exception | None) -> None:
        if self._later is not None and not self._later.done():
            self._later.cancel()  # nobody is left to answer: stop waiting
        super().connection_lost(exc)

    async def _reply_later(self, answer: Awaitable[Answer]) -> None:
        """Send an answer that had to be awaited (a webhook waiting for its run)."""
        try:
            status, body = await answer
        except asyncio.CancelledError:
            return
        except Exception:  # a broken handler must not take the API server down
            log.exception("plain HTTP request on the API port failed")
            status, body = 500, {"error": "internal error"}
        if not self.transport.is_closing():
            self._reply(status, body)

    def _on_head(self, request: h11.Request) -> None:
        assert self._http is not None and self._handler is not None
        names = {name for name, _ in request.headers}
        if b"transfer-encoding" in names and b"content-length" in names:
            self._reply(400, {"error": "bad request: both Content-Length and Transfer-Encoding"})
            return
        hosts = [value.decode("latin-1") for name, value in request.headers if name == b"host"]
        if len(hosts) != 1 or not type(self)._host_ok(hosts[0]):
            self._reply(421, {"error": "wrong host"})
            return
        self._head = _head_bytes(request)
        early = self._handler.precheck(self._head)
        if early is not None:
            self._reply(*early)
            return
        if self._http.they_are_waiting_for_100_continue:
            self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        self._answered = True
        self._body = bytearray()
        payload = json.dumps(body).encode("utf-8")
        head = (
            f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
            "Cache-Control: no-store\r\nConnection: close\r\n\r\n"
        )
        transport = self.transport
        transport.write(head.encode("ascii") + payload)
        if not transport.can_write_eof():
            transport.close()
            return
        # Half-close and drop the rest of what the client sends for a moment: closing
        # with its unread body in our buffer would reset the connection before the
        # client read the answer.
        transport.write_eof()
        asyncio.get_running_loop().call_later(LINGER_S, transport.close)


def _head_bytes(request: h11.Request) -> bytes:
    """The parsed head written out again in canonical form (CRLF, one value per header)."""
    lines = [request.method + b" " + request.target + b" HTTP/" + request.http_version]
    lines += [name + b": " + value for name, value in request.headers]
    return b"\r\n".join(lines) + b"\r\n\r\n"
