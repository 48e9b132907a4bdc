"""The local API server: JSON-RPC 2.0 over WebSocket on loopback.

Plain asyncio, no Qt: it runs on whatever loop is running (qasync in the app,
plain asyncio in tests). The engine owns one `ApiServer`, registers its methods on
the `RpcRegistry`, and turns its Qt signals into `publish()` calls.

Endpoints, all on one port:

- ``GET /health`` (plain HTTP, no token): ``200 {"status":"ok"}`` and nothing else.
- ``GET /metrics`` (plain HTTP, ``Authorization: Bearer <token>`` required, else
  401): the Prometheus text format (``text/plain; version=0.0.4``) from the
  provider given to `set_metrics`; 404 when there is none.
- ``/rpc`` (WebSocket), also at ``/ws/jsonrpc`` (CodeBeaker's path): needs
  ``Authorization: Bearer <token>`` in the handshake (or HTTP Basic with the token as
  the password, which a client sends for ``ws://opspanel:TOKEN@host:port/...``),
  else HTTP 401; a handshake carrying an ``Origin`` header (that is, from a web
  browser page) is refused with 403, so a web page cannot drive the engine.
- any other path: 404.

Limits:

- A message larger than `max_message_bytes` (but at most 4x that, the hard cap)
  is read, thrown away and answered with JSON-RPC error -32001 "message too
  large" (id null); the connection stays usable. A frame beyond the hard cap is
  refused by the WebSocket layer itself, which closes the connection with code
  1009 (message too big).
- At most 32 requests of one client run at once; further messages wait to be read.
- Rate limit per connection: a token bucket of `rate_burst` tokens refilled at
  `rate_limit` per second (0, the constructor's default, means no limit; the
  application passes the `api.rateLimit`/`api.rateBurst` settings, 1000/s and
  2000 by default); each request costs one token (each item of a batch counts).
  A message that finds the bucket empty is not run: it is answered with
  JSON-RPC error -32002 "rate limited" (its id when it has one, data
  ``{"retryAfterMs": n}``); the connection stays open.
- At most `max_clients` WebSocket clients at once: one more is refused in the
  handshake with HTTP 503 and the body ``{"error": "too many clients",
  "limit": n}`` (a client that slips past the check in a race is closed with
  code 1013, try again later).

Slow consumers: `publish()` never blocks and never awaits. Each client has a
bounded queue of pending notifications (`client_queue`, default 1024, and
`client_queue_bytes` of text, default 8 MiB); past the socket's own buffer
(websockets' write limit, 32 KiB) nothing more waits. When the queue is full
the OLDEST notification is dropped and counted; before the next
notification that client receives, the server sends
``{"method": "rpc.dropped", "params": {"dropped": n}}`` so the client knows there
is a gap. Responses to calls are never dropped, and are sent before queued
notifications so that calls stay responsive during a flood (JSON-RPC promises no
order between a response and a notification). A call whose handler is
synchronous runs in the connection's read loop, and its response is written
at once when the socket takes it without waiting; otherwise it waits in the
queue for the writer like any other. A client that stops reading
altogether is disconnected once one message has waited `stuck_timeout`
seconds (20 by default) to be taken by its socket; the keepalive cannot do
it, as its ping waits behind the same full buffer.

A client that disconnects does not cancel the calls it started (an engine
action runs to its end); `close()` cancels whatever still runs.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hmac
import ipaddress
import itertools
import json
import logging
import ssl
import threading
import time
from collections import deque
from collections.abc import Callable
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.protocol import State

from panel.api.apifile import HEALTH_PATH, RPC_PATH, rpc_url
from panel.api.hosts import RefusalLog, host_checker
from panel.api.plain_http import PlainHttpHandler, connection_class
from panel.api.rpc import (
    INTERNAL_ERROR,
    MESSAGE_TOO_LARGE,
    RATE_LIMITED,
    Later,
    RpcContext,
    RpcRegistry,
    dumps,
    error_response,
    loads,
    notification,
)

log = logging.getLogger(__name__)
# websockets logs every connection open/close at INFO: one ctl call would add two
# lines to the panel's own log. Keep its warnings and errors only.
_ws_log = logging.getLogger(f"{__name__}.ws")
_ws_log.setLevel(logging.WARNING)

HARD_CAP_FACTOR = 4
MAX_IN_FLIGHT = 32
CLOSE_TIMEOUT = 2.0
PING_INTERVAL = 20.0
METRICS_PATH = "/metrics"
CODEBEAKER_PATH = "/ws/jsonrpc"
"""CodeBeaker's path of the JSON-RPC WebSocket: an alias of /rpc."""
RPC_PATHS = frozenset({RPC_PATH, CODEBEAKER_PATH})
TRY_AGAIN_LATER = 1013
CLIENT_QUEUE_BYTES = 8 * 1024 * 1024
"""Notification text waiting for one client at most; the oldest is dropped beyond."""
STUCK_TIMEOUT_S = 20.0
"""A client whose socket takes nothing for this long is disconnected."""


