"""Modbus TCP workers against a simulator in its own process.

1. Poll rate: one worker polling a block of 100 holding registers with `periodMs: 0`,
   against a bare pymodbus `AsyncModbusTcpClient` loop (its own process, same
   simulator, same run): rounds alternate, the best of each counts. Goal >= 0.9x.
2. Load: 10 workers x 1,000 float32 tags (2,000 registers each: 16 requests per cycle)
   at 100 ms for `BENCH_MODBUS_SECONDS` (default 20; the issue's scenario is 60):
   missed cycles, start lateness p50/p99/max, and each worker's RSS. Goals: zero
   missed, p99 <= 5 ms, RSS <= 60 MB. Workers read their configuration from a
   workspace database, as the panel starts them.
"""

from __future__ import annotations

import os
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

from workerproc import WorkerProc  # noqa: E402

from panel.util.ports import ephemeral_port  # noqa: E402
from panel.workspace.transfer import export_config, import_config  # noqa: E402
from panel.workspace.workspace import Workspace  # noqa: E402

ROUNDS = 3
ROUND_S = float(os.environ.get("BENCH_MODBUS_POLL_SECONDS", "4"))
LOAD_S = float(os.environ.get("BENCH_MODBUS_SECONDS", "20"))
WORKERS = 10
TAGS = 1000

BARE = r"""
import asyncio, sys, time
from pymodbus.client import AsyncModbusTcpClient

async def main(port: int, seconds: float) -> None:
    client = AsyncModbusTcpClient("127.0.0.1", port=port, retries=0)
    await client.connect()
    for _ in range(50):
        await client.read_holding_registers(0, count=100, device_id=1)
    count, end = 0, time.monotonic() + seconds
    started = time.monotonic()
    while time.monotonic() < end:
        response = await client.read_holding_registers(0, count=100, device_id=1)
        assert not response.isError()
        count += 1
    print(count / (time.monotonic() - started), flush=True)
    client.close()

asyncio.run(main(int(sys.argv[1]), float(sys.argv[2])))
"""


