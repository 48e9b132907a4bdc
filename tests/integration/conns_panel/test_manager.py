"""The connection manager with real worker processes against a real Modbus simulator."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import psutil
import pytest
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).parent))

from modbus_sim import ModbusSim

from panel.connections.manager import ConnectionManager
from panel.connections.status import ConnState
from panel.connections.write_answer import WriteAnswer
from panel.engine import Engine
from panel.workspace.errors import ConfigError
from tests.integration.conns_panel.conftest import RESTART_DELAY_MS, modbus_connection, waiter


def tag(manager: ConnectionManager, conn_id: str, name: str) -> dict[str, Any]:
    return next(t for t in manager.tags(conn_id) if t["name"] == name)


def connected(engine: Engine, qtbot: QtBot, sim: ModbusSim, conn_id: str = "plc1") -> int:
    """Add a connection to `sim`, wait until every tag is good; returns the worker's pid."""
    manager = engine.connections
    manager.save_connection(modbus_connection(conn_id, sim.port))
    wait = waiter(qtbot)
    wait(lambda: all(t["quality"] == "good" for t in manager.tags(conn_id)))
    wait(lambda: manager.snapshot(conn_id).state == ConnState.CONNECTED)
    pid = manager.snapshot(conn_id).pid
    assert pid is not None
    return pid


def test_added_connection_shows_good_tags(engine: Engine, qtbot: QtBot, modbus_sim: ModbusSim):
    modbus_sim.set("holding", 0, [1234, 65535])
    began = time.monotonic()
    connected(engine, qtbot, modbus_sim)
    assert time.monotonic() - began < 10
    manager = engine.connections
    assert tag(manager, "plc1", "speed")["value"] == 1234
    assert tag(manager, "plc1", "setpoint")["value"] == -1
    assert isinstance(tag(manager, "plc1", "speed")["timestamp"], float)
    assert engine.workspace.config_section("connections")[0]["id"] == "plc1"
    snap = manager.snapshot("plc1").to_json()
    assert snap["state"] == "connected" and snap["link"] == "EXECUTE"
    assert [b["name"] for b in snap["blocks"]] == ["main"]
    waiter(qtbot)(lambda: manager.snapshot("plc1").blocks[0].cycles)


def test_value_changes_reach_the_manager(engine: Engine, qtbot: QtBot, modbus_sim: ModbusSim):
    connected(engine, qtbot, modbus_sim)
    with qtbot.waitSignal(engine.connections.sig_tags, timeout=10_000):
        modbus_sim.set("holding", 0, [777])
    waiter(qtbot)(lambda: tag(engine.connections, "plc1", "speed")["value"] == 777)


def test_period_edit_reloads_in_place(engine: Engine, qtbot: QtBot, modbus_sim: ModbusSim):
    pid = connected(engine, qtbot, modbus_sim)
    manager = engine.connections
    link = manager.link("plc1")
    assert link is not None
    connects = link.connects
    manager.save_connection(modbus_connection("plc1", modbus_sim.port, period_ms=50))
    waiter(qtbot)(
        lambda: any("reloaded in place" in line.text for line in engine.hub.tail(50, "conn:plc1"))
    )
    modbus_sim.set("holding", 0, [4321])
    waiter(qtbot)(lambda: tag(manager, "plc1", "speed")["value"] == 4321)
    snap = manager.snapshot("plc1")
    assert snap.pid == pid
    assert link.connects == connects  # no new CONNECT: the link was never dropped
    assert snap.state == ConnState.CONNECTED
    assert snap.blocks[0].period_ms == 50


def test_host_edit_restarts_the_worker(engine: Engine, qtbot: QtBot, modbus_sim: ModbusSim):
    pid = connected(engine, qtbot, modbus_sim)
    manager = engine.connections
    manager.save_connection(modbus_connection("plc1", modbus_sim.port, host="localhost"))
    wait = waiter(qtbot)
    wait(lambda: manager.snapshot("plc1").pid not in (None, pid))
    wait(lambda: manager.snapshot("plc1").state == ConnState.CONNECTED)
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert manager.snapshot("plc1").restarts == 0  # an edit, not a crash


