"""`conns.history` against a real headless engine polling a real Modbus simulator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from modbus_sim import ModbusSim

from panel.api.client import ApiClient, ApiError
from panel.connections.store import save_connections
from panel.workspace.workspace import Workspace
from tests.integration.conns_panel.conftest import modbus_connection
from tests.integration.conns_panel.test_ctl_conns import HeadlessEngine, prepare, start_engine
from tests.waiting import wait_for

__all__ = ["start_engine"]  # the fixture, used by name


def _speeds(api: ApiClient) -> list[Any]:
    series = api.call("conns.history", {"id": "plc1", "tags": ["speed"]})["series"]
    return [v for s in series for v in s["value"]]  # none before the first poll


def _with_a_text_tag(port: int) -> dict[str, Any]:
    conn = modbus_connection("plc1", port)
    conn["blocks"][0]["tags"].append({"name": "label", "offset": 4, "type": "string(4)"})
    return conn


def test_history_holds_the_values_polled_before_it_was_asked_for(
    tmp_path: Path, modbus_sim: ModbusSim, start_engine: Callable[[Path], HeadlessEngine]
) -> None:
    modbus_sim.set("holding", 0, [11])
    ws = prepare(tmp_path / "ws", modbus_sim.port)
    with Workspace.open(ws) as workspace:
        save_connections(workspace, [_with_a_text_tag(modbus_sim.port)])
    start_engine(ws)
    with ApiClient.from_workspace(ws) as api:
        wait_for(lambda: 11.0 in _speeds(api), 30, "speed 11 in the history")
        modbus_sim.set("holding", 0, [22])
        speeds = wait_for(lambda: (s := _speeds(api)) and s[-1] == 22.0 and s, 30, "speed 22")
        answer = api.call("conns.history", {"id": "plc1"})
        recent = api.call("conns.history", {"id": "plc1", "tags": ["speed"], "seconds": 0.001})
    # Oldest first: the value before the change, then the one after.
    assert speeds.index(11.0) < speeds.index(22.0)
    series = {s["name"]: s for s in answer["series"]}
    assert answer["id"] == "plc1"
    assert set(series) == {"speed", "setpoint", "temp"}  # the text tag is not kept
    assert series["speed"]["unit"] == "rpm" and series["speed"]["block"] == "main"
    speed = series["speed"]
    assert len(speed["ts"]) == len(speed["value"]) and speed["ts"] == sorted(speed["ts"])
    # A worker sends a tag only when it changed: the last millisecond holds the value
    # that was current then, once.
    (recent_speed,) = recent["series"]
    assert recent_speed["value"] == [22.0] and recent_speed["ts"][0] >= speed["ts"][-1]


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"id": "plc1", "seconds": 601}, "seconds"),
        ({"id": "plc1", "tags": "speed"}, "tags"),
        ({"id": "plc1", "since": 1}, "since"),
    ],
)
def test_bad_history_params_are_refused_naming_the_param(
    tmp_path: Path,
    modbus_sim: ModbusSim,
    start_engine: Callable[[Path], HeadlessEngine],
    params: dict[str, Any],
    says: str,
) -> None:
    ws = prepare(tmp_path / "ws", modbus_sim.port)
    start_engine(ws)
    with ApiClient.from_workspace(ws) as api:
        with pytest.raises(ApiError) as refused:
            api.call("conns.history", params)
        assert refused.value.code == -32602 and says in str(refused.value)
        with pytest.raises(ApiError) as unknown:
            api.call("conns.history", {"id": "nope"})
        assert unknown.value.code == -32010 and "nope" in str(unknown.value)
        assert api.call("status")  # still answering