class Simulator:
    """`modbus_sim.py` as a process."""

    def __init__(self, registers: int) -> None:
        self.port = ephemeral_port()
        argv = [
            sys.executable,
            str(CONN_TESTS / "modbus_sim.py"),
            "--port",
            str(self.port),
            "--registers",
            str(registers),
        ]
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        assert self.proc.stdout is not None
        if self.proc.stdout.readline().strip() != b"READY":
            raise RuntimeError("the Modbus simulator did not start")

    def close(self) -> None:
        """Stop the simulator process."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self.proc.stdout.close()


def connection(
    conn_id: str, port: int, count: int, period_ms: int, tags: int, tag_type: str = "float32"
) -> dict[str, Any]:
    """A Modbus connection with one holding-register block of `tags` tags of `tag_type`."""
    width = 2 if tag_type == "float32" else 1  # registers per tag
    return {
        "id": conn_id,
        "driver": "modbus_tcp",
        "host": "127.0.0.1",
        "port": port,
        "timeoutMs": 2000,
        "blocks": [
            {
                "name": "hr",
                "area": "holding",
                "start": 0,
                "count": count,
                "periodMs": period_ms,
                "tags": [
                    {"name": f"t{i}", "offset": width * i, "type": tag_type} for i in range(tags)
                ],
            }
        ],
    }


def start_workers(folder: Path, connections: list[dict[str, Any]]) -> list[WorkerProc]:
    """Store `connections` in a workspace and start a worker for each (`--workspace`)."""
    with Workspace.open(folder / "ws") as ws:
        data = export_config(ws)
        data["connections"] = connections
        import_config(ws, data)
    return [
        WorkerProc(None, folder, "--conn-id", c["id"], "--workspace", str(folder / "ws"))
        for c in connections
    ]


def last_stats(worker: WorkerProc, start: int = 0) -> tuple[int, dict[str, Any]]:
    """The next stats message that has a block, from index `start`."""
    return worker.wait_for(lambda m: m.get("t") == "stats" and bool(m["blocks"]), 30, start)


def reloaded(worker: WorkerProc, start: int) -> int:
    """The index after the full refresh that follows a reload applied in place."""
    index, _ = worker.wait_for(lambda m: m.get("t") == "tags" and bool(m.get("full")), 30, start)
    return index + 1


def worker_rate(folder: Path, port: int) -> float:
    """Cycles per second of one worker at `periodMs: 0` over ROUND_S seconds."""
    (worker,) = start_workers(folder, [connection("poll", port, 100, 0, 0)])
    try:
        index, _ = worker.wait_state("EXECUTE", 30)
        index, _ = last_stats(worker, index + 1)
        index, first = last_stats(worker, index + 1)  # warmed up
        t0, c0 = time.monotonic(), first["blocks"][0]["cycles"]
        end = t0 + ROUND_S
        while time.monotonic() < end:
            index, _ = last_stats(worker, index + 1)
        index, last = last_stats(worker, index + 1)
        t1, c1 = time.monotonic(), last["blocks"][0]["cycles"]
        return (c1 - c0) / (t1 - t0)
    finally:
        worker.stop()


def bare_rate(port: int) -> float:
    """Reads per second of a bare pymodbus client loop over ROUND_S seconds."""
    out = subprocess.run(
        [sys.executable, "-c", BARE, str(port), str(ROUND_S)],
        capture_output=True,
        text=True,
        check=True,
        timeout=ROUND_S + 30,
    )
    return float(out.stdout.strip())


def poll_rate() -> dict[str, Any]:
    """Part 1: one worker against the bare client loop, alternating rounds."""
    sim = Simulator(200)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            bare: list[float] = []
            ours: list[float] = []
            for round_ in range(ROUNDS):
                folder = Path(tmp) / f"r{round_}"
                folder.mkdir()
                bare.append(bare_rate(sim.port))
                ours.append(worker_rate(folder, sim.port))
    finally:
        sim.close()
    return {
        "round_s": ROUND_S,
        "bare_pymodbus_reads_per_s": [round(x) for x in bare],
        "worker_polls_per_s": [round(x) for x in ours],
        "ratio_best": round(max(ours) / max(bare), 3),
        "goal": ">= 0.9",
    }


def load() -> dict[str, Any]:
    """Part 2: 10 workers x 1,000 float32 tags at 100 ms."""
    sim = Simulator(2 * TAGS + 64)
    workers: list[WorkerProc] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            conns = [connection(f"w{i}", sim.port, 2 * TAGS, 100, TAGS) for i in range(WORKERS)]
            workers = start_workers(Path(tmp), conns)
            for worker in workers:
                worker.wait_state("EXECUTE", 30)
            marks = []
            for worker in workers:  # warmed up: restart the block timers, fresh stats
                last_stats(worker, len(worker.messages))
                marks.append(len(worker.messages))
                worker.send({"cmd": "reload"})
            marks = [reloaded(w, m) for w, m in zip(workers, marks, strict=True)]
            before = [last_stats(w, m)[1]["blocks"][0] for w, m in zip(workers, marks, strict=True)]
            deadline = time.monotonic() + LOAD_S
            cpu0 = [psutil.Process(w.pid).cpu_times() for w in workers]
            sim0 = psutil.Process(sim.proc.pid).cpu_times()
            while time.monotonic() < deadline:
                time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
            marks = [len(w.messages) for w in workers]
            after = [last_stats(w, m)[1]["blocks"][0] for w, m in zip(workers, marks, strict=True)]
            rss = [psutil.Process(w.pid).memory_info().rss / 2**20 for w in workers]
            cpu1 = [psutil.Process(w.pid).cpu_times() for w in workers]
            sim1 = psutil.Process(sim.proc.pid).cpu_times()
            sim_cpu = (sim1.user + sim1.system - sim0.user - sim0.system) / LOAD_S * 100
            for worker in workers:
                worker.stop()
    finally:
        for worker in workers:
            worker.close()
        sim.close()
    cpu = [
        (b.user + b.system - a.user - a.system) / LOAD_S * 100
        for a, b in zip(cpu0, cpu1, strict=True)
    ]
    return {
        "workers": WORKERS,
        "tags_per_worker": TAGS,
        "period_ms": 100,
        "seconds": LOAD_S,
        "requests_per_cycle": after[0]["requests"] // max(1, after[0]["cycles"]),
        "cycles": sum(a["cycles"] - b["cycles"] for a, b in zip(after, before, strict=True)),
        "missed": sum(a["missed"] - b["missed"] for a, b in zip(after, before, strict=True)),
        "errors": sum(a["errors"] - b["errors"] for a, b in zip(after, before, strict=True)),
        "lateness_p50_ms_worst_worker": max(a["latenessP50Ms"] for a in after),
        "lateness_p99_ms_worst_worker": max(a["latenessP99Ms"] for a in after),
        "lateness_max_ms": max(a["latenessMaxMs"] for a in after),
        "cycle_ms_last_worst": max(a["lastCycleMs"] for a in after),
        "rss_mb_max": round(max(rss), 1),
        "rss_mb_mean": round(sum(rss) / len(rss), 1),
        "cpu_percent_per_worker_mean": round(sum(cpu) / len(cpu), 1),
        "simulator_cpu_percent": round(sim_cpu, 1),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "goals": {"missed": 0, "p99_ms": 5.0, "rss_mb": 60.0},
    }


def run() -> dict[str, Any]:
    """Both parts; figures and the baseline in one dict."""
    return {"poll_rate": poll_rate(), "load": load()}


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
