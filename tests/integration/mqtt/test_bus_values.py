"""Tags on MQTT (the embedded broker and mosquitto), seen by an independent paho subscriber."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import paho.mqtt.client as mqtt

from tests.integration.engine.conftest import HeadlessEngine
from tests.integration.mqtt.brokers import Bus
from tests.integration.mqtt.bus import Subscriber, bus_workspace, embedded_credentials

BASE = "opspanel/ws"
CONN = f"{BASE}/demo-modbus"
TIMEOUT_S = 30.0


def test_values_state_blocks_and_retained_last_values(
    tmp_path: Path, start_engine: Callable[[Path], HeadlessEngine], modbus_port: int, bus: Bus
) -> None:
    ws = bus_workspace(tmp_path / "ws", modbus_port, bus.section | {"blockMessages": True})
    bus.workspace_files(ws)
    start_engine(ws)
    host, port, user, password = bus.credentials(ws)
    if bus.kind == "embedded":
        assert oct((ws / "mqtt-broker.password").stat().st_mode & 0o777) == "0o600"
    early = Subscriber(host, port, user, password)
    try:
        early.subscribe(f"{BASE}/#")
        good = early.wait(
            f"{CONN}/temperature",
            TIMEOUT_S,
            "a good temperature on the bus",
            lambda m: m.json()["quality"] == "good",
        )
        value = good.json()
        assert isinstance(value["value"], float) and value["unit"] == "°C"
        assert abs(value["ts"] - good.at) < 5.0
        state = early.wait(
            f"{CONN}/$state", TIMEOUT_S, "$state EXECUTE", lambda m: m.json()["state"] == "EXECUTE"
        )
        assert state.json()["online"] is True
        block = early.wait(f"{CONN}/$block/process", TIMEOUT_S, "a block message").json()
        assert set(block["values"]) == {"temperature", "pressure", "counter", "setpoint"}
        assert block["quality"] == {}
        early.wait(
            f"{CONN}/$block/process",
            TIMEOUT_S,
            "a second block message",
            lambda m: len(early.on(f"{CONN}/$block/process")) >= 2,
        )
        seqs = [m.json()["seq"] for m in early.on(f"{CONN}/$block/process")]
        assert seqs[1] == seqs[0] + 1  # one message per cycle, numbered
        early.wait(
            f"{CONN}/counter",
            TIMEOUT_S,
            "the counter to move (report by exception, each change)",
            lambda m: len(early.on(f"{CONN}/counter")) >= 3,
        )
        # setpoint does not change: published by exception, not every cycle. A message
        # means the value or its quality changed (a failed read under load publishes
        # the tag as not good, the next good read publishes 55.0 again); a subscriber
        # may see the first one twice when it subscribed while it was being published
        setpoints = [(m.json()["value"], m.json()["quality"]) for m in early.on(f"{CONN}/setpoint")]
        assert (55.0, "good") in setpoints
        assert {value for value, quality in setpoints if quality == "good"} == {55.0}
        repeats = [i for i in range(2, len(setpoints)) if setpoints[i] == setpoints[i - 1]]
        assert not repeats, f"setpoint republished unchanged: {setpoints}"
    finally:
        early.close()

    late = Subscriber(host, port, user, password)
    try:
        late.subscribe(f"{CONN}/+")
        retained = late.wait(f"{CONN}/setpoint", 5.0, "the retained setpoint at once")
        assert retained.retain and retained.json()["value"] == 55.0
        assert late.wait(f"{CONN}/$state", 5.0, "the retained $state").retain
    finally:
        late.close()


def test_anonymous_clients_are_refused(
    tmp_path: Path, start_engine: Callable[[Path], HeadlessEngine], modbus_port: int
) -> None:
    ws = bus_workspace(tmp_path / "ws", modbus_port, {"embedded": True})
    start_engine(ws)
    host, port, _, _ = embedded_credentials(ws)
    refused: list[object] = []
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    client.on_connect = lambda _c, _u, _f, reason, _p: refused.append(reason)
    client.connect(host, port)
    client.loop_start()
    try:
        from tests.waiting import wait_for

        wait_for(lambda: refused, 10.0, "the broker's answer to an anonymous client")
        assert getattr(refused[0], "is_failure", False)
    finally:
        client.loop_stop()
        client.disconnect()
