"""The worker's bus sink: publishes its tags, block cycles and state on MQTT by itself.

It lives inside the connection worker (no Qt, no engine), so a worker keeps publishing
while no engine runs. Tags go by exception (value beyond the deadband, or quality
changed); every latest value is kept and republished when a session with the broker
begins, so a broker restart or a reconnect leaves retained values current.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from pathlib import Path
from typing import Any

from panel.connections.worker.config import ConnectionConfig
from panel.connections.worker.drivers.base import TagValue
from panel.connections.worker.sink import WriteSubmitter
from panel.connections.worker.tagcache import TagCache
from panel.mqtt import payloads
from panel.mqtt.bus_writes import BusWrites
from panel.mqtt.client import BusClient, Will
from panel.mqtt.endpoint import Endpoint, resolve
from panel.mqtt.settings import MqttSettings

log = logging.getLogger("panel.mqtt")


class BusPublisher:
    """A `ValueSink` (see `panel.connections.worker.sink`) that publishes to the bus."""

    def __init__(self, conn_id: str, workspace: Path, settings: MqttSettings) -> None:
        self.conn_id = conn_id
        self.workspace = workspace
        self.settings = settings
        self.topics = payloads.Topics(settings.base_topic, conn_id)
        self._cache = TagCache(ConnectionConfig(id=conn_id))
        self._units: dict[str, str] = {}
        self._latest: dict[str, bytes] = {}
        self._state = payloads.state_payload("CONFIGURE", None)
        self._block_seq: dict[str, int] = {}
        self.tag_messages = 0
        self.block_messages = 0
        will = Will(self.topics.state, payloads.WILL_PAYLOAD, settings.qos, retain=True)
        self.client = BusClient(
            f"worker-{payloads.segment(conn_id)}",
            self._resolve,
            will=will,
            on_connected=self._on_connected,
            on_message=self._on_message,
        )
        self.writes = BusWrites(self)

    # ---- the ValueSink protocol ---------------------------------------------------

    def bind(self, worker: WriteSubmitter) -> None:
        """Start connecting (served on the worker's loop); writes from the bus go to `worker`."""
        self.writes.bind(worker)
        self.client.start(asyncio.get_running_loop())

    def configure(self, config: ConnectionConfig) -> None:
        """Adopt the tag list (bus deadbands laid over the tags' own); clear removed tags."""
        overrides = self.settings.deadband
        prefix = f"{config.id}/"
        blocks = [
            dataclasses.replace(
                block,
                tags=[
                    dataclasses.replace(t, deadband=overrides.get(prefix + t.name, t.deadband))
                    for t in block.tags
                ],
            )
            for block in config.blocks
        ]
        self._cache.configure(dataclasses.replace(config, blocks=blocks))
        self._units = {tag.name: tag.unit for _, tag in config.all_tags()}
        self.writes.configure(config)
        gone = [name for name in self._latest if name not in self._units]
        with self.client.lock:
            for name in gone:
                del self._latest[name]
                if self.settings.retain:  # an empty retained message forgets it
                    self.client.publish(self.topics.tag(name), b"", retain=True)

    def samples(self, block: str | None, samples: list[TagValue]) -> None:
        """Publish the changes among one cycle's samples (and the cycle, with blockMessages)."""
        changes = self._cache.changes(samples)
        with self.client.lock:
            if self.settings.tag_messages:
                self._send_changes(changes)
            if block is not None and self.settings.block_messages and samples:
                seq = self._block_seq.get(block, 0) + 1
                self._block_seq[block] = seq
                payload = payloads.block_payload(samples, seq)
                if self.client.publish(self.topics.block(block), payload, qos=self.settings.qos):
                    self.block_messages += 1

    def link_lost(self, reason: str) -> None:
        """Every tag goes bad with `reason` (published as a change)."""
        changes = self._cache.all_bad(reason)
        with self.client.lock:
            if self.settings.tag_messages:
                self._send_changes(changes)

    def state(self, state: str, reason: str | None) -> None:
        """Publish the worker's state (retained)."""
        with self.client.lock:
            self._state = payloads.state_payload(state, reason, online=state != "STOPPED")
            self._publish_state()

    def stats(self) -> dict[str, Any] | None:
        """The bus figures for the worker's `stats` message."""
        return {
            **self.client.stats(),
            "tagMessages": self.tag_messages,
            "blockMessages": self.block_messages,
        }

    def close(self) -> None:
        """Say STOPPED (retained: not the last will) and disconnect, bounded."""
        self.client.close()

    # ---- internals ------------------------------------------------------------------

    def _resolve(self) -> Endpoint | str:
        return resolve(self.settings, self.workspace)

    def _send_changes(self, changes: list[dict[str, Any]]) -> None:
        retain, qos = self.settings.retain, self.settings.qos
        for entry in changes:
            name = str(entry["name"])
            payload = payloads.tag_payload(entry, self._units.get(name, ""))
            self._latest[name] = payload
            if self.client.publish(self.topics.tag(name), payload, qos=qos, retain=retain):
                self.tag_messages += 1

    def _publish_state(self) -> None:
        self.client.publish(self.topics.state, self._state, qos=self.settings.qos, retain=True)

    def _on_connected(self, client: BusClient) -> None:
        """A session began (network thread, lock held): subscribe, republish everything."""
        client.subscribe(self.topics.set_filter, self.settings.qos)
        self._publish_state()
        retain, qos = self.settings.retain, self.settings.qos
        for name, payload in self._latest.items():
            if client.publish(self.topics.tag(name), payload, qos=qos, retain=retain):
                self.tag_messages += 1

    def _on_message(self, topic: str, payload: bytes, retained: bool) -> None:
        self.writes.receive(topic, payload, retained)
