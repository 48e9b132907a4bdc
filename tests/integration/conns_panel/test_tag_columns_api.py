"""`conns.subscribe` with format columns, against a real headless engine and simulator;
and a window's link falling back to objects when an engine refuses the option."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from modbus_sim import ModbusSim
from pytestqt.qtbot import QtBot

from panel.api.client import ApiClient
from panel.api.rpc import RpcContext, RpcRegistry
from panel.connections.tag_columns import from_columns
from panel.viewmodels.remote.endpoint import Address, Endpoint
from panel.viewmodels.remote.link import LinkState, RemoteLink
from tests.integration.api.conftest import TOKEN, ServerThread
from tests.integration.conns_panel.test_ctl_conns import (
    HeadlessEngine,
    prepare,
    start_engine,
)

__all__ = ["start_engine"]  # the fixture, used by name


def _setpoint_note(api: ApiClient, value: int) -> dict[str, Any]:
    """The first `conns.tags` params whose setpoint is `value`, as objects, within 30 s."""
    deadline = time.monotonic() + 30
    for note in api.notifications(timeout=30):
        if note["method"] == "conns.tags":
            params = note["params"]
            values = params["values"] if "values" in params else from_columns(params)
            assert values is not None, params
            if any(v["name"] == "setpoint" and v["value"] == value for v in values):
                return params
        if time.monotonic() > deadline:
            break
    raise AssertionError(f"no conns.tags with setpoint {value} within 30 s")


def test_a_columns_subscriber_gets_the_values_an_objects_subscriber_gets(
    tmp_path: Path, modbus_sim: ModbusSim, start_engine: Callable[[Path], HeadlessEngine]
) -> None:
    ws = prepare(tmp_path / "ws", modbus_sim.port)
    start_engine(ws)
    with ApiClient.from_workspace(ws) as objects, ApiClient.from_workspace(ws) as columns:
        assert objects.call("conns.subscribe", {"id": "plc1"}) == {"subscribed": True}
        assert columns.call("conns.subscribe", {"id": "plc1", "format": "columns"}) == {
            "subscribed": True
        }
        methods = {m["name"]: m for m in objects.call("rpc.discover")["methods"]}
        fmt = methods["conns.subscribe"]["params"]["properties"]["format"]
        assert fmt["enum"] == ["objects", "columns"]
        objects.call("conns.write", {"id": "plc1", "tag": "setpoint", "value": 4321})
        as_objects = _setpoint_note(objects, 4321)
        as_columns = _setpoint_note(columns, 4321)
    assert set(as_objects) == {"id", "values"}
    assert as_columns["id"] == "plc1" and "values" not in as_columns
    assert isinstance(as_columns["names"], list) and isinstance(as_columns["value"], list)
    assert from_columns(as_columns) == as_objects["values"]


@pytest.fixture
def old_engine() -> Iterator[ServerThread]:
    """An API whose `conns.subscribe` knows only `id`, as an engine before columns."""
    registry = RpcRegistry()

    def status(params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        return {"engine": {}}

    def subscribe(params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        ctx.subscribe("conns.tags")
        return {"subscribed": True}

    old_schema = {
        "type": "object",
        "properties": {"id": {"type": "string"}},
        "additionalProperties": False,
    }
    registry.register("status", status, {"type": "object"})
    registry.register("conns.subscribe", subscribe, old_schema)
    server = ServerThread(registry).start()
    yield server
    server.stop()


def test_a_window_link_falls_back_to_objects_on_an_older_engine(
    qtbot: QtBot, old_engine: ServerThread
) -> None:
    link = RemoteLink(Endpoint("old", lambda: Address(old_engine.url, TOKEN)))
    seen: list[Any] = []
    link.on("conns.tags", seen.append)
    link.subscribe("conns.subscribe", {"format": "columns"}, fallback={})
    link.open()
    try:
        qtbot.waitUntil(lambda: link.state == LinkState.CONNECTED, timeout=10_000)
        qtbot.waitUntil(lambda: old_engine.call(old_engine.server.has_subscribers, "conns.tags"))
        values = [{"name": "speed", "value": 3, "quality": "good", "ts": 1.0}]
        old_engine.call(
            old_engine.server.publish, "conns.tags", "conns.tags", {"id": "a", "values": values}
        )
        qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    finally:
        link.close()
    assert seen == [{"id": "a", "values": values}]
