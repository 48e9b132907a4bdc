"""A worker started with `--workspace` only reads its connection from the workspace database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from modbus_sim import ModbusSim
from workerproc import WorkerProc

from panel.workspace.transfer import export_config, import_config
from panel.workspace.workspace import Workspace

StartWorker = Callable[..., WorkerProc]


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    """A workspace in tmp_path, open in this process as the panel would hold it."""
    ws = Workspace.open(tmp_path / "ws")
    yield ws
    ws.close()


def store_connections(ws: Workspace, connections: list[dict[str, Any]]) -> None:
    """Commit `connections` in one transaction, through the import path."""
    data = export_config(ws)
    data["connections"] = connections
    import_config(ws, data)


def modbus(port: int, tags: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": "plc1",
        "driver": "modbus_tcp",
        "host": "127.0.0.1",
        "port": port,
        "reconnectMinMs": 100,
        "reconnectMaxMs": 400,
        "blocks": [{"name": "hr", "start": 0, "count": 4, "periodMs": 50, "tags": tags}],
    }


def test_worker_reads_the_database_and_reloads_from_it(
    workspace: Workspace, modbus_sim: ModbusSim, start_worker: StartWorker
) -> None:
    modbus_sim.set("holding", 0, [11, 22])
    other = {"id": "other", "driver": "opcua", "endpoint": "opc.tcp://127.0.0.1:1", "blocks": []}
    store_connections(workspace, [other, modbus(modbus_sim.port, [{"name": "a", "offset": 0}])])
    worker = start_worker(None, "--conn-id", "plc1", "--workspace", str(workspace.root))
    index, _ = worker.wait_state("EXECUTE")
    worker.wait_tag("a", lambda e: e["quality"] == "good" and e["value"] == 11, start=index)

    tags = [{"name": "a", "offset": 0}, {"name": "b", "offset": 1}]
    store_connections(workspace, [other, modbus(modbus_sim.port, tags)])
    mark = len(worker.messages)
    worker.send({"cmd": "reload"})
    worker.wait_tag("b", lambda e: e["quality"] == "good" and e["value"] == 22, start=mark)
    assert "CONNECT" not in worker.states()[worker.states().index("EXECUTE") :], "applied in place"
    assert modbus_sim.total_connections == 1

    moved = modbus(modbus_sim.port + 1, tags)  # a new endpoint: the worker asks for a restart
    store_connections(workspace, [other, moved])
    worker.send({"cmd": "reload"})
    assert worker.proc.wait(10) == 75


def test_unknown_id_or_missing_database_is_an_error_not_a_crash(
    workspace: Workspace, tmp_path: Path, start_worker: StartWorker
) -> None:
    store_connections(workspace, [])
    worker = start_worker(None, "--conn-id", "nope", "--workspace", str(workspace.root))
    _, state = worker.wait_state("ERROR")
    assert "no connection with id 'nope'" in state["reason"]
    empty = tmp_path / "empty"
    empty.mkdir()
    lost = start_worker(None, "--conn-id", "plc1", "--workspace", str(empty))
    _, state = lost.wait_state("ERROR")
    assert "no workspace database" in state["reason"]
    assert list(empty.iterdir()) == [], "a worker never creates a workspace"
    assert worker.stop() == 0 and lost.stop() == 0
