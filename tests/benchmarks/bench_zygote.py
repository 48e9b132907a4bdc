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
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.benchmarks.conn_fleet import (
    api,
    fleet_figures,
    headless_engine,
    modbus_connection,
    simulators,
    wait,
)

CONNS = int(os.environ.get("BENCH_ZYGOTE_CONNS", "50"))
RUN_S = float(os.environ.get("BENCH_ZYGOTE_SECONDS", "20"))
START_BOUND_S = 120.0


def _one_mode(root: Path, port: int, zygote: bool) -> dict[str, Any]:
    ws = root / ("forked" if zygote else "spawned")
    items = [modbus_connection(i, port) for i in range(CONNS)]
    started = time.monotonic()
    with headless_engine(ws, items, zygote=zygote) as engine, api(ws) as client:

        def count(what: str) -> int:
            listed = client.call("conns.list")["connections"]
            if what == "pid":
                return sum(1 for c in listed if c.get("pid"))
            return sum(1 for c in listed if c["state"] == "connected")

        wait(lambda: count("pid") == CONNS, START_BOUND_S, f"{CONNS} workers running")
        launch_all_s = time.monotonic() - started
        wait(lambda: count("up") == CONNS, START_BOUND_S, f"{CONNS} connections connected")
        start_all_s = time.monotonic() - started
        time.sleep(RUN_S)  # the polling being measured, not a synchronisation
        listed = client.call("conns.list")["connections"]
        figures = fleet_figures(engine.pid, listed, CONNS)
    times = {"launch_all_s": round(launch_all_s, 2), "start_all_s": round(start_all_s, 2)}
    return times | figures


def run() -> dict[str, Any]:
    with simulators(1) as ports, tempfile.TemporaryDirectory() as tmp:
        spawned = _one_mode(Path(tmp), ports[0], zygote=False)
        forked = _one_mode(Path(tmp), ports[0], zygote=True)
    ratio = forked["mb_per_connection"] / spawned["mb_per_connection"]
    return {"spawned": spawned, "forked": forked, "pss_ratio_forked_to_spawned": round(ratio, 3)}
