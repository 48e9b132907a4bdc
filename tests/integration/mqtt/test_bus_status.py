"""The bus as an operator checks it: `ctl mqtt status`, `mqtt.status`, `ctl conns list`."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from panel.api.client import ApiClient
from tests.integration.engine.conftest import HeadlessEngine, ctl
from tests.integration.mqtt.bus import bus_workspace, embedded_credentials
from tests.waiting import wait_for

TIMEOUT_S = 30.0


def _status(ws: Path) -> dict[str, Any]:
    result = ctl(ws, "mqtt", "status", "--json")
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_ctl_and_the_api_show_the_broker_and_each_publisher(
    tmp_path: Path, start_engine: Callable[[Path], HeadlessEngine], modbus_port: int
) -> None:
    ws = bus_workspace(tmp_path / "ws", modbus_port, {"embedded": True})
    start_engine(ws)
    _, port, _, _ = embedded_credentials(ws)

    def publishing() -> dict[str, Any] | None:
        now = _status(ws)
        return now if now["connectedPublishers"] == 1 and now["broker"]["publishers"] else None

    status = wait_for(publishing, TIMEOUT_S, "the worker publishing, seen by the broker")
    broker = status["broker"]
    assert broker["kind"] == "embedded" and broker["state"] == "running"
    assert broker["url"] == f"mqtt://127.0.0.1:{port}" and isinstance(broker["pid"], int)
    assert broker["clients"] >= 2  # the worker and the engine's own client
    assert status["baseTopic"] == "opspanel/ws" and status["writes"] is False
    assert status["engine"]["state"] == "connected"
    (pub,) = status["publishers"]
    assert pub["id"] == "demo-modbus" and pub["state"] == "connected"
    assert abs(pub["lastPublished"] - time.time()) < 10.0

    text = ctl(ws, "mqtt", "status")
    assert text.returncode == 0, text.stderr
    assert f"broker: embedded  running  mqtt://127.0.0.1:{port}" in text.stdout
    assert "demo-modbus: connected  last published" in text.stdout

    listing = ctl(ws, "conns", "list", "--json")
    (conn,) = json.loads(listing.stdout)["connections"]
    assert conn["busState"] == "connected" and conn["busLastPublished"] > time.time() - 10
    assert "bus connected" in ctl(ws, "conns", "list").stdout

    with ApiClient.from_workspace(ws) as client:
        methods = {m["name"]: m for m in client.call("rpc.discover")["methods"]}
    assert "publishers" in methods["mqtt.status"]["doc"]
    assert methods["mqtt.status"]["mutating"] is False


def test_a_workspace_without_a_bus_says_so(
    tmp_path: Path, start_engine: Callable[[Path], HeadlessEngine], modbus_port: int
) -> None:
    ws = bus_workspace(tmp_path / "ws", modbus_port, {"embedded": False})
    start_engine(ws)
    assert _status(ws)["enabled"] is False
    off = ctl(ws, "mqtt", "status").stdout.strip()
    assert off == "bus: off (mqtt.url is not set and mqtt.embedded is false)"
    assert not (ws / "mqtt-broker.json").exists()
    (conn,) = json.loads(ctl(ws, "conns", "list", "--json").stdout)["connections"]
    assert conn["busState"] is None
