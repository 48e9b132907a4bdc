"""A workspace at rest: connections to a device that is off, nothing else to run.

Its workers wait to retry (once a minute), nothing is polled, the demo devices are
off and the server does not start by itself: what an idle engine costs is measured
on it (tests of the engine at rest, the supervision bench).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from panel.connections.store import save_connections
from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.workspace import Workspace


def stopped_device_connection(conn_id: str, port: int) -> dict[str, Any]:
    """A Modbus connection to `port`, where nothing listens (retried once a minute)."""
    block = {"name": "hr", "area": "holding", "start": 0, "count": 2, "periodMs": 1000}
    return {
        "id": conn_id,
        "driver": "modbus_tcp",
        "host": "127.0.0.1",
        "port": port,
        "reconnectMinMs": 60_000,
        "reconnectMaxMs": 60_000,
        "blocks": [block | {"tags": [{"name": "t", "offset": 0, "type": "uint16"}]}],
    }


def resting_workspace(folder: Path, port: int, count: int) -> Path:
    """A new workspace in `folder` of `count` connections `idle0`... to `port`."""
    connections = [stopped_device_connection(f"idle{i}", port) for i in range(count)]
    return workspace_of(folder, connections)


def workspace_of(folder: Path, connections: list[dict[str, Any]]) -> Path:
    """A new workspace in `folder` with these connections and nothing else that runs by
    itself: no demo devices, a server that does not start on its own."""
    with Workspace.open(folder) as ws:
        config = demo_server_config().to_json() | {"autostart": False}
        ws.save_server_config(ServerConfig.from_json(config))
        ws.set_setting("demo.devices", [])
        save_connections(ws, connections)
    return folder
