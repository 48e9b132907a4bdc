"""`ConfigSource`: a worker reads the connections it runs from the workspace database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from panel.connections.store import save_connections
from panel.connections.worker.source import ConfigSource
from panel.workspace.workspace import Workspace


def _modbus(conn_id: str, port: int, process: str | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"id": conn_id, "driver": "modbus_tcp", "host": "127.0.0.1"}
    item |= {"port": port, "blocks": []}
    return item if process is None else item | {"process": process}


def test_a_worker_gets_its_own_connection_and_a_group_its_members(tmp_path: Path) -> None:
    items = [_modbus(f"c{i}", 1000 + i, "group:g" if i % 3 == 0 else None) for i in range(9)]
    with Workspace.open(tmp_path / "ws") as workspace:
        save_connections(workspace, items)
        lone = ConfigSource("c4", str(workspace.root))
        config, problems = lone.load()
        assert problems == [] and config is not None and config.port == 1004
        group = ConfigSource("", str(workspace.root))
        assert group.group_members("g") == ["c0", "c3", "c6"]
        assert group.group_members("nope") == []
        member, _ = group.load_id("c3")
        assert member is not None and member.port == 1003
        missing, problems = lone.load_id("c99")
        assert missing is None and problems == [
            f"$.connections: no connection with id 'c99' in the workspace {workspace.root}"
        ]

        save_connections(workspace, [*items[:3], _modbus("c3", 2003, "group:g"), *items[4:]])
        assert group.group_members("g") == ["c0", "c3", "c6"]
        member, _ = group.load_id("c3")
        assert member is not None and member.port == 2003, "a commit is read again"
        again, _ = group.load_id("c3")
        assert again is not None and again.port == 2003
        lone.close()
        group.close()
