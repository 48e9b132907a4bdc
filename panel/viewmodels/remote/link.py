"""The window's one road to a remote engine: JSON-RPC 2.0 over a WebSocket, on the Qt loop.

PySide6-Essentials has no QtWebSockets, so the link uses the websockets library's
threaded client: a reader thread receives and decodes every message and hands it
to the Qt thread through a queued signal; calls are sent from the Qt thread and
answered through callbacks run on the Qt thread. It works under qasync (the app)
and under a bare Qt event loop (the GUI tests) alike.

When the engine goes away the link says so (`sig_state`), keeps retrying with the
project's one backoff, and on reconnecting replays every subscription and tells
its models to fetch their state again (`sig_connected`).
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection

from panel.supervise.backoff import restart_delay_ms
from panel.viewmodels.remote.endpoint import Endpoint, EndpointError, open_connection

log = logging.getLogger("panel.viewmodels.link")

RETRY_BASE_MS = 250
RETRY_MAX_MS = 2000
"""Reattach attempts: 250 ms, 500 ms, 1 s, then every 2 s (a lost engine is seen back quickly)."""
REFUSED_RETRY_MS = 30_000
"""After a refusal (wrong token, host key, certificate, version) try again only every 30 s:
the operator has something to fix, and a login refused every 2 s looks like an attack."""

INVALID_PARAMS = -32602
"""The JSON-RPC error code of params a method does not accept."""

Result = Callable[[Any], None]
Failure = Callable[["CallError"], None]


class CallError(Exception):
    """A call failed: the engine answered an error, or the link was lost before the answer."""

    def __init__(self, message: str, code: int = -32000, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.data = data


@dataclass
class _Pending:
    method: str
    on_result: Result | None
    on_error: Failure | None


class LinkState:
    """The words of `RemoteLink.sig_state`."""

    CONNECTING = "connecting"
    CONNECTED = "connected"
    LOST = "lost"
    REFUSED = "refused"
    """Something answered but refused the window or cannot be trusted (see EndpointError)."""


class _Relay(QObject):
    """How one thread of a link (its connecting or its reading one) reaches the link.

    The window that owns a link may delete it at any moment, also while a thread is in
    the middle of handing it a message; a thread that emitted the link's own signals
    then touched freed memory. The thread emits this relay's signals instead, each
    forwarded to the link's (a Qt connection, so it ends with the link), and the relay
    stays until the thread is done with it: it is the application's child, and
    deletes itself once its thread says `done`. `link_gone` tells the thread to stop.
    """

    sig_opened = Signal(object, object)
    sig_message = Signal(object, object)
    sig_closed = Signal(object, str)
    sig_done = Signal()

    def __init__(self, link: RemoteLink) -> None:
        super().__init__(QCoreApplication.instance())
        self.link_gone = False
        self.sig_opened.connect(link._sig_opened)
        self.sig_message.connect(link._sig_message)
        self.sig_closed.connect(link._sig_closed)
        self.sig_done.connect(self.deleteLater)
        link.destroyed.connect(self._on_link_destroyed)

    @Slot()
    def _on_link_destroyed(self) -> None:
        self.link_gone = True


class RemoteLink(QObject):
    """One JSON-RPC connection to an engine, reconnecting by itself."""

    sig_state = Signal(str, str)
    """(state, message) the link is "connecting", "connected", "lost" or "refused" (the
    message says why in one sentence)."""

    sig_connected = Signal()
    """The link is (again) connected and its subscriptions are replayed: fetch state now."""

    sig_notification = Signal(str, object)
    """(method, params) a notification from the engine."""

    sig_answered = Signal(str)
    """(method) the answer to a call of `method` was handled (its callback has run)."""

    _sig_message = Signal(object, object)
    """(connection, message) from the reader thread, delivered on the Qt thread."""

    _sig_closed = Signal(object, str)
    """(connection, reason) the reader thread saw the connection end."""

    _sig_opened = Signal(object, object)
    """(connection or None, EndpointError or None) from a connecting thread."""

    def __init__(self, endpoint: Endpoint, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.endpoint = endpoint
        self.state = LinkState.CONNECTING
        self.message = ""
        self.engine_info: dict[str, Any] = {}
        self._ws: ClientConnection | None = None
        self._ids = itertools.count(1)
        self._pending: dict[int, _Pending] = {}
        self._subscriptions: dict[str, dict[str, Any]] = {}
        self._fallbacks: dict[str, dict[str, Any]] = {}
        self._handlers: dict[str, list[Callable[[Any], None]]] = {}
        self._attempts = 0
        self._closed = False
        self._retry = QTimer(self, singleShot=True)
        self._retry.timeout.connect(self._open)
        self._sig_message.connect(self._on_message)
        self._sig_closed.connect(self._on_closed)
        self._sig_opened.connect(self._on_opened)

    # ----------------------------------------------------------------- public

    def open(self) -> None:
        """Start connecting (in the background); `sig_state` follows."""
        self._open()

    def close(self) -> None:
        """Close the connection for good (the window is closing), and the endpoint's tunnel."""
        if self._closed:
            return
        self._closed = True
        self._retry.stop()
        ws, self._ws = self._ws, None
        if ws is not None:
            ws.close()
        self._fail_pending("the window closed the connection")
        self.endpoint.close()

    @property
    def connected(self) -> bool:
        """True while calls can be sent."""
        return self._ws is not None and self.state == LinkState.CONNECTED

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        on_result: Result | None = None,
        on_error: Failure | None = None,
    ) -> None:
        """Send a call; `on_result(result)` or `on_error(CallError)` runs on the Qt thread."""
        ws = self._ws
        if ws is None:
            if on_error is not None:
                on_error(CallError(self._unreachable()))
            return
        msg_id = next(self._ids)
        self._pending[msg_id] = _Pending(method, on_result, on_error)
        request = {"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params or {}}
        try:
            ws.send(json.dumps(request, separators=(",", ":")))
        except (ConnectionClosed, OSError):
            self._pending.pop(msg_id, None)
            if on_error is not None:
                on_error(CallError(self._unreachable()))

    def pending_calls(self) -> int:
        """Calls sent and not answered yet."""
        return len(self._pending)

    def subscribe(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        fallback: dict[str, Any] | None = None,
    ) -> None:
        """Call a `*.subscribe` method now and again after every reconnect; an engine that
        refuses `params` as invalid (an older one, without an option they ask for) is
        subscribed with `fallback` instead, when given."""
        self._subscriptions[method] = params or {}
        if fallback is not None:
            self._fallbacks[method] = fallback
        if self.connected:
            self._subscribe(method, self._subscriptions[method])

    def _subscribe(self, method: str, params: dict[str, Any]) -> None:
        fallback = self._fallbacks.get(method)
        log_failure = self._log_failed_subscription(method)
        if fallback is None:
            self.call(method, params, on_error=log_failure)
            return

        def refused(error: CallError) -> None:
            if error.code == INVALID_PARAMS and self.connected:
                self.call(method, fallback, on_error=log_failure)
            else:
                log_failure(error)

        self.call(method, params, on_error=refused)

    def on(self, notification: str, handler: Callable[[Any], None]) -> None:
        """Run `handler(params)` for every notification named `notification`."""
        self._handlers.setdefault(notification, []).append(handler)

    # ------------------------------------------------------------- connecting

    def _unreachable(self) -> str:
        return self.message or f"the engine at {self.endpoint.where} is not connected"

    def _open(self) -> None:
        if self._closed:
            return
        self._set_state(LinkState.CONNECTING, self.message)
        args = (self.endpoint, _Relay(self))
        threading.Thread(target=_connect, args=args, daemon=True, name="link-open").start()

    def _on_opened(self, ws: ClientConnection | None, error: EndpointError | None) -> None:
        if ws is None:
            self._attempts += 1
            refused = error is not None and error.refused
            self._set_state(LinkState.REFUSED if refused else LinkState.LOST, str(error or ""))
            delay = restart_delay_ms(min(self._attempts - 1, 8), RETRY_BASE_MS, 2.0, RETRY_MAX_MS)
            if not self._closed:
                self._retry.start(REFUSED_RETRY_MS if refused else delay)
            return
        if self._closed:
            ws.close()
            return
        self._ws = ws
        args = (ws, _Relay(self))
        threading.Thread(target=_read, args=args, daemon=True, name="link-read").start()
        self.call("status", {}, self._on_status, self._on_status_failed)

    def _on_status(self, status: Any) -> None:
        self.engine_info = dict(status.get("engine", {})) if isinstance(status, dict) else {}
        self._attempts = 0
        self._set_state(LinkState.CONNECTED, "")
        for method, params in list(self._subscriptions.items()):
            self._subscribe(method, params)
        self.sig_connected.emit()

    def _on_status_failed(self, error: CallError) -> None:
        self._set_state(LinkState.LOST, str(error))

    def _log_failed_subscription(self, method: str) -> Failure:
        def failed(error: CallError) -> None:
            log.warning("%s failed: %s", method, error)

        return failed

    def _set_state(self, state: str, message: str) -> None:
        self.message = message
        if state != self.state or state in (LinkState.LOST, LinkState.REFUSED):
            self.state = state
            self.sig_state.emit(state, message)

    # ---------------------------------------------------------------- reading

    def _on_message(self, ws: ClientConnection, message: dict[str, Any]) -> None:
        if ws is not self._ws:
            return
        if "method" in message and "id" not in message:
            method = str(message["method"])
            params = message.get("params")
            for handler in self._handlers.get(method, ()):
                handler(params)
            self.sig_notification.emit(method, params)
            return
        pending = self._pending.pop(message.get("id"), None)  # type: ignore[arg-type]
        if pending is None:
            return
        error = message.get("error")
        if error is not None:
            if pending.on_error is not None:
                err = error if isinstance(error, dict) else {}
                pending.on_error(
                    CallError(
                        str(err.get("message", error)),
                        int(err.get("code", -32603)),
                        err.get("data"),
                    )
                )
        elif pending.on_result is not None:
            pending.on_result(message.get("result"))
        self.sig_answered.emit(pending.method)

    def _on_closed(self, ws: ClientConnection, reason: str) -> None:
        if ws is not self._ws:
            return
        self._ws = None
        self._fail_pending(reason)
        if self._closed:
            return
        self._set_state(LinkState.LOST, reason)
        self._attempts = 1
        self._retry.start(RETRY_BASE_MS)

    def _fail_pending(self, reason: str) -> None:
        pending, self._pending = self._pending, {}
        for call in pending.values():
            if call.on_error is not None:
                call.on_error(CallError(reason))


def _connect(endpoint: Endpoint, relay: _Relay) -> None:
    """The connecting thread: the connection (or why there is none) to the link."""
    try:
        try:
            ws = open_connection(endpoint)
        except EndpointError as exc:
            relay.sig_opened.emit(None, exc)
            return
        relay.sig_opened.emit(ws, None)
        if relay.link_gone:  # the window closed while its engine was being reached
            ws.close()
    finally:
        relay.sig_done.emit()


def _read(ws: ClientConnection, relay: _Relay) -> None:
    """The reader thread: decode every message, hand it to the link on the Qt thread."""
    reason = "the engine closed the connection"
    try:
        for text in ws:
            if relay.link_gone:
                ws.close()
                return
            try:
                message = json.loads(text)
            except ValueError:
                continue
            if isinstance(message, dict):
                relay.sig_message.emit(ws, message)
    except ConnectionClosed:
        pass
    except OSError as exc:
        reason = f"the connection to the engine failed ({exc})"
    finally:
        if not relay.link_gone:
            relay.sig_closed.emit(ws, reason)
        relay.sig_done.emit()
