"""One connection at a time over the API (`conns.add/save/remove/enable/config/loadCsv`)
and the status topic, against a real headless engine and a real Modbus simulator."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from modbus_sim import ModbusSim

from panel.api.client import ApiClient, ApiError
from tests.integration.conns_panel.conftest import modbus_connection
from tests.integration.conns_panel.test_ctl_conns import (
    HeadlessEngine,
    prepare,
    start_engine,
    wait_for,
)

__all__ = ["start_engine"]  # the fixture, used by name

INVALID_PARAMS = -32602
NOT_FOUND = -32010


@pytest.fixture
def api(
    tmp_path: Path, modbus_sim: ModbusSim, start_engine: Callable[[Path], HeadlessEngine]
) -> Iterator[ApiClient]:
    """A client of a headless engine with connection plc1 to the simulator."""
    ws = prepare(tmp_path / "ws", modbus_sim.port)
    start_engine(ws)
    with ApiClient.from_workspace(ws) as client:
        yield client


def ids(api: ApiClient) -> list[str]:
    return [c["id"] for c in api.call("conns.list")["connections"]]


def next_note(api: ApiClient, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """The first notification `wanted` picks, within 30 s."""
    deadline = time.monotonic() + 30
    for note in api.notifications(timeout=30):
        if wanted(note):
            return note
        if time.monotonic() > deadline:
            break
    raise AssertionError("no such notification within 30 s")


def refusal(api: ApiClient, method: str, params: dict[str, Any]) -> ApiError:
    with pytest.raises(ApiError) as caught:
        api.call(method, params)
    return caught.value


def test_add_save_remove_one_connection_naming_the_bad_field(
    api: ApiClient, modbus_sim: ModbusSim
) -> None:
    press = modbus_connection("press", modbus_sim.port)
    added = api.call("conns.add", {"config": press})
    assert added["id"] == "press" and ids(api) == ["plc1", "press"]
    assert api.call("conns.config", {"id": "press"}) == {"id": "press", "config": press}

    taken = refusal(api, "conns.add", {"config": press})
    assert taken.code == INVALID_PARAMS
    assert taken.data["problems"] == [
        {"path": "$.config.id", "message": "'press' is already the id of another connection"}
    ]
    bad = modbus_connection("press", modbus_sim.port, period_ms=-5)
    wrong = refusal(api, "conns.save", {"config": bad})
    assert wrong.code == INVALID_PARAMS
    assert wrong.data["problems"][0]["path"] == "$.config.blocks[0].periodMs"
    assert str(wrong).startswith("$.config.blocks[0].periodMs: ")

    renamed = modbus_connection("press2", modbus_sim.port, period_ms=250)
    assert api.call("conns.save", {"config": renamed, "id": "press"})["id"] == "press2"
    assert ids(api) == ["plc1", "press2"]
    assert api.call("conns.config", {"id": "press2"})["config"]["blocks"][0]["periodMs"] == 250
    missing = refusal(api, "conns.save", {"config": renamed, "id": "nope"})
    assert missing.code == NOT_FOUND and "nope" in str(missing)

    assert api.call("conns.remove", {"id": "press2"}) == {"id": "press2", "removed": True}
    assert ids(api) == ["plc1"]
    assert refusal(api, "conns.remove", {"id": "press2"}).code == NOT_FOUND


def test_enable_and_the_status_topic(api: ApiClient) -> None:
    assert api.call("conns.subscribeStatus") == {"subscribed": True}
    wait_for(lambda: api.call("conns.list")["connections"][0]["state"] == "connected", 30, "linked")
    off = api.call("conns.enable", {"id": "plc1", "enabled": False, "wait": True})
    assert off["state"] == "disabled" and off["enabled"] is False
    note = next_note(
        api,
        lambda n: (
            n["method"] == "conns.status" and n["params"]["connection"]["state"] == "disabled"
        ),
    )
    assert note["params"]["connection"]["id"] == "plc1"
    on = api.call("conns.enable", {"id": "plc1", "enabled": True, "wait": True})
    assert on["state"] == "connected"
    assert isinstance(on["blocks"][0]["periodMs"], int)


def test_load_csv_texts_replaces_or_names_file_line_and_column(
    api: ApiClient, modbus_sim: ModbusSim
) -> None:
    api.call("conns.subscribeStatus")
    bad = refusal(api, "conns.loadCsv", {"connections": "id,driver,host,port\nx,modbus_tcp,h,y\n"})
    assert bad.code == INVALID_PARAMS
    assert bad.data["problems"] == ["connections.csv:2: column port: 'y' is not a number"]
    assert ids(api) == ["plc1"]
    loaded = api.call(
        "conns.loadCsv",
        {
            "connections": f"id,driver,host,port\nline2,modbus_tcp,127.0.0.1,{modbus_sim.port}\n",
            "blocks": "connection,name,area,count,periodMs\nline2,hr,holding,2,100\n",
            "tags": "connection,block,name,offset,type\nline2,hr,rate,0,uint16\n",
        },
    )
    assert loaded == {"connections": ["line2"]}
    changed = next_note(api, lambda n: n["method"] == "conns.changed")
    assert changed["params"] == {"ids": ["line2"]}
