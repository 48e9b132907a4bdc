"""Connection workers forked by a zygote vs spawned, in the same run.

N Modbus connections (`BENCH_ZYGOTE_CONNS`, default 50), each one block of 100 holding
registers (50 float32 tags) at 1 s, against one simulator process, run by a headless
engine twice: with `connections.zygote` on (forked) and off (spawned). Figures per
mode: time from the engine's start to every worker running (`launch_all_s`) and to
every connection connected (`start_all_s`), total PSS of the
workers (+ zygote) from /proc/PID/smaps_rollup after `BENCH_ZYGOTE_SECONDS` (default
20) of polling, MB per connection and the projection to 1,000 connections, missed
cycles, and the worst and median of the workers' lateness p99.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

from panel.api.client import ApiClient
from panel.connections.store import save_connections
from panel.util.ports import ephemeral_port, port_is_free
from panel.workspace.workspace import Workspace

HERE = Path(__file__).resolve().parent
SIM = HERE.parent / "integration" / "connections" / "modbus_sim.py"
CONNS = int(os.environ.get("BENCH_ZYGOTE_CONNS", "50"))
RUN_S = float(os.environ.get("BENCH_ZYGOTE_SECONDS", "20"))
START_BOUND_S = 120.0


def _connection(index: int, port: int) -> dict[str, Any]:
    tags = [{"name": f"t{i}", "offset": 2 * i, "type": "float32"} for i in range(50)]
    block = {"name": "b", "kind": "read", "area": "holding", "start": 0, "count": 100}
    return {
        "id": f"m{index:04d}",
        "driver": "modbus_tcp",
        "host": "127.0.0.1",
        "port": port,
        "unitId": 1,
        "blocks": [block | {"periodMs": 1000, "tags": tags}],
    }


def _pss(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0


def _wait(condition: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)  # the polling interval of a bounded wait
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _api(ws: Path) -> ApiClient:
    def connect() -> ApiClient | None:
        try:
            return ApiClient.from_workspace(ws)
        except Exception:
            return None

    return _wait(connect, 60.0, "the engine's API")


def _one_mode(root: Path, port: int, zygote: bool) -> dict[str, Any]:
    ws = root / ("forked" if zygote else "spawned")
    with Workspace.open(ws) as workspace:
        workspace.set_setting("demo.devices", [])
        workspace.set_setting("connections.zygote", zygote)
        workspace.set_setting("connections.keepRunning", False)
        save_connections(workspace, [_connection(i, port) for i in range(CONNS)])
    started = time.monotonic()
    engine = subprocess.Popen(
        [sys.executable, "-m", "panel", "--headless", "--workspace", str(ws)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = _api(ws)
        with client:

            def all_connected() -> list[dict[str, Any]] | None:
                listed = client.call("conns.list")["connections"]
                up = [c for c in listed if c["state"] == "connected"]
                return listed if len(up) == CONNS else None

            def all_launched() -> bool:
                listed = client.call("conns.list")["connections"]
                return sum(1 for c in listed if c.get("pid")) == CONNS

            _wait(all_launched, START_BOUND_S, f"{CONNS} workers running")
            launch_all_s = time.monotonic() - started
            _wait(all_connected, START_BOUND_S, f"{CONNS} connections connected")
            start_all_s = time.monotonic() - started
            time.sleep(RUN_S)  # the polling being measured, not a synchronisation
            listed = client.call("conns.list")["connections"]
        pids = [int(c["pid"]) for c in listed]
        helpers = [
            p.pid
            for p in psutil.Process(engine.pid).children()
            if p.cmdline()[-8:-6] == ["worker", "zygote"] and p.pid not in pids
        ]
        workers_pss = sum(_pss(pid) for pid in pids)
        zygote_pss = sum(_pss(pid) for pid in helpers)
        blocks = [c["blocks"][0] for c in listed]
        p99s = [float(b.get("latenessP99Ms") or 0.0) for b in blocks]
        total = workers_pss + zygote_pss
        per_conn = total / CONNS / 2**20
        return {
            "connections": CONNS,
            "launch_all_s": round(launch_all_s, 2),
            "start_all_s": round(start_all_s, 2),
            "pss_total_mb": round(total / 2**20, 1),
            "pss_zygote_mb": round(zygote_pss / 2**20, 1),
            "mb_per_connection": round(per_conn, 2),
            "projected_1000_mb": round(per_conn * 1000),
            "missed_cycles": sum(int(b.get("missed") or 0) for b in blocks),
            "lateness_p99_ms_worst": round(max(p99s), 2),
            "lateness_p99_ms_median": round(statistics.median(p99s), 2),
        }
    finally:
        engine.terminate()
        try:
            engine.wait(60)
        except subprocess.TimeoutExpired:
            engine.kill()
            engine.wait()


def run() -> dict[str, Any]:
    port = ephemeral_port()
    sim = subprocess.Popen(
        [sys.executable, str(SIM), "--port", str(port), "--registers", "200"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(lambda: not port_is_free(port), 30.0, "the simulator listening")
        with tempfile.TemporaryDirectory() as tmp:
            spawned = _one_mode(Path(tmp), port, zygote=False)
            forked = _one_mode(Path(tmp), port, zygote=True)
    finally:
        sim.terminate()
        sim.wait(10)
    ratio = forked["mb_per_connection"] / spawned["mb_per_connection"]
    return {"spawned": spawned, "forked": forked, "pss_ratio_forked_to_spawned": round(ratio, 3)}
