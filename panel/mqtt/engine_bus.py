"""The engine on the bus: the embedded broker, the system events out and config_reload in.

Every `SystemEvent` of the connection manager goes to `<base>/<event.topic()>` (not
retained: events, not state) with an `origin` naming this engine. A message an outside
tool publishes on `<base>/system/<conn>/config_reload` makes the engine read that
connection from the workspace database again (a changed one is reloaded or restarted
as any edit; an unchanged one gets a `reload` command). Messages carrying this engine's
own `origin`, and retained ones, are ignored: no loop on our own publications, no
reload replayed on every reconnect.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from panel.connections.events import SystemEvent
from panel.connections.manager import ConnectionManager, UnknownConnection
from panel.mqtt import payloads
from panel.mqtt.client import OFF, BusClient
from panel.mqtt.embedded import EmbeddedBroker, ProcessFactory
from panel.mqtt.endpoint import Endpoint, resolve
from panel.mqtt.settings import MqttSettings, check_mqtt

log = logging.getLogger("panel.mqtt")


class EngineBus(QObject):
    """The workspace's bus as the engine runs it (nothing when there is no `mqtt` section)."""

    sig_changed = Signal()
    """The bus or its broker changed state (for the status bar and `mqtt.status`)."""

    _sig_inbound = Signal(str, bytes, bool)
    """(topic, payload, retained) from the network thread, handled on the Qt thread."""

    def __init__(
        self,
        workspace_root: Path,
        section: dict[str, Any] | None,
        connections: ConnectionManager,
        new_process: ProcessFactory,
        keep_running: bool,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.root = workspace_root
        self.connections = connections
        self.origin = f"engine-{secrets.token_hex(4)}"
        self.settings: MqttSettings | None = None
        self.problem: str | None = None
        self.broker: EmbeddedBroker | None = None
        self.client: BusClient | None = None
        self._last_rate: tuple[float, int] | None = None
        if section is not None:
            problems = check_mqtt(section)
            if problems:
                self.problem = f"{problems[0][0]}: {problems[0][1]}"
            else:
                try:
                    self.settings = MqttSettings.from_json(section, workspace_root.name)
                except (TypeError, ValueError) as exc:
                    self.problem = f"$.mqtt: not valid: {exc}"
        if self.settings is not None and self.settings.uses_embedded:
            self.broker = EmbeddedBroker(workspace_root, new_process, keep_running, self)
            self.broker.sig_changed.connect(self.sig_changed)
            connections.sig_connections_changed.connect(self._follow_keep_running)
        self._sig_inbound.connect(self._on_inbound)

    @property
    def active(self) -> bool:
        """True when the workspace has a bus."""
        return self.settings is not None and self.settings.active

    def start(self) -> None:
        """Start (or adopt) the broker and the engine's own client."""
        if self.problem:
            log.error("mqtt: not started: %s", self.problem)
        if self.settings is None or not self.settings.active:
            return
        if self.broker is not None:
            self.broker.start()
        settings = self.settings
        self.client = BusClient(
            "engine",
            self._resolve,
            on_connected=self._on_connected,
            on_message=lambda topic, data, retained: self._sig_inbound.emit(topic, data, retained),
        )
        self.client.start()
        self.connections.sig_system_event.connect(self.publish_event)
        log.info("mqtt: publishing below %s", settings.base_topic)

    def shutdown(self) -> None:
        """Leave the bus (the engine shuts down; the workers still publish their goodbye)."""
        if self.client is not None:
            self.client.close()

    def finish(self) -> None:
        """Every child is stopped: stop an adopted broker too (ours stopped as a child)."""
        if self.broker is not None and self.broker.adopted is not None:
            self.broker.stop()

    def _follow_keep_running(self) -> None:
        """`connections.keepRunning` may have changed: the broker follows from its next start."""
        if self.broker is not None:
            self.broker.set_keep_running(self.connections.keep_running)

    # ------------------------------------------------------------- system events

    def publish_event(self, event: SystemEvent) -> None:
        """Put one system event on the bus (when connected; events are not retained)."""
        if self.client is None or self.settings is None:
            return
        data = payloads.dumps({**event.to_json(), "origin": self.origin})
        topic = f"{self.settings.base_topic}/{event.topic()}"
        with self.client.lock:
            self.client.publish(topic, data, qos=self.settings.qos)

    def _on_connected(self, client: BusClient) -> None:
        assert self.settings is not None
        client.subscribe(f"{self.settings.base_topic}/system/+/config_reload", self.settings.qos)
        self.sig_changed.emit()

    def _on_inbound(self, topic: str, data: bytes, retained: bool) -> None:
        assert self.settings is not None
        levels = topic[len(self.settings.base_topic) + 1 :].split("/")
        ours = topic.startswith(self.settings.base_topic + "/") and len(levels) == 3
        if retained or not ours or levels[0] != "system" or levels[2] != "config_reload":
            return  # retained (replayed on each connect) or not ours (amqtt sends others)
        try:
            body: Any = json.loads(data.decode("utf-8")) if data.strip() else {}
        except ValueError:
            body = {}
        if isinstance(body, dict) and body.get("origin") == self.origin:
            return  # our own event, back from the broker
        self.reload_connection(levels[1], "bus")

    def reload_connection(self, conn_id: str, source: str) -> None:
        """Read connection `conn_id` from the workspace again and apply it."""
        try:
            before: dict[str, Any] | None = self.connections.connection(conn_id)
        except UnknownConnection:
            before = None
        self.connections.reload_from_workspace()
        try:
            after: dict[str, Any] | None = self.connections.connection(conn_id)
        except UnknownConnection:
            after = None
        if before is None and after is None:
            log.warning("mqtt: config_reload for unknown connection %r ignored", conn_id)
            return
        log.info("connection %s: config_reload from the %s", conn_id, source)
        link = self.connections.link(conn_id)
        if before is not None and before == after and link is not None:
            link.send({"cmd": "reload"})  # unchanged in the DB: the worker reads it again

    # ------------------------------------------------------------------- status

    def _resolve(self) -> Endpoint | str:
        assert self.settings is not None
        return resolve(self.settings, self.root)

    def status(self) -> dict[str, Any]:
        """What `mqtt.status` returns: the broker, the engine's client, the publishers."""
        if self.settings is None or not self.settings.active:
            problem = self.problem
            if self.settings is not None:
                problem = "mqtt.url is not set and mqtt.embedded is false"
            return {"enabled": False, "problem": problem, "broker": None, "publishers": []}
        publishers = self._publishers()
        published = sum(p["published"] or 0 for p in publishers)
        now = time.monotonic()
        rate = None
        if self._last_rate is not None and now > self._last_rate[0]:
            rate = round((published - self._last_rate[1]) / (now - self._last_rate[0]), 1)
        self._last_rate = (now, published)
        if self.broker is not None:
            broker = self.broker.status()
        else:
            broker = {"kind": "external", "url": self.settings.url or None}
        client = self.client.stats() if self.client is not None else {"state": OFF}
        return {
            "enabled": self.settings.active,
            "problem": self.problem,
            "baseTopic": self.settings.base_topic,
            "writes": self.settings.writes,
            "blockMessages": self.settings.block_messages,
            "broker": broker,
            "engine": client,
            "publishers": publishers,
            "connectedPublishers": sum(1 for p in publishers if p["state"] == "connected"),
            "publishedPerS": rate,
        }

    def _publishers(self) -> list[dict[str, Any]]:
        out = []
        for conn_id in self.connections.ids():
            link = self.connections.link(conn_id)
            bus = link.stats.get("bus") if link is not None else None
            bus = bus if isinstance(bus, dict) else {}
            out.append(
                {
                    "id": conn_id,
                    "state": bus.get("state", OFF),
                    "published": bus.get("published"),
                    "lastPublished": bus.get("lastPublished"),
                    "error": bus.get("error"),
                }
            )
        return out
