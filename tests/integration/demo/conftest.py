"""Fixtures for the demo devices: a demo workspace on free ports, an engine in this process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from panel.connections.store import save_connections
from panel.demo.config import DEVICES_KEY, demo_connections, demo_devices
from panel.engine import Engine
from panel.util.ports import ephemeral_port
from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.workspace import Workspace

SHUTDOWN_MS = 30_000


def demo_workspace(path: Path, modbus_port: int, opcua_port: int) -> Workspace:
    """A workspace opened as a first run, its demo moved to the given ports, no server start."""
    ws = Workspace.open(path, seed_demo=True)
    cfg = demo_server_config().to_json() | {"autostart": False}
    ws.save_server_config(ServerConfig.from_json(cfg))
    ws.set_setting("connections.restartDelayMs", 300)
    ws.set_setting(DEVICES_KEY, [d.to_json() for d in demo_devices(modbus_port, opcua_port)])
    save_connections(ws, demo_connections(modbus_port, opcua_port))
    return ws


@pytest.fixture
def demo_ports() -> tuple[int, int]:
    """(modbus, opcua): two distinct ports of 127.0.0.1 that were free a moment ago."""
    modbus = ephemeral_port()
    opcua = ephemeral_port()
    while opcua == modbus:
        opcua = ephemeral_port()
    return modbus, opcua


@pytest.fixture
def start_demo_engine(
    tmp_path: Path, qtbot: QtBot, demo_ports: tuple[int, int]
) -> Iterator[Callable[[], Engine]]:
    """Start an engine on a demo workspace (call it when the test is ready); shut down after."""
    engines: list[tuple[Engine, Workspace]] = []

    def start() -> Engine:
        ws = demo_workspace(tmp_path / "ws", *demo_ports)
        engine = Engine(ws)
        engines.append((engine, ws))
        engine.start()
        return engine

    yield start
    for engine, ws in engines:
        if not engine._finished:
            with qtbot.waitSignal(engine.sig_shutdown_finished, timeout=SHUTDOWN_MS):
                engine.shutdown()
        ws.close()
