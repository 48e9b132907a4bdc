"""Writes from the bus: `<tag>/set` writes the device with writes on, is refused with them off."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.integration.engine.conftest import HeadlessEngine
from tests.integration.mqtt.brokers import Bus
from tests.integration.mqtt.bus import Subscriber, bus_workspace

CONN = "opspanel/ws/demo-modbus"
TIMEOUT_S = 30.0


def _ready(ws: Path, bus: Bus) -> Subscriber:
    sub = Subscriber(*bus.credentials(ws))
    sub.subscribe(f"{CONN}/#", qos=1)
    sub.wait(
        f"{CONN}/$state",
        TIMEOUT_S,
        "the worker in EXECUTE",
        lambda m: m.json()["state"] == "EXECUTE",
    )
    return sub


def test_a_set_message_writes_the_device_once_and_answers(
    tmp_path: Path, start_engine: Callable[[Path], HeadlessEngine], modbus_port: int, bus: Bus
) -> None:
    ws = bus_workspace(tmp_path / "ws", modbus_port, bus.section | {"writes": True})
    bus.workspace_files(ws)
    start_engine(ws)
    sub = _ready(ws, bus)
    try:
        sub.publish(f"{CONN}/setpoint/set", {"value": 61.5, "id": "w1"})
        answer = sub.wait(f"{CONN}/setpoint/set/result", TIMEOUT_S, "the answer to w1").json()
        assert answer == {"id": "w1", "tag": "setpoint", "ok": True, "outcome": "done"}
        sub.wait(
            f"{CONN}/setpoint",
            TIMEOUT_S,
            "the device's setpoint read back as 61.5",
            lambda m: m.json()["value"] == 61.5,
        )
        sub.publish(f"{CONN}/setpoint/set", {"value": 61.5, "id": "w1"})  # a QoS 1 duplicate
        sub.wait(
            f"{CONN}/setpoint/set/result",
            TIMEOUT_S,
            "the same answer again",
            lambda m: len(sub.on(f"{CONN}/setpoint/set/result")) == 2,
        )
        results = [m.json() for m in sub.on(f"{CONN}/setpoint/set/result")]
        assert results[0] == results[1]

        sub.publish(f"{CONN}/pump/set", b"false")  # plain text, the API's parsing
        sub.wait(
            f"{CONN}/pump",
            TIMEOUT_S,
            "the pump coil off",
            lambda m: m.json()["value"] is False,
        )
        sub.publish(f"{CONN}/setpoint/set", b"warm")
        bad = sub.wait(
            f"{CONN}/setpoint/set/result",
            TIMEOUT_S,
            "the refusal of a bad value",
            lambda m: not m.json()["ok"],
        ).json()
        assert bad["outcome"] == "failed" and "a number is required, got 'warm'" in bad["error"]
        sub.publish(f"{CONN}/temperature/set", b"20")
        ro = sub.wait(f"{CONN}/temperature/set/result", TIMEOUT_S, "read-only refused").json()
        assert ro["error"] == "tag 'temperature' is not writable"
    finally:
        sub.close()


def test_with_writes_off_a_set_message_is_refused_and_the_device_untouched(
    tmp_path: Path, start_engine: Callable[[Path], HeadlessEngine], modbus_port: int, bus: Bus
) -> None:
    ws = bus_workspace(tmp_path / "ws", modbus_port, bus.section)
    bus.workspace_files(ws)
    start_engine(ws)
    sub = _ready(ws, bus)
    try:
        sub.publish(f"{CONN}/setpoint/set", {"value": 70, "id": "w2"})
        answer = sub.wait(f"{CONN}/setpoint/set/result", TIMEOUT_S, "the refusal").json()
        assert answer["ok"] is False and answer["outcome"] == "failed"
        assert answer["error"].startswith("writes over MQTT are off for this workspace")
        counter_moves = len(sub.on(f"{CONN}/counter"))
        sub.wait(
            f"{CONN}/counter",
            TIMEOUT_S,
            "two more cycles",
            lambda m: len(sub.on(f"{CONN}/counter")) >= counter_moves + 2,
        )
        # (the retained one and the first live one may both arrive: the same value; a
        # read that timed out under load is published bad, without a value)
        good = [m.json() for m in sub.on(f"{CONN}/setpoint") if m.json()["quality"] == "good"]
        assert {m["value"] for m in good} == {55.0}
    finally:
        sub.close()
