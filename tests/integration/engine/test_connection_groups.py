"""Connection groups through the front door: a headless engine, real pymodbus simulators,
`ctl conns list/tags/write/update` on grouped connections.

Two connections of group `line1` share one worker process; a third has its own. A
change to one member touches only it (the other keeps its socket and its counters);
a killed group worker restarts all its connections as one and leaves the lone one
alone; after an engine SIGKILL the next engine adopts the group's worker (and a
connection removed meanwhile leaves it).
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1] / "connections"))

from modbus_sim import ModbusSim

from panel.api.client import ApiClient
from panel.connections.store import load_connections, save_connections
from panel.util.ports import ephemeral_port
from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.workspace import Workspace
from tests.ctl_output import table
from tests.integration.conns_panel.conftest import modbus_connection
from tests.integration.engine.conftest import HeadlessEngine, ctl
from tests.integration.engine.edge_parts import alive, conns, wait_answering
from tests.waiting import wait_for

LIVE_S = 30.0
StartEngine = Callable[[Path], HeadlessEngine]


def grouped(conn_id: str, port: int, unit: int) -> dict[str, Any]:
    return modbus_connection(conn_id, port, unitId=unit, process="group:line1")


def prepare(path: Path, sim: ModbusSim, solo: ModbusSim) -> Path:
    with Workspace.open(path) as ws:
        cfg = demo_server_config().to_json() | {"autostart": False}
        ws.save_server_config(ServerConfig.from_json(cfg))
        ws.set_setting("connections.restartDelayMs", 200)
        ws.set_setting("demo.devices", [])
        items = [grouped("a", sim.port, 1), grouped("b", sim.port, 2)]
        save_connections(ws, [*items, modbus_connection("solo", solo.port)])
    return path


def live(client: ApiClient) -> dict[str, dict[str, Any]] | None:
    """The `conns.list` entries once every connection is connected with good tags."""
    now = conns(client)
    for conn_id in now:
        tags = client.call("conns.tags", {"id": conn_id})["tags"]
        if now[conn_id]["state"] != "connected" or not all(t["quality"] == "good" for t in tags):
            return None
    return now


def cycles(entry: dict[str, Any]) -> int:
    return int(entry["blocks"][0]["cycles"] or 0)


def test_grouped_connections_share_a_process_and_change_one_at_a_time(
    tmp_path: Path, start_engine: StartEngine
) -> None:
    sim, solo = ModbusSim(ephemeral_port()).start(), ModbusSim(ephemeral_port()).start()
    try:
        sim.set("holding", 0, [42])
        ws = prepare(tmp_path / "ws", sim, solo)
        first = start_engine(ws)
        with ApiClient.from_workspace(ws) as client:
            before = wait_for(lambda: live(client), LIVE_S, "all three connections live")
            group_pid = before["a"]["pid"]
            assert before["b"]["pid"] == group_pid != before["solo"]["pid"]
            assert [before[c]["group"] for c in ("a", "b", "solo")] == ["line1", "line1", None]

            listing = ctl(ws, "conns", "list")
            assert listing.returncode == 0, listing.stderr
            rows = {row["ID"]: row for row in table(listing.stdout)}
            assert [rows[c]["PROCESS"] for c in ("a", "b", "solo")] == [
                "group:line1",
                "group:line1",
                "own",
            ]
            assert "one fault in a group stops all its connections" in listing.stderr
            tags = json.loads(ctl(ws, "conns", "tags", "b", "--json").stdout)
            assert next(t for t in tags if t["name"] == "speed")["value"] == 42
            wrote = ctl(ws, "conns", "write", "b", "setpoint", "-7")
            assert wrote.returncode == 0, wrote.stderr
            assert sim.get("holding", 1, 1) == [65529]
            sockets = sim.total_connections
            assert sockets == 2, "one socket per grouped connection"

            # a change to a's blocks: a reloads in place, b is not touched at all
            changed = grouped("a", sim.port, 1)
            changed["blocks"][0]["periodMs"] = 150
            path = tmp_path / "a.json"
            path.write_text(json.dumps(changed))
            b_cycles = cycles(conns(client)["b"])
            updated = ctl(ws, "conns", "update", "a", str(path))
            assert updated.returncode == 0, updated.stderr
            now = wait_for(
                lambda: (c := conns(client))["a"]["blocks"][0]["periodMs"] == 150 and c,
                10,
                "a reloaded",
            )
            assert now["a"]["pid"] == now["b"]["pid"] == group_pid
            assert cycles(now["b"]) >= b_cycles, "b's counters go on"
            assert sim.total_connections == sockets, "no connection reconnected"

            # a new unit id for a: a alone reconnects, inside the same process
            changed["unitId"] = 3
            path.write_text(json.dumps(changed))
            b_cycles = cycles(conns(client)["b"])
            assert ctl(ws, "conns", "update", "a", str(path)).returncode == 0
            wait_for(lambda: sim.total_connections == sockets + 1, 10, "a reconnected")
            now = wait_for(lambda: live(client), LIVE_S, "all live again")
            assert now["a"]["pid"] == now["b"]["pid"] == group_pid
            assert cycles(now["b"]) >= b_cycles and now["b"]["restarts"] == 0
            assert sim.total_connections == sockets + 1, "b kept its socket"

            # one fault in the group's process stops (and restarts) all its connections
            solo_pid = now["solo"]["pid"]
            os.kill(group_pid, signal.SIGKILL)

            def restarted() -> dict[str, dict[str, Any]] | None:
                now = live(client)
                return now if now and now["a"]["pid"] != group_pid else None

            after = wait_for(restarted, LIVE_S, "the group restarted")
            group_pid = after["a"]["pid"]
            assert after["b"]["pid"] == group_pid
            assert [after[c]["restarts"] for c in ("a", "b", "solo")] == [1, 1, 0]
            assert after["solo"]["pid"] == solo_pid

        # the engine dies; the group's worker outlives it and the next engine adopts it,
        # and drops b, removed from the workspace while no engine ran
        first.proc.kill()
        first.proc.wait()
        assert alive(group_pid)
        assert sim.connections == 2
        with Workspace.open(ws) as workspace:
            kept = [c for c in load_connections(workspace) if c["id"] != "b"]
            save_connections(workspace, kept)
        second = start_engine(ws)
        wait_answering(ws, second.proc.pid)
        with ApiClient.from_workspace(ws) as client:
            adopted = wait_for(lambda: live(client), LIVE_S, "adopted connections live")
            assert set(adopted) == {"a", "solo"}
            assert adopted["a"]["pid"] == group_pid
            assert adopted["a"]["adopted"] and adopted["solo"]["adopted"]
            assert adopted["a"]["restarts"] == 1, "carried on"
            wait_for(lambda: sim.connections == 1, 10, "b's socket closed by the group")
            wrote = ctl(ws, "conns", "write", "a", "setpoint", "5")
            assert wrote.returncode == 0, wrote.stderr
            assert sim.get("holding", 1, 1) == [5]
        second.proc.send_signal(signal.SIGTERM)
        assert second.proc.wait(timeout=30) == 0
        wait_for(lambda: not alive(group_pid), 10, "the group worker stopped with the engine")
    finally:
        sim.close()
        solo.close()