class TokenBucket:
    """`burst` tokens, refilled at `rate` per second; `take(n)` says how long to wait (0 = ok)."""

    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = float(burst)
        self._clock = clock
        self._tokens = float(burst)
        self._stamp = clock()

    def take(self, n: int = 1) -> float:
        """Take `n` tokens and return 0.0, or take none and return the seconds until there are."""
        if self.rate <= 0:
            return 0.0
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now
        if self._tokens >= n:
            self._tokens -= n
            return 0.0
        return (n - self._tokens) / self.rate


Selector = Callable[[dict[str, Any] | None, dict[str, Any]], dict[str, Any] | None]


def is_loopback_host(host: str) -> bool:
    """True for 'localhost' and loopback IP addresses (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def match_filter(filter: dict[str, Any] | None, params: dict[str, Any]) -> dict[str, Any] | None:
    """Default subscription filter: every key of `filter` must equal the same key of `params`."""
    if not filter:
        return params
    for key, value in filter.items():
        if params.get(key) != value:
            return None
    return params


class _ClientSession:
    """One connected client: its context, its outgoing queues and its writer task."""

    def __init__(self, client_id: str, ws: ServerConnection, server: ApiServer) -> None:
        self.client_id = client_id
        self.ws = ws
        self.ctx = RpcContext(
            client_id,
            on_subscribe=lambda topic, _flt: server._add_subscriber(topic, self),
            on_unsubscribe=lambda topic: server._remove_subscriber(topic, self),
            on_notify=lambda method, params: server._notify_one(self, method, params),
        )
        self.replies: deque[str] = deque()
        self.notes: deque[str] = deque()
        self.queue_max = server.client_queue
        self.queue_bytes = server.client_queue_bytes
        self.notes_bytes = 0
        self.stuck_timeout = server.stuck_timeout
        self.dropped = 0
        self.dropped_pending = 0
        self.wake = asyncio.Event()
        self.slots = asyncio.Semaphore(MAX_IN_FLIGHT)
        self.bucket = TokenBucket(server.rate_limit, server.rate_burst)
        self.limited = 0
        self.closed = False
        # A reply this short written into an empty socket buffer cannot push the
        # buffer past its high-water mark, so sending it never waits.
        self.direct_max = ws.transport.get_write_buffer_limits()[1] // 2

    def reply(self, text: str) -> None:
        """Queue a response (never dropped)."""
        if not self.closed:
            self.replies.append(text)
            self.wake.set()

    async def send_reply(self, text: str) -> None:
        """Send a response at once when nothing waits before it and the socket takes
        it without waiting (the common case: no writer task to wake); else queue it."""
        ws = self.ws
        if (
            self.replies
            or self.closed
            or len(text) > self.direct_max
            or ws.state is not State.OPEN
            or ws.transport.get_write_buffer_size()
        ):
            self.reply(text)
            return
        with contextlib.suppress(ConnectionClosed):
            await ws.send(text)

    def notify(self, text: str) -> None:
        """Queue a notification, dropping the oldest when the queue is full."""
        if self.closed:
            return
        notes = self.notes
        while notes and (
            len(notes) >= self.queue_max or self.notes_bytes + len(text) > self.queue_bytes
        ):
            self.notes_bytes -= len(notes.popleft())
            self.dropped += 1
            self.dropped_pending += 1
        notes.append(text)
        self.notes_bytes += len(text)
        self.wake.set()

    def _next_text(self) -> str | None:
        if self.replies:
            return self.replies.popleft()
        if not self.notes:
            return None
        if self.dropped_pending:
            count, self.dropped_pending = self.dropped_pending, 0
            return dumps(notification("rpc.dropped", {"dropped": count}))
        text = self.notes.popleft()
        self.notes_bytes -= len(text)
        return text

    async def run_writer(self) -> None:
        """Send queued texts in order until the connection closes; a client that
        takes nothing for `stuck_timeout` seconds is disconnected."""
        with contextlib.suppress(ConnectionClosed):
            while True:
                await self.wake.wait()
                self.wake.clear()
                while (text := self._next_text()) is not None:
                    try:
                        async with asyncio.timeout(self.stuck_timeout):
                            await self.ws.send(text)
                    except TimeoutError:
                        self._drop_stuck()
                        return

    def _drop_stuck(self) -> None:
        """Cut a client that reads nothing (a close frame would never get through)."""
        log.warning(
            "API: disconnected client %s (%s): it read nothing for %g s (%d notifications dropped)",
            self.client_id,
            _peer(self.ws),
            self.stuck_timeout,
            self.dropped,
        )
        self.closed = True
        self.notes.clear()
        self.replies.clear()
        self.ws.transport.abort()

    def info(self) -> dict[str, Any]:
        """A snapshot for status displays."""
        peer = self.ws.remote_address
        return {
            "id": self.client_id,
            "peer": f"{peer[0]}:{peer[1]}" if peer else None,
            "subscriptions": sorted(self.ctx.subscriptions),
            "queued": len(self.notes),
            "dropped": self.dropped,
        }


class ApiServer:
    """JSON-RPC 2.0 over WebSocket on loopback, with token auth and topic notifications."""

    def __init__(
        self,
        registry: RpcRegistry,
        token: str,
        host: str = "127.0.0.1",
        port: int = 0,
        max_message_bytes: int = 1_048_576,
        *,
        allow_non_loopback: bool = False,
        client_queue: int = 1024,
        client_queue_bytes: int = CLIENT_QUEUE_BYTES,
        stuck_timeout: float = STUCK_TIMEOUT_S,
        rate_limit: float = 0.0,
        rate_burst: int = 1,
        max_clients: int = 64,
        host_names: tuple[str, ...] = (),
        ssl_context: ssl.SSLContext | None = None,
        version: str | None = None,
    ) -> None:
        if not token:
            raise ValueError("an API token is required")
        if not (allow_non_loopback or ssl_context) and not is_loopback_host(host):
            raise ValueError(f"refusing to serve the API on non-loopback host {host!r} without TLS")
        self._ssl = ssl_context
        self._version = version
        if max_message_bytes < 1 or client_queue < 1:
            raise ValueError("max_message_bytes and client_queue must be positive")
        self.registry = registry
        self.host = "127.0.0.1" if host == "localhost" else host
        self.port = port
        self.max_message_bytes = max_message_bytes
        self.client_queue = client_queue
        self.client_queue_bytes = client_queue_bytes
        self.stuck_timeout = stuck_timeout
        self.rate_limit = rate_limit
        self.rate_burst = max(1, rate_burst)
        self.max_clients = max_clients
        self.refused_clients = 0
        self.rate_limited = 0
        self._metrics: Callable[[], str] | None = None
        self._plain_http: PlainHttpHandler | None = None
        self._token = token.encode("utf-8")
        self._server: Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread_id: int | None = None
        self._sessions: dict[str, _ClientSession] = {}
        self._topics: dict[str, set[_ClientSession]] = {}
        self._topic_watchers: dict[str, list[Callable[[bool], None]]] = {}
        self._ids = itertools.count(1)
        self._host_ok = host_checker(lambda: self.port, host_names)
        self._refusals = RefusalLog(log)
        self._calls: set[asyncio.Task[None]] = set()

    @property
    def hard_cap_bytes(self) -> int:
        """Frames beyond this size make the WebSocket layer close with 1009."""
        return self.max_message_bytes * HARD_CAP_FACTOR

    @property
    def clients(self) -> int:
        """How many WebSocket clients are connected now."""
        return len(self._sessions)

    @property
    def url(self) -> str:
        """The ws:// (wss:// with TLS) URL of the RPC endpoint (valid after `start`)."""
        return rpc_url(self.port, self.host, tls=self._ssl is not None)

    def set_metrics(self, provider: Callable[[], str] | None) -> None:
        """Serve `provider()` (Prometheus text) on ``GET /metrics``."""
        self._metrics = provider

    def set_plain_http(self, handler: PlainHttpHandler | None) -> None:
        """Answer plain HTTP requests (not GET: the job webhooks) with `handler`."""
        self._plain_http = handler

    def has_subscribers(self, topic: str) -> bool:
        """True when at least one client is subscribed to `topic` (cheap)."""
        return bool(self._topics.get(topic))

    def watch_topic(self, topic: str, callback: Callable[[bool], None]) -> None:
        """Call `callback(True)` when `topic` gets its first subscriber and
        `callback(False)` when its last one leaves (or the server stops), so that a
        publisher can leave its source unconnected while nobody listens."""
        self._topic_watchers.setdefault(topic, []).append(callback)

    def _topic_active(self, topic: str, active: bool) -> None:
        for callback in self._topic_watchers.get(topic, ()):
            callback(active)

    def client_info(self) -> list[dict[str, Any]]:
        """id, peer, subscriptions, queued and dropped notification counts per client."""
        return [session.info() for session in self._sessions.values()]

    async def start(self) -> int:
        """Listen; returns the bound port."""
        if self._server is not None:
            raise RuntimeError("ApiServer already started")
        self._loop = asyncio.get_running_loop()
        self._thread_id = threading.get_ident()
        version = self._version

        def stamp_version(_conn: ServerConnection, _req: Request, response: Response) -> None:
            # Only an accepted (authenticated) handshake learns the engine's version.
            if version and response.status_code == HTTPStatus.SWITCHING_PROTOCOLS:
                response.headers["X-OpsPanel-Version"] = version

        self._server = await serve(
            self._serve_client,
            self.host,
            self.port,
            ssl=self._ssl,
            process_request=self._process_request,
            process_response=stamp_version,
            create_connection=connection_class(lambda: self._plain_http, self._host_ok),
            max_size=self.hard_cap_bytes,
            compression=None,
            server_header=None,
            close_timeout=CLOSE_TIMEOUT,
            ping_interval=PING_INTERVAL,
            ping_timeout=PING_INTERVAL,
            logger=_ws_log,
        )
        self.port = int(next(iter(self._server.sockets)).getsockname()[1])
        log.info("API listening on %s", self.url)
        return self.port

    async def close(self) -> None:
        """Close every client connection, stop listening and release the port."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close(close_connections=True)
        await server.wait_closed()
        self._refusals.flush()
        pending = list(self._calls)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        topics, self._topics = self._topics, {}
        for topic in topics:
            self._topic_active(topic, False)

    # -- notifications -------------------------------------------------------------

    def publish(
        self,
        topic: str,
        method: str,
        params: dict[str, Any],
        select: Selector | None = None,
    ) -> None:
        """Notify every client subscribed to `topic`; never blocks.

        `select(filter, params)` decides per subscriber what it gets (None: nothing);
        the default keeps a notification when every key of the subscriber's filter
        equals the same key of `params`. Safe to call from another thread (the call
        is then handed to the server's loop). A no-op when nobody subscribes.
        """
        subscribers = self._topics.get(topic)
        if not subscribers:
            return
        if threading.get_ident() != self._thread_id and self._loop is not None:
            self._loop.call_soon_threadsafe(self.publish, topic, method, params, select)
            return
        chooser = select or match_filter
        # Serialise each distinct params object once; keep it referenced so that its
        # id cannot be reused by another object during the loop.
        texts: dict[int, tuple[dict[str, Any], str]] = {}
        for session in list(subscribers):
            chosen = chooser(session.ctx.subscriptions.get(topic), params)
            if chosen is None:
                continue
            cached = texts.get(id(chosen))
            if cached is None:
                cached = texts[id(chosen)] = (chosen, dumps(notification(method, chosen)))
            session.notify(cached[1])

    def _notify_one(self, session: _ClientSession, method: str, params: dict[str, Any]) -> None:
        """A notification for one client, queued with its answers (in order, never dropped)."""
        if threading.get_ident() != self._thread_id and self._loop is not None:
            self._loop.call_soon_threadsafe(self._notify_one, session, method, params)
            return
        session.reply(dumps(notification(method, params)))

    def _add_subscriber(self, topic: str, session: _ClientSession) -> None:
        first = topic not in self._topics
        self._topics.setdefault(topic, set()).add(session)
        if first:
            self._topic_active(topic, True)

    def _remove_subscriber(self, topic: str, session: _ClientSession) -> None:
        subscribers = self._topics.get(topic)
        if subscribers is not None:
            subscribers.discard(session)
            if not subscribers:
                del self._topics[topic]
                self._topic_active(topic, False)

    # -- handshake -------------------------------------------------------------------

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        path = urlsplit(request.path).path
        hosts = request.headers.get_all("Host")
        if len(hosts) != 1 or not self._host_ok(hosts[0]):
            shown = ", ".join(hosts) or "none"
            self._refusals.refused(
                "API: refused a request for host %s (%s)", shown, _peer(connection)
            )
            return _http_response(HTTPStatus.MISDIRECTED_REQUEST, {"error": "wrong host"})
        if path == HEALTH_PATH:
            return _http_response(HTTPStatus.OK, {"status": "ok"})
        if path == METRICS_PATH:
            return self._metrics_response(connection, request)
        if path not in RPC_PATHS:
            return _http_response(HTTPStatus.NOT_FOUND, {"error": "not found"})
        origins = request.headers.get_all("Origin")
        if origins:
            self._refusals.refused(
                "API: refused a browser connection (Origin %s)", ", ".join(origins)
            )
            return _http_response(HTTPStatus.FORBIDDEN, {"error": "forbidden"})
        if not self._authorized(request.headers.get_all("Authorization")):
            self._refusals.refused(
                "API: refused a connection without the token (%s)", _peer(connection)
            )
            response = _http_response(HTTPStatus.UNAUTHORIZED, {"error": "unauthorized"})
            response.headers["WWW-Authenticate"] = 'Bearer realm="opspanel"'
            return response
        if len(self._sessions) >= self.max_clients:
            self.refused_clients += 1
            self._refusals.refused("API: refused a client: %d clients already", len(self._sessions))
            body = {"error": "too many clients", "limit": self.max_clients}
            return _http_response(HTTPStatus.SERVICE_UNAVAILABLE, body)
        return None

    def _metrics_response(self, connection: ServerConnection, request: Request) -> Response:
        if not self._authorized(request.headers.get_all("Authorization")):
            self._refusals.refused(
                "API: refused /metrics without the token (%s)", _peer(connection)
            )
            response = _http_response(HTTPStatus.UNAUTHORIZED, {"error": "unauthorized"})
            response.headers["WWW-Authenticate"] = 'Bearer realm="opspanel"'
            return response
        if self._metrics is None:
            return _http_response(HTTPStatus.NOT_FOUND, {"error": "not found"})
        payload = self._metrics().encode("utf-8")
        headers = Headers(
            [
                ("Content-Type", "text/plain; version=0.0.4; charset=utf-8"),
                ("Content-Length", str(len(payload))),
                ("Cache-Control", "no-store"),
                ("Connection", "close"),
            ]
        )
        return Response(HTTPStatus.OK.value, HTTPStatus.OK.phrase, headers, payload)

    def _authorized(self, values: list[str]) -> bool:
        if len(values) != 1:
            return False
        scheme, _, credential = values[0].strip().partition(" ")
        given = credential.strip().encode("utf-8", "surrogateescape")
        if scheme.lower() == "basic":
            given = _basic_password(given)
        elif scheme.lower() != "bearer":
            return False
        return hmac.compare_digest(given, self._token)

    # -- connections -----------------------------------------------------------------

    async def _serve_client(self, ws: ServerConnection) -> None:
        if len(self._sessions) >= self.max_clients:
            self.refused_clients += 1
            await ws.close(TRY_AGAIN_LATER, "too many clients")
            return
        session = _ClientSession(f"c{next(self._ids)}", ws, self)
        self._sessions[session.client_id] = session
        writer = asyncio.create_task(session.run_writer())
        try:
            await self._read_loop(session)
        finally:
            session.closed = True
            self._sessions.pop(session.client_id, None)
            for topic in list(session.ctx.subscriptions):
                self._remove_subscriber(topic, session)
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer

    async def _read_loop(self, session: _ClientSession) -> None:
        while True:
            try:
                data = await session.ws.recv(decode=False)
            except ConnectionClosed:
                return
            if len(data) > self.max_message_bytes:
                session.reply(self._too_large(len(data)))
                continue
            wait = session.bucket.take(_cost(data))
            if wait:
                session.limited += 1
                self.rate_limited += 1
                session.reply(_rate_limited(data, wait))
                continue
            await session.slots.acquire()
            answer = self._answer_now(session, data)
            if isinstance(answer, Later):
                task = asyncio.create_task(self._answer_later(session, answer))
                self._calls.add(task)
                task.add_done_callback(self._calls.discard)
                continue
            session.slots.release()
            if answer is not None:
                await session.send_reply(answer)

    def _too_large(self, size: int) -> str:
        limit = self.max_message_bytes
        text = f"message too large: {size} bytes, limit {limit}"
        return dumps(error_response(None, MESSAGE_TOO_LARGE, text, {"limit": limit}))

    def _answer_now(self, session: _ClientSession, data: bytes) -> str | Later | None:
        """Run a call with a synchronous handler right here, in the read loop: a
        task per call and a wake-up of the writer cost more than most calls."""
        try:
            return self.registry.answer(data, session.ctx)
        except Exception:  # dispatch answers errors itself; this is a last resort
            log.exception("dispatch failed")
            return dumps(error_response(None, INTERNAL_ERROR, "internal error"))

    async def _answer_later(self, session: _ClientSession, answer: Later) -> None:
        try:
            reply = await answer.rest
        except Exception:  # dispatch answers errors itself; this is a last resort
            log.exception("dispatch failed")
            reply = dumps(error_response(None, INTERNAL_ERROR, "internal error"))
        finally:
            session.slots.release()
        if reply is not None:
            await session.send_reply(reply)


def _basic_password(credential: bytes) -> bytes:
    """The password of an HTTP Basic credential (`user:password`, base64), or b""."""
    try:
        decoded = base64.b64decode(credential, validate=True)
    except ValueError:
        return b""
    _user, sep, password = decoded.partition(b":")
    return password if sep else b""


def _cost(data: bytes) -> int:
    """Tokens a message costs: one per request (a batch counts its items)."""
    if data.lstrip()[:1] != b"[":
        return 1
    try:
        batch = loads(data)
    except ValueError:
        return 1
    return max(1, len(batch)) if isinstance(batch, list) else 1


def _rate_limited(data: bytes, wait_s: float) -> str:
    msg_id = None
    try:
        message = loads(data)
        if isinstance(message, dict) and isinstance(message.get("id"), str | int):
            msg_id = message["id"]
    except ValueError:
        pass
    retry_ms = max(1, int(wait_s * 1000 + 0.999))
    text = f"rate limited: retry in {retry_ms} ms"
    return dumps(error_response(msg_id, RATE_LIMITED, text, {"retryAfterMs": retry_ms}))


def _peer(connection: ServerConnection) -> str:
    peer = connection.remote_address
    return f"{peer[0]}:{peer[1]}" if peer else "?"


def _http_response(status: HTTPStatus, body: dict[str, Any]) -> Response:
    payload = json.dumps(body).encode("utf-8")
    headers = Headers(
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(payload))),
            ("Cache-Control", "no-store"),
            ("Connection", "close"),
        ]
    )
    return Response(status.value, status.phrase, headers, payload)