def test_delete_stops_and_forgets_the_worker(engine: Engine, qtbot: QtBot, modbus_sim: ModbusSim):
    pid = connected(engine, qtbot, modbus_sim)
    process = psutil.Process(pid)
    engine.connections.delete_connection("plc1")
    assert engine.connections.ids() == []
    assert engine.workspace.config_section("connections") == []
    waiter(qtbot)(lambda: not process.is_running())
    waiter(qtbot)(lambda: not engine.has_running_children())


def test_killed_worker_comes_back(engine: Engine, qtbot: QtBot, modbus_sim: ModbusSim):
    pid = connected(engine, qtbot, modbus_sim)
    manager = engine.connections
    killed = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    wait = waiter(qtbot)
    wait(lambda: manager.snapshot("plc1").pid not in (None, pid))
    back = time.monotonic() - killed
    wait(lambda: manager.snapshot("plc1").state == ConnState.CONNECTED)
    assert back >= RESTART_DELAY_MS / 1000 * 0.9
    assert manager.snapshot("plc1").restarts == 1


def test_write_lands_on_the_device(engine: Engine, qtbot: QtBot, modbus_sim: ModbusSim):
    connected(engine, qtbot, modbus_sim)
    manager = engine.connections
    with qtbot.waitSignal(manager.sig_written, timeout=10_000) as blocker:
        request_id = manager.write("plc1", {"setpoint": -5, "temp": 21.5})
    assert blocker.args == ["plc1", request_id, WriteAnswer("done")]
    assert modbus_sim.get("holding", 1, 1) == [65531]
    waiter(qtbot)(lambda: tag(manager, "plc1", "temp")["value"] == 21.5)


def test_bad_writes_are_refused_before_the_worker(engine: Engine, qtbot: QtBot, modbus_sim):
    connected(engine, qtbot, modbus_sim)
    manager = engine.connections
    with pytest.raises(ValueError, match="not writable"):
        manager.write("plc1", {"speed": 1})
    with pytest.raises(ValueError, match="out of range"):
        manager.write("plc1", {"setpoint": 40000})
    with pytest.raises(ValueError, match="integer"):
        manager.write("plc1", {"setpoint": "abc"})
    with pytest.raises(KeyError):
        manager.write("plc1", {"nope": 1})


def test_invalid_connection_is_refused_with_paths(engine: Engine) -> None:
    bad = modbus_connection("plc1", 502)
    bad["blocks"][0]["count"] = 0
    with pytest.raises(ConfigError) as caught:
        engine.connections.save_connection(bad)
    assert ("$.blocks[0].count", "0 must be >= 1") in caught.value.problems
    assert engine.workspace.config_section("connections") == []


def test_disable_and_enable(engine: Engine, qtbot: QtBot, modbus_sim: ModbusSim) -> None:
    pid = connected(engine, qtbot, modbus_sim)
    manager = engine.connections
    manager.set_enabled("plc1", False)
    wait = waiter(qtbot)
    wait(lambda: manager.snapshot("plc1").state == ConnState.DISABLED)
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    manager.set_enabled("plc1", True)
    wait(lambda: manager.snapshot("plc1").state == ConnState.CONNECTED)


def test_import_checks_connections_and_applies_them(
    engine: Engine, qtbot: QtBot, modbus_sim: ModbusSim
) -> None:
    document = engine.export_config()
    bad = modbus_connection("plc1", modbus_sim.port)
    bad["blocks"][0]["tags"][0]["type"] = "int64"
    with pytest.raises(ConfigError) as caught:
        engine.import_config(document | {"connections": [bad]})
    assert caught.value.problems[0][0] == "$.connections[0].blocks[0].tags[0].type"
    assert engine.connections.ids() == []
    engine.import_config(document | {"connections": [modbus_connection("plc1", modbus_sim.port)]})
    waiter(qtbot)(lambda: engine.connections.snapshot("plc1").state == ConnState.CONNECTED)
