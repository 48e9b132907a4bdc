"""The demo devices: seeded on a first run only, run by the engine, live values on both links."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
from pymodbus.client import ModbusTcpClient
from pytestqt.qtbot import QtBot

from panel.connections.manager import ConnectionManager
from panel.connections.status import ConnState
from panel.connections.worker.config import parse_connection
from panel.connections.write_answer import WriteAnswer
from panel.demo.config import (
    DEVICES_KEY,
    MODBUS_CONNECTION,
    OPCUA_CONNECTION,
    parse_devices,
)
from panel.engine import Engine
from panel.supervise.state import ProcessState
from panel.util.ports import port_is_free
from panel.workspace.workspace import Workspace

LIVE_MS = 30_000
"""Bound for both devices and both workers to be up and every tag good (busy 2 cores)."""


def tags(manager: ConnectionManager, conn_id: str) -> dict[str, dict[str, Any]]:
    return {t["name"]: t for t in manager.tags(conn_id)}


def all_good(manager: ConnectionManager, conn_id: str) -> bool:
    found = manager.tags(conn_id)
    return bool(found) and all(t["quality"] == "good" for t in found)


def log_texts(engine: Engine, source: str) -> list[str]:
    return [line.text for line in engine.hub.tail(500, source)]


def wait_live(engine: Engine, qtbot: QtBot) -> None:
    manager = engine.connections
    for conn_id in (MODBUS_CONNECTION, OPCUA_CONNECTION):
        qtbot.waitUntil(lambda c=conn_id: all_good(manager, c), timeout=LIVE_MS)
        qtbot.waitUntil(
            lambda c=conn_id: manager.snapshot(c).state == ConnState.CONNECTED, timeout=LIVE_MS
        )


def wait_change(qtbot: QtBot, manager: ConnectionManager, conn_id: str, name: str) -> None:
    """Wait for a new value of tag `name` reported by the worker (a different one)."""
    before = tags(manager, conn_id)[name]["value"]

    def changed(conn: str, values: list[dict[str, Any]]) -> bool:
        return conn == conn_id and any(
            v["name"] == name and v.get("value") != before for v in values
        )

    with qtbot.waitSignal(manager.sig_tags, timeout=10_000, check_params_cb=changed):
        pass


# ------------------------------------------------------------------ seeding


def test_only_a_first_run_gets_the_demo_devices(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "plain") as ws:
        assert ws.get_setting(DEVICES_KEY) is None
        assert ws.config_section("connections") == []
    with Workspace.open(tmp_path / "demo", seed_demo=True) as ws:
        devices, problems = parse_devices(ws.get_setting(DEVICES_KEY))
        connections = ws.config_section("connections")
    assert problems == []
    assert [d.name for d in devices] == ["modbus", "opcua"]
    assert [c["id"] for c in connections] == [MODBUS_CONNECTION, OPCUA_CONNECTION]
    for connection in connections:
        config, found = parse_connection(connection)
        assert found == [] and config is not None
    modbus, opcua = devices
    assert connections[0]["port"] == modbus.port
    assert connections[1]["endpoint"] == f"opc.tcp://127.0.0.1:{opcua.port}"
    assert modbus.command[:3] == ["{python}", "-m", "modbus_device"]
    # An existing workspace is never seeded again, even when asked (deleted stays deleted).
    with Workspace.open(tmp_path / "demo", seed_demo=True) as ws:
        ws.delete_setting(DEVICES_KEY)
    with Workspace.open(tmp_path / "demo", seed_demo=True) as ws:
        assert ws.get_setting(DEVICES_KEY) is None


# ------------------------------------------------------------------ live values


def test_demo_devices_give_live_values_and_stop_with_the_engine(
    start_demo_engine: Callable[[], Engine], qtbot: QtBot, demo_ports: tuple[int, int]
) -> None:
    engine = start_demo_engine()
    manager = engine.connections
    wait_live(engine, qtbot)

    modbus = tags(manager, MODBUS_CONNECTION)
    assert 0.0 < modbus["temperature"]["value"] < 120.0
    assert modbus["temperature"]["unit"] == "°C"
    assert modbus["setpoint"]["value"] == 55.0, "uint16 550 scaled by 0.1"
    assert modbus["pump"]["value"] is True
    opcua = tags(manager, OPCUA_CONNECTION)
    assert opcua["recipe"]["value"] == "Demo-A"
    assert isinstance(opcua["speed"]["value"], float)
    wait_change(qtbot, manager, MODBUS_CONNECTION, "counter")
    wait_change(qtbot, manager, OPCUA_CONNECTION, "temperature")

    snapshots = {s.name: s for s in engine.demo.snapshots()}
    assert snapshots["modbus"].state == "running" and snapshots["modbus"].port == demo_ports[0]
    assert any("listening on 127.0.0.1" in t for t in log_texts(engine, "demo:modbus"))
    assert any("listening on opc.tcp://" in t for t in log_texts(engine, "demo:opcua"))
    pids = [s.pid for s in snapshots.values()]
    assert all(pids)

    with qtbot.waitSignal(engine.sig_shutdown_finished, timeout=30_000):
        engine.shutdown()
    assert not any(psutil.pid_exists(pid) for pid in pids if pid is not None)
    assert all(port_is_free(port) for port in demo_ports)


def test_setpoint_write_lands_on_the_modbus_device(
    start_demo_engine: Callable[[], Engine], qtbot: QtBot, demo_ports: tuple[int, int]
) -> None:
    engine = start_demo_engine()
    manager = engine.connections
    wait_live(engine, qtbot)

    with qtbot.waitSignal(manager.sig_written, timeout=10_000) as answer:
        request = manager.write(MODBUS_CONNECTION, {"setpoint": 61.5})
    assert answer.args == [MODBUS_CONNECTION, request, WriteAnswer("done")]
    qtbot.waitUntil(
        lambda: tags(manager, MODBUS_CONNECTION)["setpoint"]["value"] == 61.5, timeout=10_000
    )
    client = ModbusTcpClient("127.0.0.1", port=demo_ports[0], timeout=5)
    try:
        assert client.connect()
        reply = client.read_holding_registers(5, count=1, device_id=1)
    finally:
        client.close()
    assert reply.registers == [615]
    qtbot.waitUntil(
        lambda: any("(setpoint) <- [615]" in t for t in log_texts(engine, "demo:modbus")),
        timeout=10_000,
    )


def test_a_taken_demo_port_fails_that_device_only(
    start_demo_engine: Callable[[], Engine], qtbot: QtBot, demo_ports: tuple[int, int]
) -> None:
    modbus_port = demo_ports[0]
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", modbus_port))
        holder.listen()
        engine = start_demo_engine()
        process = engine.demo.process("modbus")
        qtbot.waitUntil(lambda: process.state == ProcessState.FATAL, timeout=LIVE_MS)
        texts = log_texts(engine, "demo:modbus")
        assert any(f"port {modbus_port} on 127.0.0.1 is already in use" in t for t in texts)
        manager = engine.connections
        qtbot.waitUntil(lambda: all_good(manager, OPCUA_CONNECTION), timeout=LIVE_MS)
        # The holder accepts connections but never answers: no good Modbus values.
        assert not all_good(manager, MODBUS_CONNECTION)


def test_status_lists_the_devices_and_an_import_ends_the_demo(
    start_demo_engine: Callable[[], Engine], qtbot: QtBot, demo_ports: tuple[int, int]
) -> None:
    engine = start_demo_engine()
    processes = [engine.demo.process(name) for name in ("modbus", "opcua")]
    qtbot.waitUntil(
        lambda: all(p.state == ProcessState.RUNNING for p in processes), timeout=LIVE_MS
    )
    listed = engine.status_json()["demo"]
    assert isinstance(listed, list)
    assert [(d["name"], d["port"], d["state"]) for d in listed] == [
        ("modbus", demo_ports[0], "running"),
        ("opcua", demo_ports[1], "running"),
    ]
    data = engine.export_config()
    data["connections"] = []
    engine.import_config(data)
    qtbot.waitUntil(
        lambda: all(p.state == ProcessState.STOPPED for p in processes), timeout=LIVE_MS
    )
    assert engine.workspace.get_setting(DEVICES_KEY) is None
    assert engine.connections.ids() == []
    qtbot.waitUntil(lambda: all(port_is_free(port) for port in demo_ports), timeout=10_000)


def test_an_import_that_still_uses_the_devices_keeps_them_and_the_jobs(
    start_demo_engine: Callable[[], Engine], qtbot: QtBot
) -> None:
    engine = start_demo_engine()
    processes = [engine.demo.process(name) for name in ("modbus", "opcua")]
    qtbot.waitUntil(
        lambda: all(p.state == ProcessState.RUNNING for p in processes), timeout=LIVE_MS
    )
    pids = [p.pid for p in processes]
    data = engine.export_config()
    data["connections"][0]["blocks"][0]["periodMs"] = 1000  # one block edited
    applied = engine.import_config(data)
    assert f"jobs: {len(engine.jobs.jobs)}, unchanged" in applied, applied
    assert not any("demo devices" in line for line in applied), applied
    assert [p.state for p in processes] == [ProcessState.RUNNING] * 2
    assert [p.pid for p in processes] == pids
    assert engine.workspace.get_setting(DEVICES_KEY) is not None
