"""Serving a connected paho client's socket on an asyncio loop instead of paho's own thread.

A connection worker publishes a block message every cycle. With paho's network thread
(`loop_start`), every publish wakes that thread, which then runs paho's Python code
for the write while the worker's loop waits for the interpreter lock: measured, the
block timers were 60-80 ms late at p99 against 4-13 ms without the bus. Served here,
a publish queues the packet and the loop writes it when the socket is writable, in the
worker's own thread: no second thread competes for the lock.

Only the connect (DNS, TCP, TLS handshake: blocking in paho) stays on the caller's
thread; paho's socket callbacks made there are handed to the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import select
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import paho.mqtt.client as mqtt

MISC_INTERVAL_S = 1.0
"""How often paho's keepalive bookkeeping (`loop_misc`) runs."""


class LoopServer:
    """Reads, writes and keepalive of one paho client, on `loop` (see the module doc).

    Made on the loop's thread (the worker's, in `BusPublisher.bind`).
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._thread = threading.get_ident()
        self._misc: asyncio.TimerHandle | None = None

    def attach(self, client: mqtt.Client) -> None:
        """Install the socket callbacks on `client` (before it connects)."""
        client.on_socket_open = self._opened
        client.on_socket_close = self._closed
        client.on_socket_register_write = self._want_write
        client.on_socket_unregister_write = self._written

    def serve(self, client: mqtt.Client) -> None:
        """`client` has connected: its keepalive runs on the loop from now on."""
        self.call(self._start_misc, client)

    def end(self, client: mqtt.Client) -> None:
        """Disconnect `client` (cleanly: no last will) on the loop, from any thread."""
        self.call(self._end, client)

    def call(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run `fn(*args)` on the loop: now when on its thread, else soon (never raises)."""
        if self.on_loop_thread():
            fn(*args)
            return
        with contextlib.suppress(RuntimeError):  # the loop is closed: nothing left to serve
            self.loop.call_soon_threadsafe(fn, *args)

    def flush(self, client: mqtt.Client, deadline: float) -> None:
        """On the loop's thread: write what `client` has queued, waiting until `deadline`."""
        while client.want_write() and time.monotonic() < deadline:
            sock = client.socket()
            if sock is None:
                return
            remaining = max(0.0, deadline - time.monotonic())
            _, writable, _ = select.select([], [sock], [], remaining)
            if writable:
                client.loop_write()

    # ---- paho's socket callbacks (the connecting thread or the loop's) -------------------

    def _opened(self, client: mqtt.Client, _userdata: Any, sock: Any) -> None:
        self.call(self.loop.add_reader, sock, self._read, client)

    def _closed(self, _client: mqtt.Client, _userdata: Any, sock: Any) -> None:
        self.call(self._forget, sock)

    def _want_write(self, client: mqtt.Client, _userdata: Any, sock: Any) -> None:
        self.call(self.loop.add_writer, sock, client.loop_write)

    def _written(self, _client: mqtt.Client, _userdata: Any, sock: Any) -> None:
        self.call(self.loop.remove_writer, sock)

    # ---- on the loop ------------------------------------------------------------------

    def _read(self, client: mqtt.Client) -> None:
        client.loop_read()
        sock = client.socket()
        pending = getattr(sock, "pending", None)  # TLS may hold decrypted bytes select misses
        while pending is not None and client.socket() is sock and pending() > 0:
            client.loop_read()

    def _forget(self, sock: Any) -> None:
        with contextlib.suppress(ValueError, OSError):  # already closed: fd -1
            self.loop.remove_reader(sock)
            self.loop.remove_writer(sock)

    def _start_misc(self, client: mqtt.Client) -> None:
        self._stop_misc()

        def tick() -> None:
            if client.socket() is None:
                self._misc = None
                return
            client.loop_misc()
            self._misc = self.loop.call_later(MISC_INTERVAL_S, tick)

        self._misc = self.loop.call_later(MISC_INTERVAL_S, tick)

    def _stop_misc(self) -> None:
        if self._misc is not None:
            self._misc.cancel()
            self._misc = None

    def _end(self, client: mqtt.Client) -> None:
        self._stop_misc()
        if client.socket() is not None:
            client.disconnect()  # queued; written by the loop, then paho closes the socket

    def on_loop_thread(self) -> bool:
        """True on the loop's thread."""
        return threading.get_ident() == self._thread
