"""What the connection benches share: Modbus connections to a simulator, a headless
engine on a workspace of them, and the figures of its fleet of workers.

Used by `bench_zygote` (lone workers, forked vs spawned), `bench_groups` (connection
groups) and `bench_supervise` (an idle engine of workers).
"""

from __future__ import annotations

import contextlib
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil

from panel.api.client import ApiClient
from panel.connections.store import save_connections
from panel.util.ports import ephemeral_port, port_is_free
from panel.workspace.workspace import Workspace

HERE = Path(__file__).resolve().parent
SIM = HERE.parent / "integration" / "connections" / "modbus_sim.py"


def modbus_connection(index: int, port: int) -> dict[str, Any]:
    """Connection `m<index>`: one block of 100 holding registers (50 float32 tags) at 1 s."""
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


def pss(pid: int) -> int:
    """The PSS of `pid` in bytes (/proc/PID/smaps_rollup), 0 when it is gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0


def wait(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    """The first true value of `condition()`, polled until `timeout` (AssertionError)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)  # the polling interval of a bounded wait
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def api(ws: Path) -> ApiClient:
    """A client of the engine of workspace `ws`, once it answers."""

    def connect() -> ApiClient | None:
        try:
            return ApiClient.from_workspace(ws)
        except Exception:
            return None

    return wait(connect, 60.0, "the engine's API")


@contextlib.contextmanager
def simulators(count: int) -> Iterator[list[int]]:
    """`count` Modbus simulator processes (200 registers each); yields their ports."""
    ports, sims = [], []
    try:
        for _ in range(count):
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
            wait(lambda port=port: not port_is_free(port), 30.0, f"the simulator on {port}")
        yield ports
    finally:
        for sim in sims:
            sim.terminate()
            sim.wait(10)


@contextlib.contextmanager
def headless_engine(
    ws: Path, items: list[dict[str, Any]], *, zygote: bool = True, stop_timeout_s: float = 60.0
) -> Iterator[subprocess.Popen[bytes]]:
    """A headless engine on a new workspace `ws` of connections `items` (no demo
    devices, workers die with it, `connections.zygote` as given); stopped on exit."""
    with Workspace.open(ws) as workspace:
        workspace.set_setting("demo.devices", [])
        workspace.set_setting("connections.zygote", zygote)
        workspace.set_setting("connections.keepRunning", False)
        save_connections(workspace, items)
    with running_engine(ws, stop_timeout_s=stop_timeout_s) as engine:
        yield engine


@contextlib.contextmanager
def running_engine(ws: Path, *, stop_timeout_s: float = 60.0) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m panel --headless` on workspace `ws`; SIGTERM (then SIGKILL after
    `stop_timeout_s`) on exit."""
    engine = subprocess.Popen(
        [sys.executable, "-m", "panel", "--headless", "--workspace", str(ws)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield engine
    finally:
        engine.terminate()
        try:
            engine.wait(stop_timeout_s)
        except subprocess.TimeoutExpired:
            engine.kill()
            engine.wait()


def zygote_pids(engine_pid: int, worker_pids: set[int]) -> list[int]:
    """The zygotes among the engine's children (not one of `worker_pids`)."""
    return [
        p.pid
        for p in psutil.Process(engine_pid).children()
        if p.cmdline()[-8:-6] == ["worker", "zygote"] and p.pid not in worker_pids
    ]


def fleet_figures(engine_pid: int, listed: list[dict[str, Any]], count: int) -> dict[str, Any]:
    """PSS of the workers of `listed` (`conns.list`) + the zygotes, per connection of
    `count` and projected to 1,000; cycles, missed cycles, lateness p99 of the blocks."""
    pids = {int(c["pid"]) for c in listed}
    workers_pss = sum(pss(pid) for pid in pids)
    zygote_pss = sum(pss(pid) for pid in zygote_pids(engine_pid, pids))
    blocks = [c["blocks"][0] for c in listed]
    p99s = [float(b.get("latenessP99Ms") or 0.0) for b in blocks]
    total = workers_pss + zygote_pss
    per_conn = total / count / 2**20
    return {
        "connections": count,
        "processes": len(pids),
        "pss_total_mb": round(total / 2**20, 1),
        "pss_zygote_mb": round(zygote_pss / 2**20, 1),
        "mb_per_connection": round(per_conn, 3),
        "projected_1000_mb": round(per_conn * 1000),
        "cycles": sum(int(b.get("cycles") or 0) for b in blocks),
        "missed_cycles": sum(int(b.get("missed") or 0) for b in blocks),
        "lateness_p99_ms_worst": round(max(p99s), 2),
        "lateness_p99_ms_median": round(statistics.median(p99s), 2),
    }
