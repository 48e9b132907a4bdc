"""Every change is pushed, from every source: `opspanel import`, `ctl conns update|add|
remove` and `opspanel conns load-csv` against a real headless engine polling the demo
Modbus device. Each change reaches the running workers at once (a block edit in the
same worker, an address edit by a restart), an API subscriber and `ctl conns events`
see one system event per change, in order, and nothing else is touched: the server,
the demo device and the other connections keep their pids."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).parent))

from live import (
    PANEL,
    conns,
    ctl,
    cycle_ms,
    events_client,
    no_more_events,
    other_pids,
    panel_log,
    prepare,
    run,
    take_events,
    wait_connected,
    wait_server_running,
)

from panel.api.client import ApiClient
from panel.demo.config import modbus_connection
from tests.waiting import wait_for

engine_conftest = __import__("importlib").import_module("tests.integration.engine.conftest")
HeadlessEngine = engine_conftest.HeadlessEngine
start_engine = engine_conftest.start_engine

DEMO = "demo-modbus"


def second_connection(port: int, conn_id: str = "plc2") -> dict[str, Any]:
    """Another connection to the same device: its alarms block only."""
    data = modbus_connection(port)
    data["id"] = conn_id
    data["blocks"] = [b for b in data["blocks"] if b["name"] == "alarms"]
    return data


def summary(events: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(e["kind"], e["id"], e["source"], e.get("change")) for e in events]


def follow_events(ws: Path, count: int) -> subprocess.Popen[str]:
    """`ctl conns events --json --count N`, started and subscribed (its stderr says so)."""
    proc = subprocess.Popen(
        [*PANEL, "--workspace", str(ws), "ctl", "conns", "events", "--json", "--count", str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    first = proc.stderr.readline()  # blocks until subscribed (or the command failed)
    assert "following system events" in first, first + proc.stderr.read()
    return proc


def test_import_and_ctl_edits_apply_live_with_one_event_each(
    tmp_path: Path, start_engine: Callable[[Path], Any]
) -> None:
    ws, port = prepare(tmp_path / "ws", lambda p: [modbus_connection(p), second_connection(p)])
    start_engine(ws)
    wait_server_running(ws)
    before = wait_connected(ws, DEMO, "plc2")
    demo_pid, plc2_pid = before[DEMO]["pid"], before["plc2"]["pid"]
    untouched = other_pids(ws)
    events = events_client(ws)
    follower = follow_events(ws, 4)
    tags = ApiClient.from_workspace(ws)
    tags.call("conns.subscribe", {"id": DEMO})
    try:
        assert 400 <= cycle_ms(tags, DEMO, "counter", time.time()) <= 650  # 500 ms block

        # 1. `opspanel import` of an export with one block period edited: same worker.
        exported = run("--workspace", str(ws), "export", "-")
        assert exported.returncode == 0, exported.stderr
        data = json.loads(exported.stdout)
        data["connections"][0]["blocks"][0]["periodMs"] = 1000
        file = tmp_path / "config.json"
        file.write_text(json.dumps(data))
        imported = run("--workspace", str(ws), "import", str(file))
        assert imported.returncode == 0, imported.stderr
        assert "running engine" in imported.stdout and "1 changed" in imported.stdout
        assert "demo devices: stopped" not in imported.stdout, imported.stdout
        [event] = take_events(events, 1)
        assert summary([event]) == [("config_reload", DEMO, "import", "blocks")]
        assert 850 <= cycle_ms(tags, DEMO, "counter", event["ts"]) <= 1250  # measured anew
        now = conns(ws)
        assert (now[DEMO]["pid"], now["plc2"]["pid"]) == (demo_pid, plc2_pid)

        # 2. `ctl conns update` with another host (the same device): that worker restarts.
        changed = copy.deepcopy(data["connections"][0])
        changed["host"] = "localhost"
        edit = tmp_path / "demo.json"
        edit.write_text(json.dumps(changed))
        updated = ctl(ws, "conns", "update", DEMO, str(edit))
        assert updated.returncode == 0, updated.stderr
        assert summary(take_events(events, 1)) == [("config_reload", DEMO, "api", "endpoint")]
        restarted = wait_for(
            lambda: (
                (c := conns(ws))[DEMO]["pid"] not in (None, demo_pid)
                and c[DEMO]["state"] == "connected"
            ),
            45,
            "a new worker for the new host",
        )
        assert restarted
        assert not psutil.pid_exists(demo_pid) or psutil.Process(demo_pid).status() == "zombie"

        # 3. `ctl conns add` starts a worker; `ctl conns remove` stops it, tags gone.
        added = tmp_path / "plc3.json"
        added.write_text(json.dumps(second_connection(port, "plc3")))
        done = ctl(ws, "conns", "add", str(added))
        assert done.returncode == 0, done.stderr
        assert summary(take_events(events, 1)) == [("conn_added", "plc3", "api", None)]
        plc3_pid = wait_connected(ws, "plc3")["plc3"]["pid"]
        done = ctl(ws, "conns", "remove", "plc3")
        assert done.returncode == 0 and "removed plc3" in done.stdout, done.stderr
        assert summary(take_events(events, 1)) == [("conn_removed", "plc3", "api", None)]
        wait_for(lambda: not psutil.pid_exists(plc3_pid), 30, "plc3's worker gone")
        assert "plc3" not in conns(ws)
        gone = ctl(ws, "conns", "tags", "plc3")
        assert gone.returncode == 1 and "no connection" in gone.stderr

        # Each event once, in order; the same for `ctl conns events`; one log line each.
        assert no_more_events(events) == []
        out, _ = follower.communicate(timeout=30)
        assert follower.returncode == 0
        followed = [json.loads(line) for line in out.splitlines()]
        assert summary(followed) == [
            ("config_reload", DEMO, "import", "blocks"),
            ("config_reload", DEMO, "api", "endpoint"),
            ("conn_added", "plc3", "api", None),
            ("conn_removed", "plc3", "api", None),
        ]
        seqs = [e["seq"] for e in followed]
        assert seqs == list(range(seqs[0], seqs[0] + 4))
        log = panel_log(ws)
        assert f"system event {seqs[0]}: config_reload {DEMO} (blocks) from import" in log
        assert f"system event {seqs[3]}: conn_removed plc3 from api" in log

        # Nothing else was touched.
        assert conns(ws)["plc2"]["pid"] == plc2_pid
        assert other_pids(ws) == untouched
    finally:
        follower.kill()
        follower.communicate()
        events.close()
        tags.close()


def test_a_refused_update_names_the_path_and_changes_nothing(
    tmp_path: Path, start_engine: Callable[[Path], Any]
) -> None:
    ws, port = prepare(tmp_path / "ws", lambda p: [second_connection(p)])
    start_engine(ws)
    bad = second_connection(port)
    bad["blocks"][0]["count"] = 0
    file = tmp_path / "bad.json"
    file.write_text(json.dumps(bad))
    refused = ctl(ws, "conns", "update", "plc2", str(file))
    assert refused.returncode == 1, refused.stdout
    assert f"{file}: $.blocks[0].count: 0 must be >= 1" in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr

    file.write_text("{ nope")
    broken = ctl(ws, "conns", "add", str(file))
    assert broken.returncode == 2
    assert f"{file}: invalid JSON at line 1 column 3" in broken.stderr, broken.stderr

    file.write_text(json.dumps(second_connection(port, "nope")))
    unknown = ctl(ws, "conns", "update", "nope", str(file))
    assert unknown.returncode == 1 and "no connection with id 'nope'" in unknown.stderr

    shown = ctl(ws, "conns", "config", "plc2")
    assert shown.returncode == 0 and json.loads(shown.stdout) == second_connection(port)

    with ApiClient.from_workspace(ws) as api:
        methods = {m["name"]: m for m in api.call("rpc.discover")["methods"]}
    assert methods["conns.update"]["params"]["required"] == ["id", "config"]
    assert methods["conns.update"]["mutating"] is True
    assert "conns.event" in methods["conns.subscribeEvents"]["doc"]
    assert "conns.save" in methods  # the attached window's editors still use it
