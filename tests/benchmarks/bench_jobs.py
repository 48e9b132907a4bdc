"""Job engine figures, with bare asyncio and bare QProcess baselines measured in the same run.

- a 1,000-job layered DAG of /bin/true (10 layers of 100, each job after two of
  the layer before) run through the engine with 16 in parallel (and, as in the
  panel, with the engine's reaper started, which guards the runs), against a bare
  asyncio loop spawning the same 1,000 /bin/true with the same parallelism;
- dispatch latency: upstream end -> downstream start, p50/p99;
- engine bookkeeping per job, spawn excluded, two ways: (engine wall - bare QProcess
  wall) / jobs, and (engine main-thread CPU - bare QProcess main-thread CPU) / jobs,
  where the bare QProcess loop spawns the same 1,000 the way the engine does (its
  own session, the same parallelism, the Qt event loop) with no bookkeeping; also
  the whole overhead against the asyncio loop, (engine wall - asyncio wall) / jobs;
- the floor of that bookkeeping: the same two figures for the bare QProcess loop
  plus only the per-run work these guarantees need (durable rows, the start time,
  the reaper, the check for leftovers), written as tightly as possible;
- each of the four runs ROUNDS times, taking turns, and the best of each counts;
- cron firing lateness p99 (a per-second schedule, ~5 s);
- history: runs/s written as insert + 2 updates, each committed on its own, and with
  the changes of 16 runs per commit (the group commit of a busy graph); dataset
  allocate+release pairs/s.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

LAYERS, WIDTH, PARALLEL = 10, 100, 16
ROUNDS = 5
TRUE = "/bin/true"


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 2)


def _wait(app: Any, condition: Callable[[], bool], timeout: float) -> None:
    """Run the Qt event loop, as the panel does, until `condition()` holds.

    The condition is looked at every 2 ms by a timer of the loop itself, so the
    engine runs undisturbed in between (no processEvents/sleep polling).
    """
    from PySide6.QtCore import QEventLoop, QTimer

    if condition():
        return
    loop = QEventLoop()
    deadline = time.monotonic() + timeout
    failed: list[bool] = []

    def check() -> None:
        if condition():
            loop.quit()
        elif time.monotonic() > deadline:
            failed.append(True)
            loop.quit()

    timer = QTimer()
    timer.setInterval(2)
    timer.timeout.connect(check)
    timer.start()
    loop.exec()
    timer.stop()
    if failed:
        raise TimeoutError("benchmark condition not reached")


def _bare() -> float:
    async def main() -> float:
        gate = asyncio.Semaphore(PARALLEL)

        async def one() -> None:
            async with gate:
                proc = await asyncio.create_subprocess_exec(TRUE)
                await proc.wait()

        t0 = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(LAYERS * WIDTH)))
        return time.perf_counter() - t0

    return asyncio.run(main())


def _bare_qprocess(app: Any) -> float:
    """The same 1,000 /bin/true through bare QProcess objects started with the engine's
    own parameters (own session, reset signals, closed fds), the same parallelism,
    driven by the Qt event loop: the spawn mechanism the engine uses, no bookkeeping."""
    from PySide6.QtCore import QObject, QProcess

    from panel.supervise.unix import new_session_parameters

    total = LAYERS * WIDTH
    params = new_session_parameters()

    class Loop(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.started = self.done = 0

        def spawn(self) -> None:
            proc = QProcess(self)
            proc.setProgram(TRUE)
            proc.setUnixProcessParameters(params)
            proc.finished.connect(self.finished)
            self.started += 1
            proc.start()

        def finished(self) -> None:
            self.sender().deleteLater()
            self.done += 1
            if self.started < total:
                self.spawn()

    loop = Loop()
    t0 = time.perf_counter()
    for _ in range(PARALLEL):
        loop.spawn()
    _wait(app, lambda: loop.done == total, 120)
    elapsed = time.perf_counter() - t0
    loop.deleteLater()
    return elapsed


def _floor_qprocess(app: Any, ws: Any, reaper: Any) -> float:
    """The bare QProcess loop plus only what any engine with these guarantees must do
    per run, written as tightly as possible, with the engine's own economies: the
    durable history rows (queued; running with pid; final), group-committed once
    per loop turn with a run's changes merged; the create time of a child still
    running at that commit, for the crash recovery; the run id in its environment;
    the reaper told of its session; and the check after its exit that nothing of
    its session is left. No DAG, no limits, no process objects: the floor of the
    bookkeeping on this stack, to read the engine's figure against."""
    from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, QTimer

    from panel.jobs.store import JobStore
    from panel.supervise.tree import create_time_of, recent_kernel_counters, tree_may_live
    from panel.supervise.unix import new_session_parameters

    total = LAYERS * WIDTH
    params = new_session_parameters()
    base_env = QProcessEnvironment.systemEnvironment()
    store = JobStore(ws.db_path)
    commit = QTimer(singleShot=True)
    commit.timeout.connect(store.flush)
    store.defer_writes(commit.start)

    class Loop(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.started = self.done = 0
            self.runs: dict[QObject, list[Any]] = {}
            self.live: set[int] = set()
            self.unstamped: list[list[Any]] = []

        def spawn(self) -> None:
            run_id = store.insert_run("floor", None, "api", {}, 1, "queued")
            proc = QProcess(self)
            proc.setProgram(TRUE)
            proc.setUnixProcessParameters(params)
            env = QProcessEnvironment(base_env)
            env.insert("PANEL_RUN_ID", str(run_id))
            proc.setProcessEnvironment(env)
            proc.started.connect(self.on_started)
            proc.finished.connect(self.finished)
            self.runs[proc] = [run_id, 0, None]
            self.started += 1
            proc.start()

        def on_started(self) -> None:
            proc = cast(QProcess, self.sender())
            run = self.runs[proc]
            pid = run[1] = proc.processId()
            self.live.add(pid)
            counters = recent_kernel_counters()
            run[2] = counters.forks if counters else None
            reaper.add(pid)
            store.update_run(run[0], status="running", started_at=time.time(), pid=pid)
            self.unstamped.append(run)

        def stamp(self) -> None:
            runs, self.unstamped = self.unstamped, []
            for run_id, pid, _forks in runs:
                if pid in self.live and (created := create_time_of(pid)) is not None:
                    store.update_run(run_id, create_time=created)

        def finished(self, code: int, _status: Any) -> None:
            proc = self.sender()
            run_id, pid, forks = self.runs.pop(proc)
            self.live.discard(pid)
            store.update_run(run_id, status="success", ended_at=time.time(), exit_code=code)
            tree_may_live(pid, forks, {}, self.live)
            reaper.remove(pid)
            proc.deleteLater()
            self.done += 1
            if self.started < total:
                self.spawn()

    loop = Loop()
    store.before_flush(loop.stamp)
    t0 = time.perf_counter()
    for _ in range(PARALLEL):
        loop.spawn()
    _wait(app, lambda: loop.done == total, 120)
    store.flush()
    elapsed = time.perf_counter() - t0
    loop.deleteLater()
    store.close()
    return elapsed


def _started_reaper(app: Any) -> Any:
    """The engine's reaper as the panel has it: with a cgroup per run where the machine
    allows (`EngineCgroups`; the figures say which)."""
    from panel.supervise.cgroups import EngineCgroups
    from panel.supervise.reaper_client import Reaper

    reaper = Reaper(cgroups=EngineCgroups.for_workspace(f"bench-jobs-{os.getpid()}"))
    reaper.start()
    _wait(app, lambda: reaper.is_ready or not reaper.enabled, 30)
    return reaper


def _dag() -> list[dict[str, Any]]:
    jobs = []
    for layer in range(LAYERS):
        for i in range(WIDTH):
            deps = [f"j{layer - 1}_{i}", f"j{layer - 1}_{(i + 1) % WIDTH}"] if layer else []
            jobs.append({"id": f"j{layer}_{i}", "command": [TRUE], "dependsOn": deps})
    last = [f"j{LAYERS - 1}_{i}" for i in range(WIDTH)]
    jobs.append({"id": "end", "command": [TRUE], "dependsOn": last})
    return jobs


def _timed(fn: Callable[[], Any]) -> tuple[float, float]:
    """(wall s, main-thread CPU s) of `fn()`."""
    cpu0, wall0 = time.thread_time(), time.perf_counter()
    fn()
    return time.perf_counter() - wall0, time.thread_time() - cpu0


def _engine_dag(app: Any, engine: Any) -> int:
    """Run the layered DAG once, until the engine is idle; the id of the target run."""
    target = int(engine.run_job("end"))
    _wait(app, lambda: engine.is_idle and target not in engine._runs, 600)
    engine.store.flush()  # the whole history committed, inside the timing
    return target


def _dag_latencies(engine: Any, target: int) -> list[float]:
    """Check the DAG run of `target` (read after the timing); the ready -> start gaps
    (ms) of its dependent runs."""
    graph = engine.store.run(target)["graphId"]
    runs = {r["job"]: r for r in engine.history(limit=5000) if r["graphId"] == graph}
    assert len(runs) == LAYERS * WIDTH + 1
    assert all(r["status"] == "success" for r in runs.values())
    deps = {j["id"]: j["dependsOn"] for j in _dag()}
    return [
        (runs[job]["start"] - max(runs[d]["end"] for d in up)) * 1000
        for job, up in deps.items()
        if up
    ]


def run() -> dict[str, Any]:
    from PySide6.QtCore import QCoreApplication

    from panel.jobs.engine import JobEngine
    from panel.jobs.model import Dataset
    from panel.logs.hub import LogHub
    from panel.workspace.workspace import Workspace

    app = QCoreApplication.instance() or QCoreApplication([])
    jobs = LAYERS * WIDTH
    out: dict[str, Any] = {"jobs": jobs, "parallel": PARALLEL, "rounds": ROUNDS}
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace.open(Path(tmp) / "ws")
        floor_ws = Workspace.open(Path(tmp) / "floor")  # a history of its own (run ids)
        hub = LogHub(ws.logs_dir)
        reaper = _started_reaper(app)  # as in the panel: the engine's reaper guards the runs
        out["cgroups"] = reaper.cgroups.kind if reaper.cgroups is not None else None
        engine = JobEngine(ws, hub, reaper, max_parallel=PARALLEL)
        engine.save_jobs(_dag())
        engine.start()
        # The four contenders take turns, best of ROUNDS each: a slow spell of the
        # machine then hits them alike instead of one of them.
        bare: list[tuple[float, float]] = []
        bare_qp: list[tuple[float, float]] = []
        eng: list[tuple[float, float]] = []
        floor: list[tuple[float, float]] = []
        lat: list[float] = []
        targets: list[int] = []
        for _ in range(ROUNDS):
            bare.append(_timed(_bare))
            bare_qp.append(_timed(lambda: _bare_qprocess(app)))
            floor.append(_timed(lambda: _floor_qprocess(app, floor_ws, reaper)))
            eng.append(_timed(lambda: targets.append(_engine_dag(app, engine))))
            lat.extend(_dag_latencies(engine, targets[-1]))
        (bare_s, _), (qp_s, qp_cpu), (wall, cpu) = min(bare), min(bare_qp), min(eng)
        floor_s, floor_cpu = min(floor)
        out |= {
            "bare_s": round(bare_s, 3),
            "bare_qprocess_s": round(qp_s, 3),
            "engine_s": round(wall, 3),
            "speed_vs_bare": round(bare_s / wall, 3),
            "speed_vs_bare_qprocess": round(qp_s / wall, 3),
            # spawn excluded: the same QProcess spawns with no engine around them
            "bookkeeping_ms_per_job": round((wall - qp_s) / jobs * 1000, 3),
            "overhead_vs_asyncio_ms_per_job": round((wall - bare_s) / jobs * 1000, 3),
            "engine_cpu_ms_per_job": round(cpu / jobs * 1000, 3),
            "bare_qprocess_cpu_ms_per_job": round(qp_cpu / jobs * 1000, 3),
            "bookkeeping_cpu_ms_per_job": round((cpu - qp_cpu) / jobs * 1000, 3),
            # the same two figures for the floor loop: the least these guarantees cost
            "floor_bookkeeping_ms_per_job": round((floor_s - qp_s) / jobs * 1000, 3),
            "floor_bookkeeping_cpu_ms_per_job": round((floor_cpu - qp_cpu) / jobs * 1000, 3),
            "layered_ready_to_start_p50_ms": _pct(lat, 0.5),  # includes waiting for a slot
            "layered_ready_to_start_p99_ms": _pct(lat, 0.99),
        }
        chain = [{"id": "c0", "command": [TRUE]}]
        chain += [
            {"id": f"c{i}", "command": [TRUE], "dependsOn": [f"c{i - 1}"]} for i in range(1, 200)
        ]
        engine.save_jobs(chain)
        target = engine.run_job("c199")
        _wait(app, lambda: engine.is_idle and target not in engine._runs, 600)
        runs = {r["job"]: r for r in engine.history(limit=200)}
        lat = [(runs[f"c{i}"]["start"] - runs[f"c{i - 1}"]["end"]) * 1000 for i in range(1, 200)]
        out |= {"chain_dispatch_p50_ms": _pct(lat, 0.5), "chain_dispatch_p99_ms": _pct(lat, 0.99)}
        engine.save_jobs([{"id": "tick", "command": [TRUE], "schedule": "* * * * * *"}])
        engine.scheduler.lateness_ms.clear()
        _wait(app, lambda: len(engine.scheduler.lateness_ms) >= 5, 30)
        late = list(engine.scheduler.lateness_ms)
        out |= {"cron_fires": len(late), "cron_lateness_p99_ms": _pct(late, 0.99)}
        engine.save_jobs([])
        _wait(app, lambda: engine.is_idle, 30)

        n = 2000
        store = engine.store
        t0 = time.perf_counter()
        for _ in range(n):  # every change committed on its own (one per loop turn at worst)
            run_id = store.insert_run("x", None, "api", {}, 1, "queued")
            store.flush()
            store.update_run(run_id, status="running", started_at=time.time())
            store.flush()
            store.update_run(run_id, status="success", ended_at=time.time())
            store.flush()
        out["history_runs_per_s"] = round(n / (time.perf_counter() - t0))
        t0 = time.perf_counter()
        for i in range(n):  # as in a busy graph: the changes of 16 runs per commit
            run_id = store.insert_run("x", None, "api", {}, 1, "queued")
            store.update_run(run_id, status="running", started_at=time.time())
            store.update_run(run_id, status="success", ended_at=time.time())
            if i % 16 == 15:
                store.flush()
        store.flush()
        out["history_runs_per_s_grouped"] = round(n / (time.perf_counter() - t0))
        ds = [Dataset("a", f"{tmp}/a"), Dataset("b", f"{tmp}/b", "shared")]
        t0 = time.perf_counter()
        for i in range(n):
            engine.datasets.allocate("run", str(i), ds)
            engine.datasets.release("run", str(i))
        out["dataset_pairs_per_s"] = round(n / (time.perf_counter() - t0))
        engine.shutdown()
        _wait(app, lambda: engine.is_idle, 30)
        engine.close()
        reaper.close()
        if reaper.cgroups is not None:
            reaper.cgroups.close()
        hub.close()
        ws.close()
        floor_ws.close()
    return out


if __name__ == "__main__":
    print(run())
