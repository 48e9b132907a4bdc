"""Test helpers for the tag bus: a bus workspace and an independent paho subscriber."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt

from panel.connections.store import save_connections
from panel.demo.config import DEVICES_KEY, demo_devices, modbus_connection
from panel.mqtt.endpoint import PASSWORD_FILE, read_state
from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.workspace import Workspace
from tests.waiting import wait_for


def bus_workspace(path: Path, modbus_port: int, mqtt_section: dict[str, Any]) -> Path:
    """A workspace with the demo Modbus device and its connection, and `mqtt_section`."""
    with Workspace.open(path) as ws:
        cfg = demo_server_config().to_json() | {"autostart": False}
        ws.save_server_config(ServerConfig.from_json(cfg))
        ws.set_setting("connections.restartDelayMs", 300)
        modbus = demo_devices(modbus_port, modbus_port + 1)[0]
        ws.set_setting(DEVICES_KEY, [modbus.to_json()])
        save_connections(ws, [modbus_connection(modbus_port)])
        ws.save_config_object("mqtt", mqtt_section)
    return path


@dataclass
class Received:
    """One message as the subscriber got it."""

    topic: str
    payload: bytes
    retain: bool
    at: float

    def json(self) -> Any:
        return json.loads(self.payload)


class Subscriber:
    """An independent paho client that records every message of its subscriptions."""

    def __init__(
        self, host: str, port: int, username: str = "", password: str = "", ca_file: str = ""
    ) -> None:
        """`ca_file`: speak TLS, trusting that certificate authority."""
        self.messages: list[Received] = []
        self._lock = threading.Lock()
        self._connected = threading.Event()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        if ca_file:
            self.client.tls_set(ca_certs=ca_file)
        if username:
            self.client.username_pw_set(username, password)
        self.client.on_message = self._on_message
        self.client.on_connect = lambda *_: self._connected.set()
        self.client.connect(host, port)
        self.client.loop_start()
        assert self._connected.wait(10), "the test subscriber did not connect"

    def subscribe(self, topic: str, qos: int = 0) -> None:
        result, _ = self.client.subscribe(topic, qos)
        assert result == mqtt.MQTT_ERR_SUCCESS

    def publish(self, topic: str, payload: Any, qos: int = 1, retain: bool = False) -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.client.publish(topic, data, qos=qos, retain=retain).wait_for_publish(10)

    def _on_message(self, _c: Any, _u: Any, message: mqtt.MQTTMessage) -> None:
        got = Received(message.topic, bytes(message.payload), bool(message.retain), time.time())
        with self._lock:
            self.messages.append(got)

    def on(self, topic: str) -> list[Received]:
        with self._lock:
            return [m for m in self.messages if m.topic == topic]

    def wait(self, topic: str, timeout: float, what: str, check: Any = None) -> Received:
        """The first message on `topic` (after those already seen) that passes `check`."""

        def found() -> Received | None:
            for message in self.on(topic):
                if check is None or check(message):
                    return message
            return None

        return wait_for(found, timeout, what)

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def embedded_credentials(ws: Path, timeout: float = 30.0) -> tuple[str, int, str, str]:
    """(host, port, user, password) of the workspace's embedded broker, once it listens."""
    state = wait_for(lambda: read_state(ws), timeout, "the embedded broker's state file")
    password = (ws / PASSWORD_FILE).read_text().strip()
    return str(state["host"]), int(state["port"]), str(state["username"]), password
