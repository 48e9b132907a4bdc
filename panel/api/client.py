"""A small synchronous client of the local API, for `opspanel ctl` and scripts."""

from __future__ import annotations

import inspect
import itertools
import json
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import psutil
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI
from websockets.sync.client import ClientConnection, connect

from panel.api.apifile import api_file_path, read_api_file

MAX_RESPONSE_BYTES = 64 * 1024 * 1024
# websockets >= 17.1 wants `legacy=True` to return a plain connection without a warning.
_DIRECT: dict[str, Any] = (
    {"legacy": True} if "legacy" in inspect.signature(connect).parameters else {}
)
MAX_BUFFERED_NOTIFICATIONS = 10_000
# One encoder for every request: json.dumps builds a new one per call when given options.
_ENCODE = json.JSONEncoder(separators=(",", ":")).encode


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
    ) -> None:
        self.url = url
        self.workspace = workspace
        self._ids = itertools.count(1)
        self._pending: deque[dict[str, Any]] = deque(maxlen=MAX_BUFFERED_NOTIFICATIONS)
        self._ws = self._connect(url, token, pid, connect_timeout)

    @classmethod
    def from_workspace(cls, ws_dir: Path, *, connect_timeout: float = 5.0) -> ApiClient:
        """Connect to the engine of workspace `ws_dir` as its api.json describes.

        Raises EngineNotRunning when there is no api.json or nobody answers,
        `ApiFileError` when api.json is unsafe (not 0600) or malformed.
        """
        path = api_file_path(ws_dir)
        try:
            info = read_api_file(path)
        except FileNotFoundError:
            raise EngineNotRunning(
                f"the engine is not running for workspace {ws_dir} (no {path.name})"
            ) from None
        return cls(
            info.url,
            info.token,
            workspace=Path(ws_dir),
            pid=info.pid,
            connect_timeout=connect_timeout,
        )

    def _where(self) -> str:
        return f"workspace {self.workspace}" if self.workspace else self.url

    def _connect(self, url: str, token: str, pid: int | None, timeout: float) -> ClientConnection:
        try:
            return connect(
                url,
                additional_headers={"Authorization": f"Bearer {token}"},
                proxy=None,
                compression=None,
                open_timeout=timeout,
                max_size=MAX_RESPONSE_BYTES,
                user_agent_header="opspanel-ctl",
                **_DIRECT,
            )
        except InvalidStatus as exc:
            status = exc.response.status_code
            if status == 401:
                raise Unauthorized(
                    f"the engine of {self._where()} refused the token (401 unauthorized); "
                    "is api.json from another engine?"
                ) from None
            raise ApiClientError(f"the engine of {self._where()} answered HTTP {status}") from None
        except (OSError, InvalidHandshake, InvalidURI) as exc:
            hint = ""
            if pid is not None and not psutil.pid_exists(pid):
                hint = f"; pid {pid} in api.json is gone (stale file)"
            raise EngineNotRunning(
                f"the engine is not running for {self._where()} ({_reason(exc)} at {url}{hint})"
            ) from None

    def call(self, method: str, params: dict[str, Any] | None = None, timeout: float = 10.0) -> Any:
        """Call `method` and return its result; ApiError, ApiTimeout or ConnectionLost."""
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
        """Close the connection."""
        self._ws.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


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
