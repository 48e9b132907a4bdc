"""Writes from the bus: `<base>/<conn>/<tag>/set` -> the worker's write queue -> `.../set/result`.

The request payload is the value as JSON (`42`, `true`, `"text"`; text that is not JSON
is taken as typed text), or an object `{"value": v, "id": "...", "timeoutMs": n}`. The
value is checked and parsed exactly as the API does (`panel.connections.values`), then
queued like any other write, and the one answer of the worker's write queue goes to
`<tag>/set/result`: `{"id", "tag", "ok", "outcome", "error"?}` with outcome done, failed
or unknown. A request repeating an `id` already answered gets the same answer again and
is not written twice (QoS 1 may deliver twice). With `mqtt.writes` false every request is
answered failed, saying so. Retained requests are ignored (they would write again on
every reconnect).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from panel.connections.values import check_value
from panel.connections.worker.config import BlockConfig, ConnectionConfig, TagConfig
from panel.connections.worker.sink import WriteSubmitter
from panel.connections.worker.writes import FAILED
from panel.mqtt import payloads

if TYPE_CHECKING:
    from panel.mqtt.publisher import BusPublisher

log = logging.getLogger("panel.mqtt")

WRITE_TIMEOUT_S = 10.0
"""How long a write from the bus may wait in the queue (as the API's default)."""
REMEMBERED_IDS = 1000
WRITES_OFF = "writes over MQTT are off for this workspace (set mqtt.writes to true)"


class BusWrites:
    """Turns `set` messages into worker writes and publishes each one's answer once."""

    def __init__(self, publisher: BusPublisher) -> None:
        self._publisher = publisher
        self._worker: WriteSubmitter | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tags: dict[str, tuple[BlockConfig, TagConfig]] = {}
        self._answers: OrderedDict[str, bytes | None] = OrderedDict()

    def bind(self, worker: WriteSubmitter) -> None:
        """Writes go to `worker`, on the running loop."""
        self._worker = worker
        self._loop = asyncio.get_running_loop()

    def configure(self, config: ConnectionConfig) -> None:
        """Know the tags by their topic level."""
        self._tags = {payloads.segment(t.name): (b, t) for b, t in config.all_tags()}

    def receive(self, topic: str, payload: bytes, retained: bool) -> None:
        """A message on `<conn>/+/set` (network thread): handled on the worker's loop."""
        if not topic.endswith("/set"):
            return  # amqtt 0.12 replays other clients' retained messages on connect: skip fast
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._handle, topic, payload, retained)

    def _handle(self, topic: str, payload: bytes, retained: bool) -> None:
        prefix = self._publisher.topics.conn + "/"
        level = topic[len(prefix) : -len("/set")]
        if not topic.startswith(prefix) or not topic.endswith("/set") or "/" in level or not level:
            return  # not a request of ours (amqtt 0.12 also replays others' retained messages)
        if retained:
            log.warning("ignored the retained write request on %s (clear it)", topic)
            return
        value, request_id, timeout_s, problem = _parse(payload)
        found = self._tags.get(level)
        name = found[1].name if found else level
        reply = {"id": request_id, "tag": name}
        if request_id is not None and request_id in self._answers:
            answer = self._answers[request_id]
            if answer is not None:  # answered already: the same answer, no second write
                self._publish(topic, answer)
            return
        if not self._publisher.settings.writes:
            problem = WRITES_OFF
        elif found is None:
            problem = problem or f"unknown tag {level!r}"
        if problem is None and found is not None:
            try:
                value = check_value(found[0], found[1], value)
            except ValueError as exc:
                problem = str(exc)
        if problem is not None or self._worker is None:
            message = {"ok": False, "outcome": FAILED, "error": problem or "not ready"}
            self._finish(topic, reply, message)
            return
        self._remember(request_id, None)
        self._worker.submit_write(
            name, value, timeout_s, lambda message: self._finish(topic, reply, message)
        )

    def _finish(self, topic: str, reply: dict[str, Any], message: dict[str, Any]) -> None:
        answer = {**reply, "ok": bool(message.get("ok")), "outcome": message.get("outcome")}
        if message.get("error"):
            answer["error"] = message["error"]
        data = payloads.dumps(answer)
        self._remember(reply.get("id"), data)
        self._publish(topic, data)

    def _publish(self, topic: str, data: bytes) -> None:
        client = self._publisher.client
        with client.lock:
            client.publish(f"{topic}/result", data, qos=self._publisher.settings.qos)

    def _remember(self, request_id: str | None, answer: bytes | None) -> None:
        if request_id is None:
            return
        self._answers[request_id] = answer
        self._answers.move_to_end(request_id)
        while len(self._answers) > REMEMBERED_IDS:
            self._answers.popitem(last=False)


def _parse(payload: bytes) -> tuple[Any, str | None, float | None, str | None]:
    """(value, request id, timeout in s, problem) of a request payload."""
    text = payload.decode("utf-8", errors="replace").strip()
    if not text:
        return None, None, WRITE_TIMEOUT_S, "an empty request: send the value (JSON or text)"
    try:
        data: Any = json.loads(text)
    except ValueError:
        return text, None, WRITE_TIMEOUT_S, None
    if not isinstance(data, dict):
        return data, None, WRITE_TIMEOUT_S, None
    request_id = data.get("id")
    request_id = None if request_id is None else str(request_id)
    timeout_s = WRITE_TIMEOUT_S
    timeout_ms = data.get("timeoutMs")
    if isinstance(timeout_ms, int | float) and not isinstance(timeout_ms, bool):
        timeout_s = max(0.0, float(timeout_ms) / 1000.0)
    if "value" not in data:
        return None, request_id, timeout_s, 'a request object needs a "value"'
    return data["value"], request_id, timeout_s, None
