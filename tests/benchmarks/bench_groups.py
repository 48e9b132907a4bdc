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
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

from tests.benchmarks.conn_fleet import (
    api,
    fleet_figures,
    headless_engine,
    modbus_connection,
    pss,
    simulators,
    wait,
)

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
        item = modbus_connection(index, ports[index % len(ports)])
        item["unitId"] = 1 + index % 247
        if group_size:
            item["process"] = f"group:g{index // group_size:03d}"
        items.append(item)
    return items


def _one_mode(ws: Path, items: list[dict[str, Any]]) -> dict[str, Any]:
    count = len(items)
    started = time.monotonic()
    with headless_engine(ws, items, stop_timeout_s=120.0) as engine, api(ws) as client:

        def all_connected() -> bool:
            listed = client.call("conns.list")["connections"]
            return sum(1 for c in listed if c["state"] == "connected") == count

        wait(all_connected, START_BOUND_S, f"{count} connections connected")
        start_all_s = time.monotonic() - started
        own = psutil.Process(engine.pid)
        own.cpu_percent()
        time.sleep(RUN_S)  # the polling being measured, not a synchronisation
        engine_cpu = own.cpu_percent()
        listed = client.call("conns.list")["connections"]
        figures = fleet_figures(engine.pid, listed, count)
        engine_pss = pss(engine.pid)
    return figures | {
        "start_all_s": round(start_all_s, 2),
        "engine_cpu_percent": round(engine_cpu, 1),
        "engine_pss_mb": round(engine_pss / 2**20, 1),
    }


def run() -> dict[str, Any]:
    with simulators(SIMS) as ports, tempfile.TemporaryDirectory() as tmp:
        lone = _one_mode(Path(tmp) / "lone", _connections(BASELINE, ports, None))
        grouped = _one_mode(Path(tmp) / "grouped", _connections(CONNS, ports, GROUP_SIZE))
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
