"""A small synchronous client of the local API, for `opspanel ctl` and scripts."""

from __future__ import annotations

import contextlib
import inspect
import itertools
import json
import socket
import ssl
import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import psutil
from websockets.exceptions import (
    ConnectionClosed,
    InvalidHandshake,
    InvalidMessage,
    InvalidStatus,
    InvalidURI,
)
from websockets.sync.client import ClientConnection, connect

from panel.remote.connect import workspace_endpoint
from panel.remote.endpoint import Endpoint
from panel.remote.errors import EngineUnreachable
from panel.remote.tls import tls_failure

MAX_RESPONSE_BYTES = 64 * 1024 * 1024
# websockets >= 17.1 wants `legacy=True` to return a plain connection without a warning.
_DIRECT: dict[str, Any] = (
    {"legacy": True} if "legacy" in inspect.signature(connect).parameters else {}
)
# websockets < 14 calls the TLS context `ssl_context`.
_SSL_ARG = "ssl" if "ssl" in inspect.signature(connect).parameters else "ssl_context"
MAX_BUFFERED_NOTIFICATIONS = 10_000
# One encoder for every request: json.dumps builds a new one per call when given options.
_ENCODE = json.JSONEncoder(separators=(",", ":")).encode
VERSION_HEADER = "X-OpsPanel-Version"


class ApiClientError(Exception):
    """Base of every error the client raises."""


class EngineNotRunning(ApiClientError):
    """No engine answers: no api.json, connection refused, or no handshake."""


class ConnectionLost(EngineNotRunning):
    """The engine closed the connection (it stopped or restarted)."""


class Unauthorized(ApiClientError):
    """The engine refused our token (HTTP 401 in the handshake)."""


class ApiTimeout(ApiClientError):
    """No answer within the call's timeout."""


