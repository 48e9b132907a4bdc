"""OPC UA: one worker subscribing to 5,000 monitored items that all change every second.

The server (`opcua_sim.py`, asyncua, its own process) gives all 5,000 Double variables
a new value every second, each write carrying that second's source timestamp. The
worker subscribes to all of them in one subscribe block publishing at 1 s. For
`BENCH_OPCUA_SECONDS` (default 30) we count the values delivered per second on the
worker's stdout (what the panel reads) and the lag `arrival - source timestamp`; the
lag of the first third against the last third shows whether it grows (goal: it does
not). Baseline, same run, same server: a bare asyncua client in its own process with
the usual handler (`datachange_notification`, one call per item), lag measured inside
its handler.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

HERE = Path(__file__).resolve().parent
CONN_TESTS = HERE.parent / "integration" / "connections"
sys.path.insert(0, str(CONN_TESTS))

from opcua_sim import OpcUaSim  # noqa: E402
from workerproc import WorkerProc  # noqa: E402

from panel.util.ports import ephemeral_port  # noqa: E402

ITEMS = int(os.environ.get("BENCH_OPCUA_ITEMS", "5000"))
SECONDS = float(os.environ.get("BENCH_OPCUA_SECONDS", "30"))

BARE = r"""
import asyncio, json, sys, time
from asyncua import Client, ua

class Handler:
    def __init__(self):
        self.samples = []
    def datachange_notification(self, node, val, data):
        ts = data.monitored_item.Value.SourceTimestamp
        self.samples.append((time.time(), time.time() - ts.timestamp()))

async def main(url, items, seconds):
    client = Client(url, timeout=10)
    await client.connect()
    handler = Handler()
    sub = await client.create_subscription(1000, handler)
    nodes = [client.get_node(f"ns=2;s=Item{i}") for i in range(items)]
    for first in range(0, items, 1000):
        await sub.subscribe_data_change(nodes[first:first + 1000], sampling_interval=1000)
    start = time.time()
    await asyncio.sleep(seconds)
    await client.disconnect()
    print(json.dumps({"start": start, "samples": [s for s in handler.samples if s[0] >= start]}))

asyncio.run(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])))
"""


def thirds(samples: list[tuple[float, float]], start: float, seconds: float) -> dict[str, Any]:
    """Values/s and lag figures (ms), overall and for the first and last third of the run."""

    def lag(part: list[float]) -> dict[str, float]:
        if not part:
            return {}
        ordered = sorted(part)
        return {
            "mean_ms": round(statistics.fmean(ordered) * 1000, 1),
            "p50_ms": round(ordered[len(ordered) // 2] * 1000, 1),
            "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1),
        }

    third = seconds / 3
    first = [d for t, d in samples if t < start + third]
    last = [d for t, d in samples if t >= start + 2 * third]
    return {
        "values_per_s": round(len(samples) / seconds),
        "lag": lag([d for _, d in samples]),
        "lag_first_third": lag(first),
        "lag_last_third": lag(last),
    }


def worker_run(sim: OpcUaSim) -> dict[str, Any]:
    """The worker's figures, from its stdout as the panel reads it."""
    block = {
        "name": "sub",
        "kind": "subscribe",
        "periodMs": 1000,
        "tags": [{"name": f"i{i}", "node": f"ns=2;s=Item{i}"} for i in range(ITEMS)],
    }
    config = {
        "id": "ua",
        "driver": "opcua",
        "endpoint": sim.endpoint,
        "timeoutMs": 10000,
        "blocks": [block],
    }
    with tempfile.TemporaryDirectory() as tmp:
        worker = WorkerProc(config, Path(tmp), "--full-refresh-s", "3600")
        try:
            worker.wait_state("EXECUTE", 60)
            first, _ = worker.wait_for(
                lambda m: m.get("t") == "tags" and len(m["values"]) > 100, 60
            )
            process = psutil.Process(worker.pid)
            cpu0 = process.cpu_times()
            start = time.time()
            time.sleep(SECONDS)
            cpu1 = process.cpu_times()
            rss = process.memory_info().rss / 2**20
            end = len(worker.messages)
            samples = [
                (arrived, arrived - entry["ts"])
                for message, arrived in zip(
                    worker.messages[first + 1 : end], worker.arrivals[first + 1 : end], strict=True
                )
                if message.get("t") == "tags" and not message.get("full") and arrived >= start
                for entry in message["values"]
                if entry["quality"] == "good"
            ]
            dropped = max(
                (m.get("droppedTags", 0) for m in worker.messages if m.get("t") == "stats"),
                default=0,
            )
            worker.stop()
        finally:
            worker.close()
    figures = thirds(samples, start, SECONDS)
    figures["cpu_percent"] = round(
        (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / SECONDS * 100, 1
    )
    figures["rss_mb"] = round(rss, 1)
    figures["dropped_tags_messages"] = dropped
    return figures


def bare_run(sim: OpcUaSim) -> dict[str, Any]:
    """The baseline: a bare asyncua client with a per-item handler."""
    out = subprocess.run(
        [sys.executable, "-c", BARE, sim.endpoint, str(ITEMS), str(SECONDS)],
        capture_output=True,
        text=True,
        check=True,
        timeout=SECONDS + 120,
    )
    data = json.loads(out.stdout)
    return thirds([tuple(s) for s in data["samples"]], data["start"], SECONDS)


def run() -> dict[str, Any]:
    """Worker and baseline against the same server; figures in one dict."""
    sim = OpcUaSim(ephemeral_port(), "--items", str(ITEMS), "--change-ms", "1000").start(60)
    try:
        assert sim.proc is not None
        sim_process = psutil.Process(sim.proc.pid)
        cpu0 = sim_process.cpu_times()
        ours = worker_run(sim)
        cpu1 = sim_process.cpu_times()
        bare = bare_run(sim)
        sim_rss = sim_process.memory_info().rss / 2**20
    finally:
        sim.stop()
    return {
        "items": ITEMS,
        "publishing_ms": 1000,
        "changes_per_s_offered": ITEMS,
        "seconds": SECONDS,
        "worker": ours,
        "baseline_bare_asyncua_handler": bare,
        "server_rss_mb": round(sim_rss, 1),
        "server_cpu_percent_during_worker_run": round(
            (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / SECONDS * 100, 1
        ),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "goal": "values_per_s ~= items; lag_last_third not above lag_first_third",
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
