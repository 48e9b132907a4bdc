"""`opspanel conns load-csv DIR`: straight into the database without an engine; through
the running engine (applied at once, an event per change) with one; a bad file is named
by file, line and column and changes nothing."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from live import (
    conns,
    ctl_json,
    events_client,
    no_more_events,
    other_pids,
    prepare,
    run,
    take_events,
    wait_connected,
    wait_server_running,
)

from panel.workspace.workspace import Workspace

engine_conftest = __import__("importlib").import_module("tests.integration.engine.conftest")
start_engine = engine_conftest.start_engine


def csv_folder(path: Path, port: int, periods: dict[str, int], offset: int = 4) -> Path:
    """connections.csv, blocks.csv and tags.csv: one counter tag per connection."""
    path.mkdir()
    ids = list(periods)
    rows = [f"{i},modbus_tcp,127.0.0.1,{port},100,500" for i in ids]
    (path / "connections.csv").write_text(
        "id,driver,host,port,reconnectMinMs,reconnectMaxMs\n" + "\n".join(rows) + "\n"
    )
    rows = [f"{i},process,read,holding,0,6,{periods[i]}" for i in ids]
    (path / "blocks.csv").write_text(
        "connection,name,kind,area,start,count,periodMs\n" + "\n".join(rows) + "\n"
    )
    rows = [f"{i},process,counter,{offset},int16" for i in ids]
    (path / "tags.csv").write_text("connection,block,name,offset,type\n" + "\n".join(rows) + "\n")
    return path


def load(ws: Path, folder: Path) -> Any:
    return run("--workspace", str(ws), "conns", "load-csv", str(folder))


def test_load_csv_without_and_with_a_running_engine(
    tmp_path: Path, start_engine: Callable[[Path], Any]
) -> None:
    ws, port = prepare(tmp_path / "ws")
    first = load(ws, csv_folder(tmp_path / "a", port, {"plc1": 500, "plc2": 500}))
    assert first.returncode == 0, first.stderr
    assert "loaded 2 connection(s) into" in first.stdout and "running" not in first.stdout
    with Workspace.open(ws) as w:
        assert [c["id"] for c in w.config_section("connections")] == ["plc1", "plc2"]

    start_engine(ws)
    wait_server_running(ws)
    pids = {i: c["pid"] for i, c in wait_connected(ws, "plc1", "plc2").items()}
    untouched = other_pids(ws)
    events = events_client(ws)
    try:
        bad = csv_folder(tmp_path / "b", port, {"plc1": 500, "plc2": 250}, offset=9)
        refused = load(ws, bad)
        assert refused.returncode == 2, refused.stdout
        line = refused.stderr.splitlines()[0]
        assert line.startswith(f"{bad / 'tags.csv'}:2: column offset: "), refused.stderr
        assert "Traceback" not in refused.stderr
        assert no_more_events(events) == []  # nothing changed
        assert [c["id"] for c in ctl_json(ws, "conns", "list")["connections"]] == ["plc1", "plc2"]
        assert {i: c["pid"] for i, c in conns(ws).items()} == pids
        assert ctl_json(ws, "conns", "list")["connections"][1]["blocks"][0]["periodMs"] == 500

        good = csv_folder(tmp_path / "c", port, {"plc1": 500, "plc2": 1000, "plc3": 500})
        loaded = load(ws, good)
        assert loaded.returncode == 0, loaded.stderr
        assert "into the running engine" in loaded.stdout and "plc1, plc2, plc3" in loaded.stdout
        got = [(e["kind"], e["id"], e["source"], e.get("change")) for e in take_events(events, 2)]
        assert got == [
            ("config_reload", "plc2", "csv", "blocks"),
            ("conn_added", "plc3", "csv", None),
        ]
        assert no_more_events(events) == []
        now = wait_connected(ws, "plc1", "plc2", "plc3")
        assert (now["plc1"]["pid"], now["plc2"]["pid"]) == (pids["plc1"], pids["plc2"])
        assert now["plc2"]["blocks"][0]["periodMs"] == 1000
        assert other_pids(ws) == untouched
    finally:
        events.close()
