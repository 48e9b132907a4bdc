"""Engine restart -> all 10 connection workers adopted and live (goal <= 2 s).

A real `python -m panel --headless` engine runs 10 Modbus workers (100 uint16 tags
each, polled every 100 ms from a simulator process whose registers change every
50 ms) with `connections.keepRunning` on. Each trial SIGKILLs the engine, starts a
new one and measures, from the moment the new engine answers (its api.json names it
and the API accepts a client), the time until every connection is connected with
the same pid, marked adopted, and every tag has a good value read after the restart.
The baseline, in the same run: the same restart with keepRunning off, where the new
engine spawns 10 fresh workers (time from answering to all live). Also reported:
the new engine's start -> answering, and start -> all live (with keepRunning off the
old workers are first seen gone, outside the timing).
"""

from __future__ import annotations

import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

from tests.benchmarks.bench_modbus import connection as modbus_connection
from tests.waiting import wait_for, wait_for_api_file

HERE = Path(__file__).resolve().parent
CONN_TESTS = HERE.parent / "integration" / "connections"

WORKERS = 10
TAGS = 100
PERIOD_MS = 100
CHURN_MS = 50
TRIALS = int(os.environ.get("BENCH_ADOPT_TRIALS", "5"))
BOUND_S = 2.0
STARTUP_S = 90.0
LIVE_S = 60.0


def _simulator(port: int) -> subprocess.Popen[bytes]:
    argv = [sys.executable, str(CONN_TESTS / "modbus_sim.py"), "--port", str(port)]
    argv += ["--registers", str(TAGS + 24), "--churn-ms", str(CHURN_MS)]
    proc = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    assert proc.stdout is not None
    if proc.stdout.readline().strip() != b"READY":
        raise RuntimeError("the Modbus simulator did not start")
    return proc


def _workspace(folder: Path, port: int, keep: bool) -> Path:
    from panel.connections.store import save_connections
    from panel.workspace.server_config import ServerConfig, demo_server_config
    from panel.workspace.workspace import Workspace

    path = folder / ("ws-keep" if keep else "ws-spawn")
    with Workspace.open(path) as ws:
        config = demo_server_config().to_json() | {"autostart": False}
        ws.save_server_config(ServerConfig.from_json(config))
        ws.set_setting("demo.devices", [])
        ws.set_setting("connections.keepRunning", keep)
        conns = [
            modbus_connection(f"w{i}", port, TAGS, PERIOD_MS, TAGS, "uint16")
            for i in range(WORKERS)
        ]
        save_connections(ws, conns)
    return path


def _engine(workspace: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "panel", "--headless", "--workspace", str(workspace)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    wait_for_api_file(workspace, proc, STARTUP_S)
    if proc.poll() is not None:
        raise RuntimeError("the engine did not start")
    return proc


def _client(workspace: Path) -> Any:
    from panel.api.client import ApiClient, EngineNotRunning

    def connect() -> Any:
        try:
            return ApiClient.from_workspace(workspace)
        except (EngineNotRunning, OSError):
            return None

    return wait_for(connect, STARTUP_S, "the engine's API")


def _live(client: Any, since: float, pids: dict[str, int] | None) -> dict[str, int] | None:
    """conn id -> pid once every connection is connected (adopted with the same pids when
    `pids` is given) and every tag is good with a value read after `since`."""
    listed = {c["id"]: c for c in client.call("conns.list")["connections"]}
    if len(listed) != WORKERS:
        return None
    for conn_id, conn in listed.items():
        if conn["state"] != "connected" or not conn["pid"]:
            return None
        if pids is not None and (conn["pid"] != pids[conn_id] or not conn["adopted"]):
            return None
    for conn_id in listed:
        tags = client.call("conns.tags", {"id": conn_id})["tags"]
        if not all(t["quality"] == "good" and (t["timestamp"] or 0) > since for t in tags):
            return None
    return {conn_id: int(conn["pid"]) for conn_id, conn in listed.items()}


def _restart(workspace: Path, engine: subprocess.Popen[bytes], keep: bool) -> tuple[Any, ...]:
    """SIGKILL `engine`, start another; (new engine, s from its start to answering, s from
    answering to live)."""
    client = _client(workspace)
    try:
        pids = wait_for(lambda: _live(client, 0.0, None), LIVE_S, "all workers live")
    finally:
        client.close()
    engine.send_signal(signal.SIGKILL)
    engine.wait()
    if not keep:  # the old workers are gone (reaper, parent-death signal)
        wait_for(
            lambda: not any(psutil.pid_exists(p) and _running(p) for p in pids.values()),
            10.0,
            "the old workers gone",
        )
    started = time.monotonic()
    new = _engine(workspace)
    client = _client(workspace)
    answered = time.monotonic()
    since = time.time()
    try:
        wait_for(
            lambda: _live(client, since, pids if keep else None), LIVE_S, "all workers live again"
        )
    finally:
        client.close()
    return new, answered - started, time.monotonic() - answered


def _running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def _stats(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "median_s": round(statistics.median(values), 3),
        "max_s": round(max(values), 3),
    }


def _trials(folder: Path, port: int, keep: bool, trials: int) -> dict[str, Any]:
    workspace = _workspace(folder, port, keep)
    engine = _engine(workspace)
    answer_s: list[float] = []
    live_s: list[float] = []
    try:
        for _ in range(trials):
            engine, answered, live = _restart(workspace, engine, keep)
            answer_s.append(answered)
            live_s.append(live)
    finally:
        _stop(engine)
    total = [a + b for a, b in zip(answer_s, live_s, strict=True)]
    return {
        "start_to_answering": _stats(answer_s),
        "answering_to_live": _stats(live_s),
        "start_to_live": _stats(total),
    }


def run() -> dict[str, Any]:
    from panel.util.ports import ephemeral_port

    port = ephemeral_port()
    sim = _simulator(port)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-adopt-") as tmp:
            folder = Path(tmp)
            adopted = _trials(folder, port, True, TRIALS)
            spawned = _trials(folder, port, False, max(1, TRIALS // 2))
    finally:
        with contextlib.suppress(OSError):
            sim.terminate()
        sim.wait(10)
    worst = adopted["answering_to_live"]["max_s"]
    return {
        "workers": WORKERS,
        "tags_per_worker": TAGS,
        "adopted": adopted,
        "baseline_spawned": spawned,
        "bound_s": BOUND_S,
        "within_bound": worst <= BOUND_S,
    }
