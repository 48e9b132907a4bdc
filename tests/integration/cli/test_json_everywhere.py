"""Every `opspanel ctl` command takes `--json` and prints valid JSON: the parser tree is
walked for its leaves, and each one runs as a real subprocess against a real headless
engine (a live Modbus simulator, a job holding a dataset, a session, the server)."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from panel.api import ctl
from panel.connections.store import save_connections
from panel.util.ports import ephemeral_port
from panel.workspace.service_config import ServiceConfig
from panel.workspace.workspace import Workspace
from tests.integration.conns_panel.conftest import modbus_connection
from tests.integration.engine.conftest import demo_config
from tests.integration.jobs.test_headless import prepare
from tests.integration.sessions.engine_proc import EngineProc
from tests.waiting import wait_for

sys.path.insert(0, str(Path(__file__).parents[1] / "connections"))

from modbus_sim import ModbusSim

JSON_LINES = {"logs", "conns events"}
"""Leaves that print one JSON object per line (they follow a stream)."""


def leaves(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> dict[str, Any]:
    """{"conns write": its parser, ...}: every command that runs something."""
    found: dict[str, Any] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found |= leaves(child, (*path, name))
    if not found and path:
        found[" ".join(path)] = parser
    return found


def test_every_leaf_of_the_tree_accepts_json() -> None:
    tree = leaves(ctl.parser())
    assert len(tree) >= 35  # the walk found the tree, not an empty shell
    without = [name for name, p in tree.items() if "--json" not in p._option_string_actions]
    assert without == []


@pytest.fixture
def sim(free_port: int) -> Iterator[ModbusSim]:
    device = ModbusSim(free_port).start()
    yield device
    device.close()


def _ctl(ws: Path, *argv: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "panel", "ctl", "--workspace", str(ws), *argv],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _blocker(started: Path, go_on: Path) -> list[str]:
    script = (
        "import os, time\n"
        f"open({str(started)!r}, 'w').write(str(os.getpid()))\n"
        f"while not os.path.exists({str(go_on)!r}):\n"
        "    time.sleep(0.01)\n"
    )
    return [sys.executable, "-c", script]


def test_every_leaf_prints_valid_json(tmp_path: Path, sim: ModbusSim) -> None:
    ws, data = tmp_path / "ws", tmp_path / "raw"
    data.mkdir()
    started, go_on = tmp_path / "started", tmp_path / "go-on"
    prepare(
        ws,
        [
            {"id": "quick", "command": [sys.executable, "-c", "pass"]},
            {
                "id": "holder",
                "command": _blocker(started, go_on),
                "datasets": {"raw": {"path": str(data), "mode": "exclusive"}},
            },
        ],
    )
    with Workspace.open(ws) as workspace:
        server = demo_config(ephemeral_port(), autostart=False)  # `server` is a service too
        workspace.save_server_config(server)
        workspace.save_services([ServiceConfig.from_server(server)])
        workspace.set_setting("demo.devices", [])
        save_connections(workspace, [modbus_connection("plc1", sim.port)])
    plc2 = tmp_path / "plc2.json"
    plc2.write_text(json.dumps(modbus_connection("plc2", sim.port)))
    engine = EngineProc(ws)
    ran: dict[str, Any] = {}

    def run(leaf: str, *argv: str, stdin: str | None = None) -> Any:
        done = _ctl(ws, *leaf.split(), "--json", *argv, stdin=stdin)
        assert done.returncode == 0, f"{leaf}: {done.stderr}"
        if leaf in JSON_LINES:
            parsed: Any = [json.loads(line) for line in done.stdout.splitlines()]
            assert parsed, f"{leaf} printed nothing"
        else:
            parsed = json.loads(done.stdout)
        ran[leaf] = parsed
        return parsed

    try:
        run("status")
        for action in ("start", "restart", "stop"):
            run(f"server {action}", "--wait")
        run("server status")
        run("logs", "-n", "5")

        follow = ["conns", "events", "plc2", "--count", "1", "--json"]
        events = subprocess.Popen(
            [sys.executable, "-m", "panel", "ctl", "--workspace", str(ws), *follow],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert events.stderr is not None
        assert "following system events" in events.stderr.readline()  # subscribed
        run("conns list")
        run("conns stop", "plc1", "--wait")
        run("conns start", "plc1", "--wait")
        run("conns restart", "plc1", "--wait")
        wait_for(
            lambda: all(t["quality"] == "good" for t in run("conns tags", "plc1")), 30, "values"
        )
        run("conns write", "plc1", "setpoint", "5")
        run("conns config", "plc1")
        run("conns add", str(plc2))
        stdout, _ = events.communicate(timeout=60)
        assert [json.loads(line)["kind"] for line in stdout.splitlines()] == ["conn_added"]
        ran["conns events"] = stdout
        run("conns update", "plc2", str(plc2))
        run("conns remove", "plc2")
        run("mqtt status")

        run("jobs list")
        run("jobs status")
        run("jobs run", "quick", "--wait")
        holder = run("jobs run", "holder")["id"]
        wait_for(started.exists, 30, "the holder job to start")
        wait_for(lambda: run("datasets list"), 15, "the allocation")
        run("datasets release", "raw", "--force")
        assert run("jobs cancel", str(holder)) == {"run": holder, "cancelled": True}
        run("jobs history")
        run("jobs watch")

        sid = run("sessions create")["sessionId"]
        run("sessions exec", sid, "--", "echo", "hi")
        run("sessions write", sid, "a.txt", stdin="x")
        run("sessions read", sid, "a.txt")
        run("sessions list")
        assert run("sessions close", sid) == {"sessionId": sid, "closed": True}

        run("services list")
        run("services status", "server")
        run("services start", "server", "--wait")
        run("services restart", "server", "--wait")
        run("services stop", "--all", "--wait")
    finally:
        go_on.write_text("")
        engine.stop()
    assert sorted(ran) == sorted(leaves(ctl.parser()))  # a new command is added here too
