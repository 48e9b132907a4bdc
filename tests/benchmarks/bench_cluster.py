"""Cluster executor figures, against a bare Celery loop measured in the same run.

A redis-server on a free loopback port and two `opspanel cluster-worker`s
(concurrency 4 each) on this machine; skipped (figures say why) without redis-server.

- throughput: 200 `/bin/true` runs through the job engine's cluster executor (200
  jobs run at once), wall time from the first `run_job` to the last final state,
  against 200 `send_task` calls of the same task in a bare loop, waited for on the
  runs' streams (no engine, no history): the ratio bare / engine (goal >= 0.8);
- dispatch latency: a chain of 30 `/bin/true` jobs (each after the one before),
  upstream end -> downstream start as the engine records them, p50/p99 (goal p99
  <= 50 ms);
- log line latency: a job printing a line with its wall time every 5 ms, the time
  each line reaches the engine's `sig_run_output`, p50/p99 (goal p99 <= 100 ms).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from tests.benchmarks.bench_jobs import _pct, _wait

RUNS = 200
CHAIN = 30
LINES = 400
TRUE = "/bin/true"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _until(condition: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark setup did not get ready")
        time.sleep(0.02)


def _start(folder: Path) -> tuple[str, list[subprocess.Popen[bytes]]]:
    port = _free_port()
    redis = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(folder),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    import redis as redis_client

    client = redis_client.Redis.from_url(url)

    def pong() -> bool:
        with contextlib.suppress(Exception):
            return bool(client.ping())
        return False

    _until(pong, 20)
    procs = [redis]
    for name in ("b1", "b2"):
        log = folder / f"{name}.log"
        with open(log, "wb") as out:
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "panel",
                        "cluster-worker",
                        "--broker",
                        url,
                        "--concurrency",
                        "4",
                        "--name",
                        name,
                    ],
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        _until(lambda log=log: b" ready." in log.read_bytes(), 60)
    return url, procs


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    redis, *workers = procs
    for proc in workers:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in workers:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    redis.terminate()
    redis.wait(timeout=10)


def _bare(url: str) -> float:
    """200 tasks sent in a loop, waited for on their streams' `ended` entries."""
    import redis as redis_client

    from panel.cluster import protocol
    from panel.cluster.worker import make_app

    app = make_app(url)
    client = redis_client.Redis.from_url(url)
    refs = [uuid.uuid4().hex for _ in range(RUNS)]
    t0 = time.perf_counter()
    for ref in refs:
        kwargs = {"ref": ref, "argv": [TRUE], "env": {}, "cwd": None, "timeout_s": 0.0}
        app.send_task(protocol.TASK_NAME, kwargs=kwargs, task_id=ref, queue="opspanel")
    cursors = {protocol.log_key(ref): "0" for ref in refs}
    while cursors:
        for key, entries in client.xread(cursors, block=20, count=100) or ():
            name = key.decode()
            for entry_id, fields in entries:
                cursors[name] = entry_id
                if fields.get(b"t") == b"ended":
                    cursors.pop(name)
                    break
    return time.perf_counter() - t0


def _engine(folder: Path, url: str, jobs: list[dict[str, Any]]) -> Any:
    from panel.jobs.engine import JobEngine
    from panel.logs.hub import LogHub
    from panel.workspace.workspace import Workspace

    ws = Workspace.open(folder)
    ws.save_config_object("executors", {"cluster": {"kind": "celery", "broker": url}})
    hub = LogHub(ws.logs_dir)
    engine = JobEngine(ws, hub, max_parallel=RUNS)
    engine.save_jobs(jobs)
    engine.start()
    return engine, hub, ws


def _close(app: Any, parts: Any) -> None:
    engine, hub, ws = parts
    engine.shutdown()
    _wait(app, lambda: engine.is_idle, 30)
    engine.close()
    hub.close()
    ws.close()


def _throughput(app: Any, folder: Path, url: str) -> float:
    jobs = [{"id": f"t{i:03d}", "command": [TRUE], "executor": "cluster"} for i in range(RUNS)]
    parts = _engine(folder / "throughput", url, jobs)
    engine = parts[0]
    t0 = time.perf_counter()
    for job in jobs:
        engine.run_job(job["id"])
    _wait(app, lambda: engine.is_idle, 120)
    wall = time.perf_counter() - t0
    bad = [r for r in engine.history(limit=RUNS) if r["status"] != "success"]
    _close(app, parts)
    if bad:
        raise RuntimeError(f"{len(bad)} runs did not succeed: {bad[0]}")
    return wall


def _dispatch(app: Any, folder: Path, url: str) -> list[float]:
    jobs = [{"id": "c00", "command": [TRUE], "executor": "cluster"}]
    jobs += [
        {
            "id": f"c{i:02d}",
            "command": [TRUE],
            "executor": "cluster",
            "dependsOn": [f"c{i - 1:02d}"],
        }
        for i in range(1, CHAIN)
    ]
    parts = _engine(folder / "dispatch", url, jobs)
    engine = parts[0]
    engine.run_job(f"c{CHAIN - 1:02d}")
    _wait(app, lambda: engine.is_idle, 120)
    rows = {r["job"]: r for r in engine.history(limit=CHAIN)}
    _close(app, parts)
    return [
        (rows[f"c{i:02d}"]["start"] - rows[f"c{i - 1:02d}"]["end"]) * 1000 for i in range(1, CHAIN)
    ]


def _log_latency(app: Any, folder: Path, url: str) -> list[float]:
    code = (
        "import time\n"
        f"for i in range({LINES}):\n"
        "    print(repr(time.time()), flush=True)\n"
        "    time.sleep(0.005)\n"
    )
    jobs = [{"id": "talk", "command": [sys.executable, "-c", code], "executor": "cluster"}]
    parts = _engine(folder / "logs", url, jobs)
    engine = parts[0]
    late: list[float] = []

    def seen(_run: int, _stream: str, data: bytes) -> None:
        now = time.time()
        for line in data.decode().split():
            late.append((now - float(line)) * 1000)

    engine.sig_run_output.connect(seen)
    engine.run_job("talk")
    _wait(app, lambda: engine.is_idle, 120)
    _close(app, parts)
    return late


def run() -> dict[str, Any]:
    if shutil.which("redis-server") is None:
        return {"skipped": "needs redis-server"}
    from PySide6.QtCore import QCoreApplication

    app = QCoreApplication.instance() or QCoreApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url, procs = _start(folder)
        try:
            _bare(url)  # warm-up: workers' pools, imports
            bare = min(_bare(url) for _ in range(2))
            engine = min(_throughput(app, folder / f"r{i}", url) for i in range(2))
            dispatch = _dispatch(app, folder, url)
            lines = _log_latency(app, folder, url)
        finally:
            _stop(procs)
    return {
        "runs": RUNS,
        "bare_celery_s": round(bare, 3),
        "engine_s": round(engine, 3),
        "ratio_bare_over_engine": round(bare / engine, 2),
        "dispatch_ms_p50": _pct(dispatch, 0.5),
        "dispatch_ms_p99": _pct(dispatch, 0.99),
        "log_lines": len(lines),
        "log_line_ms_p50": _pct(lines, 0.5),
        "log_line_ms_p99": _pct(lines, 0.99),
    }
