"""A group worker (`--group NAME`) runs each member connection as its own worker in one
process: messages carry the member's id, and a command for one member touches only it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from modbus_sim import ModbusSim
from workerproc import Message, WorkerProc

StartWorker = Callable[..., WorkerProc]


def member(conn_id: str, port: int, unit: int, group: str = "line1") -> dict[str, Any]:
    return {
        "id": conn_id,
        "driver": "modbus_tcp",
        "host": "127.0.0.1",
        "port": port,
        "unitId": unit,
        "process": f"group:{group}",
        "reconnectMinMs": 100,
        "reconnectMaxMs": 400,
        "blocks": [{"name": "hr", "start": 0, "count": 4, "periodMs": 50, "tags": tags(unit)}],
    }


def tags(unit: int, count: int = 1) -> list[dict[str, Any]]:
    return [{"name": f"u{unit}_{i}", "offset": i} for i in range(count)]


def of(conn_id: str, kind: str, state: str | None = None) -> Callable[[Message], bool]:
    def match(message: Message) -> bool:
        return (
            message.get("c") == conn_id
            and message.get("t") == kind
            and (state is None or message.get("state") == state)
        )

    return match


def write(path: Path, items: list[dict[str, Any]]) -> None:
    path.write_text(json.dumps({"connections": items}))


def test_members_run_side_by_side_and_one_reload_touches_only_it(
    tmp_path: Path, modbus_sim: ModbusSim, start_worker: StartWorker
) -> None:
    modbus_sim.set("holding", 0, [7, 8])
    config = tmp_path / "group.json"
    alone = {**member("alone", modbus_sim.port, 9), "process": "own"}
    items = [member("a", modbus_sim.port, 1), member("b", modbus_sim.port, 2), alone]
    write(config, items)
    worker = start_worker(None, "--group", "line1", "--config-json", str(config))
    for conn_id in ("a", "b"):
        worker.wait_for(of(conn_id, "state", "EXECUTE"))
    _, first = worker.wait_for(lambda m: m.get("c") == "b" and bool(m.get("values")))
    assert {v["name"] for v in first["values"]} == {"u2_0"}, "each member its own tags"
    assert modbus_sim.connections == 2, "one socket per member; 'alone' is not in the group"
    assert not any(m.get("c") == "alone" for m in worker.messages)

    items[0]["blocks"][0]["tags"] = tags(1, 2)  # a's tags change; b's do not
    write(config, items)
    mark = len(worker.messages)
    worker.send({"cmd": "reload", "c": "a"})
    worker.wait_tag("u1_1", lambda e: e["value"] == 8, start=mark)
    since = worker.messages[mark:]
    assert not any(m.get("c") == "b" and m.get("t") == "state" for m in since), "b untouched"
    assert not any(m.get("t") == "state" and m.get("state") == "CONNECT" for m in since)
    assert modbus_sim.total_connections == 2, "no member reconnected"

    items[1]["unitId"] = 5  # b's endpoint changes: b alone restarts, in place
    write(config, items)
    mark = len(worker.messages)
    worker.send({"cmd": "reload", "c": "b"})
    worker.wait_for(of("b", "state", "EXECUTE"), start=mark)
    since = worker.messages[mark:]
    assert any(of("b", "state", "STOPPED")(m) for m in since)
    assert not any(m.get("c") == "a" and m.get("t") == "state" for m in since), "a untouched"
    assert worker.proc.poll() is None, "the group process goes on"

    mark = len(worker.messages)
    worker.send({"cmd": "stop", "c": "b"})  # b leaves the group
    worker.wait_for(of("b", "state", "STOPPED"), start=mark)
    worker.send({"cmd": "write", "c": "b", "id": "w1", "values": {"u5_0": 1}})
    _, answer = worker.wait_for(of("b", "written"), start=mark)
    assert answer["outcome"] == "failed" and "does not run in group 'line1'" in answer["error"]

    worker.send({"cmd": "stop"})
    assert worker.proc.wait(10) == 0
    _, end = worker.wait_for(lambda m: m.get("t") == "state" and "c" not in m)
    assert end == {"t": "state", "state": "STOPPED", "exitCode": 0}


def test_a_bad_member_is_an_error_of_its_own(
    tmp_path: Path, modbus_sim: ModbusSim, start_worker: StartWorker
) -> None:
    config = tmp_path / "group.json"
    bad = member("bad", modbus_sim.port, 2)
    bad["blocks"][0]["count"] = 0
    write(config, [member("good", modbus_sim.port, 1), bad])
    worker = start_worker(None, "--group", "line1", "--config-json", str(config))
    _, error = worker.wait_for(of("bad", "state", "ERROR"))
    assert "$.blocks[0].count" in error["reason"]
    worker.wait_for(of("good", "state", "EXECUTE"))
