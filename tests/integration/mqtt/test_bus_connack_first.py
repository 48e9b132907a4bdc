"""A session whose CONNACK is handled before paho's `connect()` returns still begins.

Served on a worker's loop, the broker's answer is read on the loop's thread while the
connecting thread may still be inside `connect()` (a loaded machine deschedules it
there). What `on_connected` sends then, the retained `$state` and the subscription
for writes, must reach the broker; once, it did not, and the state never arrived.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest

from panel.mqtt.client import CONNECTED, BusClient
from panel.mqtt.endpoint import Endpoint
from tests.integration.mqtt.brokers import PASSWORD, USER, Mosquitto
from tests.integration.mqtt.bus import Subscriber
from tests.waiting import wait_for

TOPIC = "opspanel/test/$state"


def test_what_a_session_sends_first_arrives_when_its_connack_beats_connect(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broker = Mosquitto(tmp_path / "mosquitto")  # skips without mosquitto installed
    broker.start()
    subscriber = Subscriber("127.0.0.1", broker.port, USER, PASSWORD)  # before the patch
    subscriber.subscribe("opspanel/test/#")
    connected = threading.Event()
    original = mqtt.Client.connect

    def connect_then_linger(self: mqtt.Client, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        connected.wait(10)  # as if descheduled here until the loop handled the CONNACK
        return result

    monkeypatch.setattr(mqtt.Client, "connect", connect_then_linger)

    def on_connected(client: BusClient) -> None:
        client.publish(TOPIC, b'{"state": "EXECUTE"}', retain=True)
        connected.set()

    endpoint = Endpoint("127.0.0.1", broker.port, username=USER, password=PASSWORD)
    bus = BusClient("race", lambda: endpoint, on_connected=on_connected)
    loop = asyncio.new_event_loop()
    try:

        async def serve() -> None:
            bus.start(asyncio.get_running_loop())
            await asyncio.to_thread(connected.wait, 10)
            for _ in range(100):  # the loop serves the socket while the test subscribes
                await asyncio.sleep(0.02)
                if subscriber.on(TOPIC):
                    return

        loop.run_until_complete(serve())
        assert connected.is_set() and bus.state == CONNECTED
        wait_for(lambda: subscriber.on(TOPIC), 5, "the state sent as the session began")
        assert subscriber.on(TOPIC)[0].payload == b'{"state": "EXECUTE"}'
    finally:
        subscriber.close()
        loop.run_until_complete(asyncio.to_thread(bus.close))
        loop.close()
        broker.stop()
