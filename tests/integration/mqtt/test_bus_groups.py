"""Grouped connections on the tag bus: each member publishes under its own id, as a
lone worker does, from the one process of its group."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from panel.api.client import ApiClient
from panel.connections.store import load_connections, save_connections
from panel.workspace.workspace import Workspace
from tests.integration.engine.conftest import HeadlessEngine
from tests.integration.mqtt.brokers import Bus
from tests.integration.mqtt.bus import Subscriber, bus_workspace
from tests.waiting import wait_for

BASE = "opspanel/ws"
TIMEOUT_S = 30.0
GROUPED = ("demo-modbus", "line-b")


def test_each_member_of_a_group_publishes_its_own_tags(
    tmp_path: Path, start_engine: Callable[[Path], HeadlessEngine], modbus_port: int, bus: Bus
) -> None:
    ws = bus_workspace(tmp_path / "ws", modbus_port, bus.section)
    with Workspace.open(ws) as workspace:
        first = load_connections(workspace)[0] | {"process": "group:line"}
        save_connections(workspace, [first, first | {"id": "line-b", "unitId": 2}])
    bus.workspace_files(ws)
    start_engine(ws)
    host, port, user, password = bus.credentials(ws)
    subscriber = Subscriber(host, port, user, password)
    try:
        subscriber.subscribe(f"{BASE}/#")
        for conn_id in GROUPED:
            subscriber.wait(
                f"{BASE}/{conn_id}/temperature",
                TIMEOUT_S,
                f"a good temperature of {conn_id}",
                lambda m: m.json()["quality"] == "good",
            )
            state = subscriber.wait(
                f"{BASE}/{conn_id}/$state",
                TIMEOUT_S,
                f"$state EXECUTE of {conn_id}",
                lambda m: m.json()["state"] == "EXECUTE",
            )
            assert state.json()["online"] is True
    finally:
        subscriber.close()
    with ApiClient.from_workspace(ws) as client:

        def publishing() -> dict[str, dict[str, Any]] | None:
            listed = {c["id"]: c for c in client.call("conns.list")["connections"]}
            states = {listed[c]["busState"] for c in GROUPED}
            return listed if states == {"connected"} else None

        listed = wait_for(publishing, TIMEOUT_S, "both members' publishers connected")
    assert listed["demo-modbus"]["pid"] == listed["line-b"]["pid"]
    assert listed["demo-modbus"]["group"] == "line"
