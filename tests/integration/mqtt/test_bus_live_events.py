"""`opspanel import` and `ctl conns update|add` against a running headless engine: an
independent MQTT subscriber on `<base>/system/#` sees each system event once, in order."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from panel.demo.config import modbus_connection
from tests.integration.engine.conftest import HeadlessEngine, ctl
from tests.integration.mqtt.bus import Received, Subscriber, bus_workspace, embedded_credentials
from tests.waiting import wait_for

BASE = "opspanel/ws"
CONN = "demo-modbus"
TIMEOUT_S = 30.0


def _panel(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "panel", "--workspace", str(ws), *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120)


def _events(sub: Subscriber) -> list[Received]:
    return [m for m in list(sub.messages) if m.topic.startswith(f"{BASE}/system/")]


def _wait_events(sub: Subscriber, count: int, what: str) -> list[Received]:
    return wait_for(lambda: (e := _events(sub)) and len(e) >= count and e, TIMEOUT_S, what)


def _summary(messages: list[Received]) -> list[tuple[Any, ...]]:
    out = []
    for m in messages:
        body = m.json()
        out.append((m.topic, body["kind"], body["id"], body["source"], body.get("change")))
    return out


def test_import_and_ctl_edits_reach_the_bus_once_each_in_order(
    tmp_path: Path, start_engine: Callable[[Path], HeadlessEngine], modbus_port: int
) -> None:
    ws = bus_workspace(tmp_path / "ws", modbus_port, {"embedded": True})
    start_engine(ws)
    sub = Subscriber(*embedded_credentials(ws))
    try:
        sub.subscribe(f"{BASE}/system/#", qos=1)
        sub.subscribe(f"{BASE}/{CONN}/$state")
        sub.wait(
            f"{BASE}/{CONN}/$state",
            TIMEOUT_S,
            "the worker in EXECUTE",
            lambda m: m.json()["state"] == "EXECUTE",
        )

        exported = _panel(ws, "export", "-")
        assert exported.returncode == 0, exported.stderr
        data = json.loads(exported.stdout)
        data["connections"][0]["blocks"][0]["periodMs"] = 1000
        file = tmp_path / "config.json"
        file.write_text(json.dumps(data))
        imported = _panel(ws, "import", str(file))
        assert imported.returncode == 0, imported.stderr
        assert "running engine" in imported.stdout, imported.stdout
        _wait_events(sub, 1, "the import's event")

        changed = copy.deepcopy(data["connections"][0])
        changed["host"] = "localhost"
        edit = tmp_path / "demo.json"
        edit.write_text(json.dumps(changed))
        updated = ctl(ws, "conns", "update", CONN, str(edit))
        assert updated.returncode == 0, updated.stderr
        _wait_events(sub, 2, "the update's event")

        # a third edit: once its event is in, a duplicate of the first two would be too
        added = modbus_connection(modbus_port)
        added["id"] = "plc3"
        file = tmp_path / "plc3.json"
        file.write_text(json.dumps(added))
        done = ctl(ws, "conns", "add", str(file))
        assert done.returncode == 0, done.stderr
        seen = _wait_events(sub, 3, "the add's event")
        assert _summary(seen) == [
            (f"{BASE}/system/{CONN}/config_reload", "config_reload", CONN, "import", "blocks"),
            (f"{BASE}/system/{CONN}/config_reload", "config_reload", CONN, "api", "endpoint"),
            (f"{BASE}/system/supervisor/conn_added", "conn_added", "plc3", "api", None),
        ]
        assert [m.json()["seq"] for m in seen] == sorted(m.json()["seq"] for m in seen)
        assert not any(m.retain for m in seen)
    finally:
        sub.close()
