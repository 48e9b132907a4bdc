"""Connection groups in the manager: members join, leave, are disabled and move between
processes, against real worker processes and a real Modbus simulator."""

from __future__ import annotations

import psutil
import pytest
from modbus_sim import ModbusSim
from pytestqt.qtbot import QtBot

from panel.connections.manager import ConnectionManager
from panel.connections.status import ConnState
from panel.engine import Engine
from panel.workspace.errors import ConfigError
from tests.integration.conns_panel.conftest import modbus_connection, waiter


def gone(pid: int) -> bool:
    return not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


def live(manager: ConnectionManager, *conn_ids: str) -> bool:
    return all(
        manager.snapshot(c).state == ConnState.CONNECTED
        and all(t["quality"] == "good" for t in manager.tags(c))
        for c in conn_ids
    )


def test_a_bad_group_name_is_refused_by_its_path(engine: Engine) -> None:
    for value in ("group:", "group:no spaces", "line1", 5):
        with pytest.raises(ConfigError) as caught:
            engine.connections.save_connection(modbus_connection("plc1", 502, process=value))
        paths = [path for path, _ in caught.value.problems]
        assert paths == ["$.process"], (value, caught.value.problems)
    assert engine.workspace.config_section("connections") == []


def test_members_join_leave_and_move_without_touching_the_others(
    engine: Engine, qtbot: QtBot, modbus_sim: ModbusSim
) -> None:
    manager = engine.connections
    wait = waiter(qtbot)
    for conn_id, unit in (("a", 1), ("b", 2)):
        manager.save_connection(
            modbus_connection(conn_id, modbus_sim.port, unitId=unit, process="group:g")
        )
    manager.save_connection(modbus_connection("solo", modbus_sim.port, unitId=3))
    wait(lambda: live(manager, "a", "b", "solo"))
    group_pid = manager.snapshot("a").pid
    assert group_pid is not None and manager.snapshot("b").pid == group_pid
    assert manager.snapshot("a").group == "g" and manager.snapshot("solo").group is None
    link_b = manager.link("b")
    assert link_b is not None
    connects = link_b.connects

    # disabling a stops only a; the group's process goes on for b
    manager.set_enabled("a", False)
    wait(lambda: manager.snapshot("a").state == ConnState.DISABLED)
    assert manager.snapshot("b").pid == group_pid and live(manager, "b")

    # the lone connection joins the group: its own process ends
    solo_pid = manager.snapshot("solo").pid
    assert solo_pid is not None
    manager.save_connection(modbus_connection("solo", modbus_sim.port, unitId=3, process="group:g"))
    wait(lambda: live(manager, "solo") and manager.snapshot("solo").pid == group_pid)
    wait(lambda: gone(solo_pid))

    # b leaves the group for a process of its own; the group goes on for solo
    manager.save_connection(modbus_connection("b", modbus_sim.port, unitId=2, process="own"))
    wait(lambda: live(manager, "b") and manager.snapshot("b").pid not in (None, group_pid))
    assert manager.snapshot("solo").pid == group_pid and live(manager, "solo")
    assert link_b.connects == connects, "b's old link saw no reconnect while in the group"

    # the last enabled member is removed: the group's process stops
    manager.delete_connection("solo")
    wait(lambda: gone(group_pid) and manager.snapshot("a").state == ConnState.DISABLED)
    manager.set_enabled("a", True)  # and starts again with a member enabled
    wait(lambda: live(manager, "a") and manager.snapshot("a").pid != group_pid)
