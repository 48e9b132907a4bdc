"""An external MQTT subscriber for the bus benchmark, run as its own process.

    python mqtt_subscriber.py HOST PORT USER PASSWORD FILTER

Subscribes FILTER at QoS 0, prints READY once subscribed, records every message until
stdin closes, then prints one JSON line: messages per kind (tag, block, other), and
for each message the end-to-end latency (arrival - the payload's `ts`, the moment the
worker had the device's answer) with its `ts`, so the caller can keep its window.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from typing import Any

import paho.mqtt.client as mqtt


def main() -> int:
    host, port, user, password, topic = sys.argv[1:6]
    latencies: list[tuple[float, float, str]] = []
    counts = {"tag": 0, "block": 0, "other": 0}
    subscribed = threading.Event()

    def on_message(_c: Any, _u: Any, message: mqtt.MQTTMessage) -> None:
        now = time.time()
        kind = "block" if "/$block/" in message.topic else "tag"
        if message.topic.endswith("/$state") or not message.payload:
            kind = "other"
        counts[kind] += 1
        if kind != "other":
            try:
                ts = float(json.loads(message.payload)["ts"])
            except (ValueError, KeyError, TypeError):
                return
            latencies.append((ts, now - ts, kind))

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="bench-subscriber")
    client.username_pw_set(user, password or None)
    client.on_message = on_message
    client.on_subscribe = lambda *_: subscribed.set()
    client.on_connect = lambda c, *_: c.subscribe(topic, 0)
    client.connect(host, int(port))
    client.loop_start()
    if not subscribed.wait(30):
        print("the subscriber could not subscribe", file=sys.stderr)
        return 1
    print("READY", flush=True)
    sys.stdin.read()
    client.loop_stop()
    client.disconnect()
    print(json.dumps({"counts": counts, "latencies": latencies}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