class ApiError(ApiClientError):
    """The engine answered a call with a JSON-RPC error."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(f"{message} ({code})")
        self.code = code
        self.message = message
        self.data = data


class ApiClient:
    """A blocking JSON-RPC 2.0 client over one WebSocket connection.

    Not thread-safe: use one client per thread. Notifications that arrive while a
    call waits for its answer are kept (up to 10,000) for `notifications()`.
    """

    def __init__(
        self,
        url: str,
        token: str,
        *,
        workspace: Path | None = None,
        pid: int | None = None,
        connect_timeout: float = 5.0,
        ssl_context: ssl.SSLContext | None = None,
        dial: tuple[str, int] | None = None,
        where: str | None = None,
    ) -> None:
        self.url = url
        self.workspace = workspace
        self._shown = where
        self._endpoint: Endpoint | None = None
        self._ids = itertools.count(1)
        self._pending: deque[dict[str, Any]] = deque(maxlen=MAX_BUFFERED_NOTIFICATIONS)
        self._ws = self._connect(url, token, pid, connect_timeout, ssl_context, dial)

    @classmethod
    def from_endpoint(
        cls, endpoint: Endpoint, *, connect_timeout: float = 5.0, owns: bool = False
    ) -> ApiClient:
        """Connect to the engine `endpoint` describes (see `panel.remote.open_endpoint`).

        With `owns`, closing the client (or failing to connect) closes the endpoint too.
        """
        try:
            client = cls(
                endpoint.url,
                endpoint.token,
                pid=endpoint.pid,
                connect_timeout=connect_timeout,
                ssl_context=endpoint.ssl,
                dial=endpoint.dial,
                where=endpoint.where,
            )
        except BaseException:
            if owns:
                endpoint.close()
            raise
        if owns:
            client._endpoint = endpoint
        return client

    @property
    def engine_version(self) -> str | None:
        """The version the engine announced in the handshake (None: an older engine)."""
        response = self._ws.response
        return response.headers.get(VERSION_HEADER) if response is not None else None

    @classmethod
    def from_workspace(cls, ws_dir: Path, *, connect_timeout: float = 5.0) -> ApiClient:
        """Connect to the engine of workspace `ws_dir` as its api.json describes.

        Raises EngineNotRunning when there is no api.json or nobody answers,
        `ApiFileError` when api.json is unsafe (not 0600) or malformed.
        """
        try:
            endpoint = workspace_endpoint(Path(ws_dir))
        except EngineUnreachable as exc:
            raise EngineNotRunning(str(exc)) from None
        client = cls.from_endpoint(endpoint, connect_timeout=connect_timeout)
        client.workspace = Path(ws_dir)
        return client

    def _where(self) -> str:
        if self._shown:
            return self._shown
        return f"workspace {self.workspace}" if self.workspace else self.url

    def _connect(
        self,
        url: str,
        token: str,
        pid: int | None,
        timeout: float,
        context: ssl.SSLContext | None,
        dial: tuple[str, int] | None,
    ) -> ClientConnection:
        try:
            return open_websocket(url, token, timeout, context, dial, "opspanel-ctl")
        except BaseException as exc:
            raise self._failure(exc, url, pid) from None

    def _failure(self, exc: BaseException, url: str, pid: int | None) -> BaseException:
        """The one-sentence error for a failed handshake."""
        source = "api.json" if self.workspace else "the token file"
        return handshake_failure(exc, url, self._where(), pid, source)

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        timeout: float = 10.0,
        on_notification: Callable[[dict[str, Any]], None] | None = None,
    ) -> Any:
        """Call `method` and return its result; ApiError, ApiTimeout or ConnectionLost.

        Notifications that arrive meanwhile go to `on_notification` as they come, when
        given (else they wait for `notifications()`)."""
        msg_id = next(self._ids)
        request = {"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params or {}}
        self._send(request)
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            message = self._recv(remaining)
            if message is None:
                raise ApiTimeout(f"{method} did not answer within {timeout:g} s")
            if "method" in message and "id" not in message:
                if on_notification is not None:
                    on_notification(message)
                else:
                    self._pending.append(message)
                continue
            if message.get("id") == msg_id or (message.get("id") is None and "error" in message):
                return _result_of(message)

    def notify(self, method: str, params: dict[str, Any] | None = None) -> None:
        """Send a notification (no answer expected)."""
        self._send({"jsonrpc": "2.0", "method": method, "params": params or {}})

    def notifications(self, timeout: float | None = None) -> Iterator[dict[str, Any]]:
        """Yield incoming notifications ({"method", "params"}) as they arrive.

        Ends when none arrives within `timeout` seconds (None: wait forever);
        raises ConnectionLost when the engine closes the connection.
        """
        while True:
            while self._pending:
                yield self._pending.popleft()
            message = self._recv(timeout)
            if message is None:
                return
            if "method" in message and "id" not in message:
                yield message

    def _send(self, obj: dict[str, Any]) -> None:
        try:
            self._ws.send(_ENCODE(obj))
        except ConnectionClosed:
            raise ConnectionLost(f"the engine of {self._where()} closed the connection") from None

    def _recv(self, timeout: float | None) -> dict[str, Any] | None:
        """The next message as a dict; None on timeout. Non-object messages are skipped."""
        if timeout is not None and timeout <= 0:
            return None
        try:
            text = self._ws.recv(timeout=timeout)
        except TimeoutError:
            return None
        except ConnectionClosed:
            raise ConnectionLost(f"the engine of {self._where()} closed the connection") from None
        try:
            message = json.loads(text)
        except ValueError:
            raise ApiClientError("the engine sent something that is not JSON") from None
        return message if isinstance(message, dict) else {}

    def close(self) -> None:
        """Close the connection (and the endpoint the client owns)."""
        try:
            self._ws.close()
        finally:
            endpoint, self._endpoint = self._endpoint, None
            if endpoint is not None:
                endpoint.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_websocket(
    url: str,
    token: str,
    timeout: float,
    context: ssl.SSLContext | None,
    dial: tuple[str, int] | None,
    user_agent: str,
) -> ClientConnection:
    """The API's WebSocket handshake (blocking), as ctl and the window both open it.

    `dial` is where to connect when that is not the URL's host (an SSH tunnel's local
    end); the URL still names the engine, for its Host check. Raises what the
    handshake raised (see `handshake_failure` for its one sentence).
    """
    options: dict[str, Any] = dict(_DIRECT)
    if context is not None:
        options[_SSL_ARG] = context
    try:
        if dial is not None:
            options["sock"] = socket.create_connection(dial, timeout=timeout)
        return connect(
            url,
            additional_headers={"Authorization": f"Bearer {token}"},
            proxy=None,
            compression=None,
            open_timeout=timeout,
            max_size=MAX_RESPONSE_BYTES,
            user_agent_header=user_agent,
            **options,
        )
    except BaseException:
        if "sock" in options:
            with contextlib.suppress(OSError):
                options["sock"].close()
        raise


def handshake_failure(
    exc: BaseException, url: str, where: str, pid: int | None, token_source: str
) -> BaseException:
    """The one-sentence error for a failed WebSocket handshake with the engine at `url`.

    `where` names the engine (``workspace /x``, ``ssh://host``, the URL); `token_source`
    says where the token came from (``api.json``, ``the token file``). Used by ctl and
    the window alike; `exc` itself when it is no connection problem.
    """
    if isinstance(exc, InvalidStatus):
        status = exc.response.status_code
        if status == 401:
            return Unauthorized(
                f"the engine of {where} refused the token (401 unauthorized); "
                f"is {token_source} from another engine?"
            )
        return ApiClientError(f"the engine of {where} answered HTTP {status}")
    tls = tls_failure(exc, url)
    if tls is not None:  # untrusted or not TLS at all: EngineRefused, as the window shows it
        return EngineNotRunning(str(tls)) if isinstance(tls, EngineUnreachable) else tls
    if isinstance(exc, OSError | InvalidHandshake | InvalidURI):
        hint = ""
        if pid is not None and not psutil.pid_exists(pid):
            hint = f"; pid {pid} in api.json is gone (stale file)"
        elif isinstance(exc, InvalidMessage) and url.startswith("ws://"):
            hint = "; if it serves TLS, use wss://"
        return EngineNotRunning(
            f"the engine is not running for {where} ({_reason(exc)} at {url}{hint})"
        )
    return exc


def _result_of(message: dict[str, Any]) -> Any:
    error = message.get("error")
    if error is not None:
        if not isinstance(error, dict):
            raise ApiError(-32603, f"malformed error: {error!r}")
        raise ApiError(int(error.get("code", -32603)), str(error.get("message")), error.get("data"))
    return message.get("result")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, TimeoutError):
        return "no answer"
    return str(exc) or type(exc).__name__
