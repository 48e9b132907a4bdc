"""Connection groups: many Modbus connections in a few worker processes.

N Modbus connections (`BENCH_GROUPS_CONNS`, default 1000) in groups of
`BENCH_GROUPS_SIZE` (default 50), each one block of 100 holding registers (50 float32
tags) at 1 s, against `BENCH_GROUPS_SIMS` simulator processes (default 4; the
connections take turns and each its own unit id), run by a headless engine with the
zygote on. The baseline, in the same run: `BENCH_GROUPS_BASELINE` (default 50) lone
connections, one forked worker each. Figures per mode after `BENCH_GROUPS_SECONDS`
(default 30) of polling: time from the engine's start to every connection connected,
total PSS of the workers + zygote (/proc/PID/smaps_rollup), MB per connection and the
projection to 1,000, missed cycles, the worst and median lateness p99 of the blocks,
and the engine's own CPU (over the polling) and PSS.

Bounds (issue 16, 1,000 connections in groups of 50 at 1 s): total PSS <= 1 GB, 0
missed cycles, lateness p99 <= 50 ms.
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

from panel.connections.store import save_connections
from panel.util.ports import ephemeral_port, port_is_free
from panel.workspace.workspace import Workspace
from tests.benchmarks.bench_zygote import SIM, _api, _connection, _pss, _wait

CONNS = int(os.environ.get("BENCH_GROUPS_CONNS", "1000"))
GROUP_SIZE = int(os.environ.get("BENCH_GROUPS_SIZE", "50"))
SIMS = int(os.environ.get("BENCH_GROUPS_SIMS", "4"))
BASELINE = int(os.environ.get("BENCH_GROUPS_BASELINE", "50"))
RUN_S = float(os.environ.get("BENCH_GROUPS_SECONDS", "30"))
START_BOUND_S = 300.0
BOUNDS = {"pss_total_mb": 1024.0, "missed_cycles": 0, "lateness_p99_ms_worst": 50.0}


def _connections(count: int, ports: list[int], group_size: int | None) -> list[dict[str, Any]]:
    items = []
    for index in range(count):
        item = _connection(index, ports[index % len(ports)])
        item["unitId"] = 1 + index % 247
        if group_size:
            item["process"] = f"group:g{index // group_size:03d}"
        items.append(item)
    return items


def _workers(engine: psutil.Process, pids: set[int]) -> tuple[list[int], list[int]]:
    """(worker pids, zygote pids) among the engine's descendants."""
    zygotes = [
        p.pid
        for p in engine.children()
        if p.cmdline()[-8:-6] == ["worker", "zygote"] and p.pid not in pids
    ]
    return sorted(pids), zygotes


def _one_mode(ws: Path, items: list[dict[str, Any]]) -> dict[str, Any]:
    with Workspace.open(ws) as workspace:
        workspace.set_setting("demo.devices", [])
        workspace.set_setting("connections.zygote", True)
        workspace.set_setting("connections.keepRunning", False)
        save_connections(workspace, items)
    count = len(items)
    started = time.monotonic()
    engine = subprocess.Popen(
        [sys.executable, "-m", "panel", "--headless", "--workspace", str(ws)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with _api(ws) as client:

            def all_connected() -> bool:
                listed = client.call("conns.list")["connections"]
                return sum(1 for c in listed if c["state"] == "connected") == count

            _wait(all_connected, START_BOUND_S, f"{count} connections connected")
            start_all_s = time.monotonic() - started
            own = psutil.Process(engine.pid)
            own.cpu_percent()
            time.sleep(RUN_S)  # the polling being measured, not a synchronisation
            engine_cpu = own.cpu_percent()
            listed = client.call("conns.list")["connections"]
        pids, zygotes = _workers(psutil.Process(engine.pid), {int(c["pid"]) for c in listed})
        workers_pss = sum(_pss(pid) for pid in pids)
        zygote_pss = sum(_pss(pid) for pid in zygotes)
        blocks = [c["blocks"][0] for c in listed]
        p99s = [float(b.get("latenessP99Ms") or 0.0) for b in blocks]
        total = workers_pss + zygote_pss
        per_conn = total / count / 2**20
        return {
            "connections": count,
            "processes": len(pids),
            "start_all_s": round(start_all_s, 2),
            "pss_total_mb": round(total / 2**20, 1),
            "pss_zygote_mb": round(zygote_pss / 2**20, 1),
            "engine_cpu_percent": round(engine_cpu, 1),
            "engine_pss_mb": round(_pss(engine.pid) / 2**20, 1),
            "mb_per_connection": round(per_conn, 3),
            "projected_1000_mb": round(per_conn * 1000),
            "cycles": sum(int(b.get("cycles") or 0) for b in blocks),
            "missed_cycles": sum(int(b.get("missed") or 0) for b in blocks),
            "lateness_p99_ms_worst": round(max(p99s), 2),
            "lateness_p99_ms_median": round(statistics.median(p99s), 2),
        }
    finally:
        engine.terminate()
        try:
            engine.wait(120)
        except subprocess.TimeoutExpired:
            engine.kill()
            engine.wait()


def _start_sims() -> tuple[list[int], list[subprocess.Popen[bytes]]]:
    ports, sims = [], []
    for _ in range(SIMS):
        port = ephemeral_port()
        sims.append(
            subprocess.Popen(
                [sys.executable, str(SIM), "--port", str(port), "--registers", "200"],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        ports.append(port)
    for port in ports:
        _wait(lambda port=port: not port_is_free(port), 30.0, f"the simulator on {port}")
    return ports, sims


def run() -> dict[str, Any]:
    ports, sims = _start_sims()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            lone = _one_mode(Path(tmp) / "lone", _connections(BASELINE, ports, None))
            grouped = _one_mode(Path(tmp) / "grouped", _connections(CONNS, ports, GROUP_SIZE))
    finally:
        for sim in sims:
            sim.terminate()
            sim.wait(10)
    ratio = grouped["mb_per_connection"] / lone["mb_per_connection"]
    met = {key: grouped[key] <= bound if CONNS >= 1000 else None for key, bound in BOUNDS.items()}
    return {
        "group_size": GROUP_SIZE,
        "simulators": SIMS,
        "grouped": grouped,
        "lone_forked_baseline": lone,
        "pss_per_connection_ratio_grouped_to_lone": round(ratio, 4),
        "bounds_1000": BOUNDS,
        "bounds_met": met,
    }
