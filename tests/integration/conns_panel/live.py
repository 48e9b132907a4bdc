"""A headless engine with the demo Modbus device, the demo server and connections to the
device, plus what a user checks while changing it live: pids, events, tag timestamps."""

from __future__ import annotations

import itertools
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from panel.api.client import ApiClient
from panel.connections.store import save_connections
from panel.demo.config import DEVICES_KEY, demo_devices
from panel.util.ports import ephemeral_port
from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.workspace import Workspace
from tests.waiting import wait_for

PANEL = (sys.executable, "-m", "panel")
LIVE_S = 45.0
"""Bound for the engine, its server, the device and every worker to be up (busy 2 cores)."""


Connections = Callable[[int], list[dict[str, Any]]]
"""The connections of a workspace, given the demo device's port."""


def prepare(path: Path, connections: Connections | None = None) -> tuple[Path, int]:
    """A workspace running the demo server (autostart, free port) and the demo Modbus
    device (free port), with `connections(device port)` (None: none stored).
    Returns (folder, device port)."""
    device_port = ephemeral_port()
    server_port = ephemeral_port()
    while server_port == device_port:
        server_port = ephemeral_port()
    with Workspace.open(path) as ws:
        cfg = demo_server_config().to_json() | {"port": server_port, "autostart": True}
        ws.save_server_config(ServerConfig.from_json(cfg))
        ws.set_setting("connections.restartDelayMs", 300)
        ws.set_setting(DEVICES_KEY, [demo_devices(device_port, ephemeral_port())[0].to_json()])
        if connections is not None:
            save_connections(ws, connections(device_port))
    return path, device_port


def run(*args: str, timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
    """`opspanel ARGS...` as a real subprocess."""
    return subprocess.run([*PANEL, *args], capture_output=True, text=True, timeout=timeout)


def ctl(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`opspanel --workspace WS ctl ARGS...`."""
    return run("--workspace", str(ws), "ctl", *args, timeout=90.0)


def ctl_json(ws: Path, *args: str) -> Any:
    done = ctl(ws, *args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def conns(ws: Path) -> dict[str, dict[str, Any]]:
    """Every connection's snapshot by id, as `ctl conns list --json` shows it."""
    return {c["id"]: c for c in ctl_json(ws, "conns", "list")["connections"]}


def wait_connected(ws: Path, *ids: str) -> dict[str, dict[str, Any]]:
    """Wait until every connection of `ids` is connected with a worker pid; the list then."""

    def check() -> dict[str, dict[str, Any]] | None:
        now = conns(ws)
        ready = all(i in now and now[i]["state"] == "connected" and now[i]["pid"] for i in ids)
        return now if ready else None

    return wait_for(check, LIVE_S, f"{ids} connected")


def other_pids(ws: Path) -> dict[str, int]:
    """The pids that a connection change must not touch: the server and the demo device."""
    status = ctl_json(ws, "status")
    pids = {"server": status["server"]["pid"]}
    pids |= {f"demo:{d['name']}": d["pid"] for d in status["demo"]}
    assert all(pids.values()), pids
    return pids


def wait_server_running(ws: Path) -> None:
    wait_for(
        lambda: ctl_json(ws, "server", "status")["status"] == "running", LIVE_S, "server running"
    )


def events_client(ws: Path) -> ApiClient:
    """An API client subscribed to every system event."""
    client = ApiClient.from_workspace(ws)
    client.call("conns.subscribeEvents", {})
    return client


def take_events(client: ApiClient, count: int, timeout: float = 30.0) -> list[dict[str, Any]]:
    """The next `count` `conns.event` notifications (fails when they do not come)."""
    got: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while len(got) < count:
        left = deadline - time.monotonic()
        assert left > 0, f"only {len(got)} of {count} system events came: {got}"
        for note in client.notifications(timeout=left):
            if note.get("method") == "conns.event":
                got.append(note["params"])
                break
    return got


def no_more_events(client: ApiClient, quiet_s: float = 1.0) -> list[dict[str, Any]]:
    """Events that arrive within `quiet_s` (a bounded look for unexpected extras)."""
    extra = []
    for note in client.notifications(timeout=quiet_s):
        if note.get("method") == "conns.event":
            extra.append(note["params"])
    return extra


def cycle_ms(client: ApiClient, conn_id: str, tag: str, after: float, n: int = 6) -> float:
    """The median time between successive new source timestamps of `tag` (a value the
    device changes every 200 ms, so every read of its block brings a new one), from
    `conns.tags` notifications of readings taken after the wall time `after`."""
    stamps: list[float] = []
    deadline = time.monotonic() + 30.0
    for note in client.notifications(timeout=10.0):
        if note.get("method") == "conns.tags" and note["params"].get("id") == conn_id:
            for value in note["params"]["values"]:
                ts = value.get("ts")
                if value["name"] != tag or value.get("quality") != "good" or not ts:
                    continue
                if ts > after and (not stamps or ts > stamps[-1]):
                    stamps.append(float(ts))
        if len(stamps) > n or time.monotonic() > deadline:
            break
    assert len(stamps) > n, f"only {len(stamps)} readings of {conn_id}.{tag}"
    gaps = [b - a for a, b in itertools.pairwise(stamps[1:])]  # the first may straddle a change
    return statistics.median(gaps) * 1000.0


def panel_log(ws: Path) -> str:
    """The engine's own recent log lines (source `panel`)."""
    done = ctl(ws, "logs", "--source", "panel", "-n", "400")
    assert done.returncode == 0, done.stderr
    return done.stdout
