"""The manager's system events with real workers: one per committed change, in order,
saying who made it and what changed, and what each does to the workers."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).parent))

from modbus_sim import ModbusSim

from panel.connections.events import SystemEvent
from panel.connections.status import ConnState
from panel.engine import Engine
from panel.viewmodels.local.connections import LocalConnectionsModel
from panel.workspace.errors import ConfigError
from tests.integration.conns_panel.conftest import modbus_connection, waiter


def record(engine: Engine) -> list[SystemEvent]:
    got: list[SystemEvent] = []
    engine.connections.sig_system_event.connect(got.append)
    return got


def summary(events: list[SystemEvent]) -> list[tuple[Any, ...]]:
    return [(e.kind, e.conn_id, e.source, e.change) for e in events]


def test_the_window_editors_publish_an_event_per_change(
    engine: Engine, qtbot: QtBot, modbus_sim: ModbusSim
) -> None:
    events = record(engine)
    manager = engine.connections
    model = LocalConnectionsModel(manager)
    answers: list[object] = []
    wait = waiter(qtbot)

    model.save(modbus_connection("plc1", modbus_sim.port), None, answers.append)
    wait(lambda: len(answers) == 1)
    wait(lambda: manager.snapshot("plc1").state == ConnState.CONNECTED)
    pid = manager.snapshot("plc1").pid

    slower = modbus_connection("plc1", modbus_sim.port, period_ms=250)
    model.save(slower, "plc1", answers.append)
    model.set_enabled("plc1", False, answers.append)
    wait(lambda: len(answers) == 3)
    wait(lambda: manager.snapshot("plc1").state == ConnState.DISABLED)
    model.set_enabled("plc1", True, answers.append)
    wait(lambda: len(answers) == 4)
    wait(lambda: manager.snapshot("plc1").state == ConnState.CONNECTED)
    assert manager.snapshot("plc1").pid != pid  # a new worker after the stop
    renamed = modbus_connection("plc2", modbus_sim.port, period_ms=250)
    model.save(renamed, "plc1", answers.append)
    wait(lambda: len(answers) == 5)
    assert answers == [None] * 5
    assert summary(events) == [
        ("conn_added", "plc1", "window", None),
        ("config_reload", "plc1", "window", "blocks"),
        ("config_reload", "plc1", "window", "enabled"),
        ("config_reload", "plc1", "window", "enabled"),
        ("conn_removed", "plc1", "window", None),
        ("conn_added", "plc2", "window", None),
    ]
    assert [e.seq for e in events] == [1, 2, 3, 4, 5, 6]
    assert events[0].topic() == "system/supervisor/conn_added"
    assert events[1].topic() == "system/plc1/config_reload"
    wait(lambda: manager.snapshot("plc2").state == ConnState.CONNECTED)


def test_a_refused_change_publishes_nothing(engine: Engine, modbus_sim: ModbusSim) -> None:
    events = record(engine)
    bad = modbus_connection("plc1", modbus_sim.port)
    bad["blocks"][0]["count"] = 0
    with pytest.raises(ConfigError):
        engine.connections.save_connection(bad)
    assert events == []


def test_an_edit_of_several_parts_is_one_event_naming_each(
    engine: Engine, qtbot: QtBot, modbus_sim: ModbusSim
) -> None:
    manager = engine.connections
    manager.save_connection(modbus_connection("plc1", modbus_sim.port))
    waiter(qtbot)(lambda: manager.snapshot("plc1").state == ConnState.CONNECTED)
    pid = manager.snapshot("plc1").pid
    events = record(engine)
    edited = modbus_connection("plc1", modbus_sim.port, period_ms=200, timeoutMs=2000)
    edited["host"] = "localhost"
    manager.save_connection(edited, source="api")
    assert summary(events) == [("config_reload", "plc1", "api", "endpoint,blocks,settings")]
    waiter(qtbot)(
        lambda: (
            manager.snapshot("plc1").pid not in (None, pid)
            and manager.snapshot("plc1").state == ConnState.CONNECTED
        )
    )


def test_a_block_added_and_removed_reloads_the_same_worker(
    engine: Engine, qtbot: QtBot, modbus_sim: ModbusSim
) -> None:
    manager = engine.connections
    wait = waiter(qtbot)
    manager.save_connection(modbus_connection("plc1", modbus_sim.port))
    wait(lambda: manager.snapshot("plc1").state == ConnState.CONNECTED)
    pid = manager.snapshot("plc1").pid
    events = record(engine)
    modbus_sim.set("holding", 10, [77])
    more = modbus_connection("plc1", modbus_sim.port)
    extra = {"name": "level", "offset": 0, "type": "uint16"}
    more["blocks"].append(
        {
            "name": "extra",
            "area": "holding",
            "start": 10,
            "count": 1,
            "periodMs": 100,
            "tags": [extra],
        }
    )
    manager.save_connection(more)

    def level() -> object:
        found = [t for t in manager.tags("plc1") if t["name"] == "level"]
        return found and found[0]["quality"] == "good" and found[0]["value"] == 77

    wait(level)
    manager.save_connection(modbus_connection("plc1", modbus_sim.port))
    wait(lambda: [b.name for b in manager.snapshot("plc1").blocks] == ["main"])
    assert "level" not in {t["name"] for t in manager.tags("plc1")}
    assert summary(events) == [("config_reload", "plc1", "api", "blocks")] * 2
    assert manager.snapshot("plc1").pid == pid
    assert manager.snapshot("plc1").state == ConnState.CONNECTED
