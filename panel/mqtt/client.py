"""One MQTT connection kept up in a background thread, with the project's capped backoff.

paho-mqtt does the protocol; this class decides when to (re)connect: it resolves the
endpoint again before every attempt (the embedded broker may have moved), waits
`Backoff` delays between failed attempts (reset once connected), and tells its owner
when a session begins (`on_connected`: subscribe, republish) so nothing published while
the broker was away is missed. Publishing never blocks: while not connected it is
skipped (the owner republishes its latest values on the next connect).

Two ways to serve the socket once connected: paho's own network thread (the engine,
which has no asyncio loop; publishing is then thread-safe), or the caller's asyncio
loop (`start(loop)`: a connection worker, publishing from that loop only; see
`loop_io` for why).
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from panel.connections.worker.backoff import Backoff
from panel.mqtt.endpoint import Endpoint
from panel.mqtt.loop_io import LoopServer

if TYPE_CHECKING:
    # Imported with the first connection attempt: not before the window's first frame.
    import paho.mqtt.client as mqtt

log = logging.getLogger("panel.mqtt")

RECONNECT_MIN_S = 0.25
RECONNECT_MAX_S = 10.0
KEEPALIVE_S = 10
LOST_POLL_S = 0.5

OFF, WAITING, CONNECTING, CONNECTED, DISCONNECTED = (
    "off",
    "waiting",
    "connecting",
    "connected",
    "disconnected",
)
"""Bus states: no bus; no broker to try yet; connecting; connected; lost (retrying)."""


@dataclass(frozen=True)
class Will:
    """The last will: what the broker publishes when this client vanishes."""

    topic: str
    payload: bytes
    qos: int = 0
    retain: bool = True


Resolver = Callable[[], "Endpoint | str"]


class BusClient:
    """A paho client in its own thread, reconnecting with capped backoff until `close()`."""

    def __init__(
        self,
        name: str,
        resolve: Resolver,
        *,
        will: Will | None = None,
        on_connected: Callable[[BusClient], None] | None = None,
        on_message: Callable[[str, bytes, bool], None] | None = None,
    ) -> None:
        self.name = name
        self._resolve = resolve
        self._will = will
        self._on_connected = on_connected
        self._on_message = on_message
        self._client: mqtt.Client | None = None
        self._success: object = 0
        """paho's MQTT_ERR_SUCCESS, taken when the first client is made."""
        self._stop = threading.Event()
        self._lost = threading.Event()
        self._thread: threading.Thread | None = None
        self._server: LoopServer | None = None
        self._backoff = Backoff(RECONNECT_MIN_S, RECONNECT_MAX_S)
        self.lock = threading.RLock()
        """Held while publishing and while a session begins: orders republishing."""
        self.state = WAITING
        self.url: str | None = None
        self.error: str | None = None
        self.published = 0
        self.last_published: float | None = None
        self.connects = 0

    # ------------------------------------------------------------------ lifecycle

    def start(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Start connecting in the background; with `loop` (call on its thread), the
        connected socket is served on that loop instead of paho's thread."""
        if loop is not None:
            self._server = LoopServer(loop)
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=f"mqtt-{self.name}", daemon=True)
            self._thread.start()

    def close(self, timeout_s: float = 2.0) -> None:
        """Disconnect (cleanly: no last will) and wait, bounded, for the thread.

        Served on a loop, what is still queued (a last state) is written first."""
        deadline = time.monotonic() + timeout_s
        self._stop.set()
        self._lost.set()
        client, server = self._client, self._server
        if client is not None and server is not None and server.on_loop_thread():
            server.flush(client, deadline)
            client.disconnect()
            server.flush(client, deadline)  # the DISCONNECT; paho then closes the socket
        if self._thread is not None:
            self._thread.join(max(0.0, deadline - time.monotonic()))
        self.state = OFF

    # ------------------------------------------------------------------ publishing

    def publish(self, topic: str, payload: bytes, *, qos: int = 0, retain: bool = False) -> bool:
        """Send one message when connected (False: skipped or refused)."""
        client = self._client
        if client is None or self.state != CONNECTED:
            return False
        info = client.publish(topic, payload, qos=qos, retain=retain)
        if info.rc != self._success:
            return False
        self.published += 1
        self.last_published = time.time()
        return True

    def subscribe(self, topic: str, qos: int = 0) -> None:
        """Subscribe (call from `on_connected`: every new session subscribes again)."""
        client = self._client
        if client is not None:
            client.subscribe(topic, qos=qos)

    def stats(self) -> dict[str, Any]:
        """The bus figures a worker reports in its `stats` message."""
        return {
            "state": self.state,
            "url": self.url,
            "error": self.error,
            "published": self.published,
            "lastPublished": None if self.last_published is None else round(self.last_published, 3),
            "connects": self.connects,
        }

    # ------------------------------------------------------------------ the thread

    def _run(self) -> None:
        while not self._stop.is_set():
            found = self._resolve()
            if isinstance(found, str):
                self._set_problem(WAITING, found)
            else:
                self.url = found.url
                self._session(found)
            if self._stop.is_set():
                break
            self._stop.wait(self._backoff.next_delay())

    def _session(self, endpoint: Endpoint) -> None:
        """One connection, served by paho's network thread or by the loop given to
        `start`, until it is lost or closed."""
        self.state = CONNECTING
        self._lost.clear()
        try:
            client = self._new_client(endpoint)  # a bad caFile fails here (ssl.SSLError)
            # Known before connect() returns: served on a loop, the CONNACK may be handled
            # there first, and what `on_connected` sends needs the client.
            self._client = client
            client.connect(endpoint.host, endpoint.port, keepalive=KEEPALIVE_S)
        except (OSError, ValueError) as exc:
            self._client = None
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            self._set_problem(DISCONNECTED, f"{endpoint.url}: {why}")
            return
        server = self._server
        if server is not None:
            server.serve(client)
        else:
            client.loop_start()
        try:
            while not self._stop.is_set() and not self._lost.wait(LOST_POLL_S):
                pass
        finally:
            if server is not None:
                server.end(client)
            else:
                client.disconnect()
                client.loop_stop()
            with self.lock:
                if self.state in (CONNECTED, CONNECTING):
                    self.state = DISCONNECTED
            self._client = None

    def _new_client(self, endpoint: Endpoint) -> mqtt.Client:
        import paho.mqtt.client as mqtt

        self._success = mqtt.MQTT_ERR_SUCCESS
        client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=f"opspanel-{self.name}-{os.getpid()}",
            reconnect_on_failure=False,
        )
        client.max_queued_messages_set(0)
        if self._server is not None:
            self._server.attach(client)
        if endpoint.username:
            client.username_pw_set(endpoint.username, endpoint.password or None)
        if endpoint.tls:
            client.tls_set(ca_certs=endpoint.ca_file or None)
        if self._will is not None:
            w = self._will
            client.will_set(w.topic, w.payload, qos=w.qos, retain=w.retain)
        client.on_connect = self._handle_connect
        client.on_disconnect = self._handle_disconnect
        client.on_message = self._handle_message
        return client

    def _handle_connect(self, client: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            self._set_problem(DISCONNECTED, f"{self.url}: the broker refused us: {reason}")
            client.disconnect()
            return
        with self.lock:
            self.state = CONNECTED
            self.connects += 1
            if self.error is not None:
                log.warning("%s: connected to %s", self.name, self.url)
            self.error = None
            self._backoff.reset()
            if self._on_connected is not None:
                self._on_connected(self)

    def _handle_disconnect(self, _c: Any, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        self._lost.set()
        if not self._stop.is_set():
            self._set_problem(DISCONNECTED, f"{self.url}: connection lost ({reason})")

    def _handle_message(self, _c: Any, _u: Any, message: mqtt.MQTTMessage) -> None:
        if self._on_message is not None:
            self._on_message(message.topic, bytes(message.payload), bool(message.retain))

    def _set_problem(self, state: str, why: str) -> None:
        with self.lock:
            self.state = state
            if why != self.error:
                log.warning("%s: %s", self.name, why)
            self.error = why
