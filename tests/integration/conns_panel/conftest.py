"""Fixtures for the panel side of connections: an engine in this process, a Modbus simulator."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).parents[1] / "connections"))

from modbus_sim import ModbusSim

from panel.engine import Engine
from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.workspace import Workspace

RESTART_DELAY_MS = 300


@pytest.fixture
def modbus_sim(free_port: int) -> Iterator[ModbusSim]:
    """A Modbus TCP simulator on a free port of 127.0.0.1 (in this process, own thread)."""
    sim = ModbusSim(free_port).start()
    yield sim
    sim.close()


def modbus_connection(
    conn_id: str, port: int, period_ms: int = 100, **extra: Any
) -> dict[str, Any]:
    """A connection to the simulator: one holding block of 8 registers, three tags."""
    return {
        "id": conn_id,
        "driver": "modbus_tcp",
        "host": "127.0.0.1",
        "port": port,
        "reconnectMinMs": 100,
        "reconnectMaxMs": 500,
        "blocks": [
            {
                "name": "main",
                "kind": "read",
                "area": "holding",
                "start": 0,
                "count": 8,
                "periodMs": period_ms,
                "tags": [
                    {"name": "speed", "offset": 0, "type": "uint16", "unit": "rpm"},
                    {"name": "setpoint", "offset": 1, "type": "int16", "writable": True},
                    {"name": "temp", "offset": 2, "type": "float32", "writable": True},
                ],
            }
        ],
        **extra,
    }


@pytest.fixture
def engine(tmp_path: Path, qtbot: QtBot, modbus_sim: ModbusSim) -> Iterator[Engine]:
    """A started engine (server without autostart) on a new workspace; shut down after.

    It takes the simulator so that the simulator outlives the workers: a simulator
    closed under connected clients leaves pymodbus transports for the GC to warn about.
    """
    ws = Workspace.open(tmp_path / "ws")
    cfg = demo_server_config().to_json() | {"autostart": False}
    ws.save_server_config(ServerConfig.from_json(cfg))
    ws.set_setting("connections.restartDelayMs", RESTART_DELAY_MS)
    ws.set_setting("demo.devices", [])
    eng = Engine(ws)
    eng.start()
    yield eng
    with qtbot.waitSignal(eng.sig_shutdown_finished, timeout=20_000):
        eng.shutdown()
    ws.close()


def waiter(qtbot: QtBot) -> Callable[..., None]:
    """qtbot.waitUntil with a default bounded timeout."""

    def wait(condition: Callable[[], object], timeout: int = 15_000) -> None:
        qtbot.waitUntil(lambda: bool(condition()), timeout=timeout)

    return wait
