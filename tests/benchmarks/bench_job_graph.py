"""The job graph window with 1,000 jobs: layout time, then the longest stall while panning/zooming.

Builds a `JobGraphView` over a layered DAG of 1,000 nodes (1-2 dependencies each,
plus a few chain edges), shows it, fits it, then drives pans and zoom steps from a
timer while a heartbeat timer measures the longest gap of the event loop. Goal:
the longest stall <= 50 ms. Also reports the layout time and the slowest single
pan/zoom call and the time of a full repaint after fitting (every item visible).
"""

from __future__ import annotations

import os
import random
import time
from typing import Any

NODES = 1000
STEPS = 120
STEP_MS = 16
TICK_MS = 5
GOAL_MS = 50.0


def graph_jobs(count: int = NODES, seed: int = 3) -> list[Any]:
    """A layered DAG: each job depends on 1-2 of the ~100 jobs before it; some chains."""
    from panel.views.job_graph import GraphJob

    rng = random.Random(seed)
    ids = [f"job{i:04d}" for i in range(count)]
    jobs = []
    for i, job_id in enumerate(ids):
        deps: tuple[str, ...] = ()
        if i >= 40:
            low, high = max(0, i - 120), i - 20
            deps = tuple({ids[rng.randrange(low, high)] for _ in range(rng.randint(1, 2))})
        chains = (ids[rng.randrange(count)],) if rng.random() < 0.03 else ()
        jobs.append(GraphJob(job_id, f"Job {i}", deps, on_failure=chains))
    return jobs


def run() -> dict[str, Any]:
    """Figures: layout ms, build ms, longest stall ms while panning/zooming, slowest step."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from panel.views.job_graph import JobGraphView

    app = QApplication.instance() or QApplication([])
    states = ["success", "failed", "running", "waiting", "never", "queued"]
    jobs = graph_jobs()
    view = JobGraphView()
    view.resize(1200, 800)
    start = time.perf_counter()
    view.set_jobs(jobs)
    build_ms = (time.perf_counter() - start) * 1000
    for i, job in enumerate(jobs):
        view.set_state(job.id, states[i % len(states)], time.time() - i)
    view.show()
    app.processEvents()
    view.fit()
    app.processEvents()
    view.zoom_by(1 / view.scale_factor())  # natural size: text drawn, the hard case
    app.processEvents()

    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]
    longest = [0.0]
    slowest_step = [0.0]
    step = [0]
    loop = QEventLoop()

    def beat() -> None:
        now = clock.elapsed()
        longest[0] = max(longest[0], now - last[0])
        last[0] = now

    def drive() -> None:
        i = step[0]
        if i >= STEPS:
            loop.quit()
            return
        t0 = time.perf_counter()
        phase = (i // 20) % 3
        if phase == 0:
            view.pan_by(37, 23)
        elif phase == 1:
            view.pan_by(-29, 41)
        else:
            view.zoom_by(1.1 if i % 2 else 1 / 1.1)
        slowest_step[0] = max(slowest_step[0], (time.perf_counter() - t0) * 1000)
        step[0] += 1

    heart = QTimer(interval=TICK_MS)
    heart.timeout.connect(beat)
    driver = QTimer(interval=STEP_MS)
    driver.timeout.connect(drive)
    guard = QTimer(singleShot=True, interval=60_000)
    guard.timeout.connect(loop.quit)
    heart.start()
    driver.start()
    guard.start()
    last[0] = clock.elapsed()
    loop.exec()
    heart.stop()
    driver.stop()
    guard.stop()
    fit_start = time.perf_counter()
    view.fit()
    view.viewport().repaint()
    fit_ms = (time.perf_counter() - fit_start) * 1000
    figures = {
        "nodes": len(view.nodes),
        "edges": len(view.edges),
        "layout_ms": round(view.layout_ms, 1),
        "build_ms": round(build_ms, 1),
        "steps": step[0],
        "longest_stall_ms": round(longest[0], 1),
        "slowest_step_ms": round(slowest_step[0], 1),
        "fit_repaint_ms": round(fit_ms, 1),
        "crossings": view.last_layout.crossings if view.last_layout else None,
        "goal_stall_ms": GOAL_MS,
        "ok": longest[0] <= GOAL_MS,
    }
    view.close()
    view.deleteLater()
    app.processEvents()
    return figures


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
