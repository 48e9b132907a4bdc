"""Log flood: a Python child prints N short numbered lines, read through QProcess.

Measured in one run:

1. ``bare``: a bare QProcess read loop (readyRead -> readAllStandardOutput, count
   newlines): the ceiling;
2. ``pipeline``: QProcess -> LogHub (ring buffer + rotating files) -> LogListModel,
   timed until every line is in the model and written to disk, with the longest
   event-loop stall during the flood (a 5 ms QTimer records its largest lateness);
3. memory per buffered line with the ring full (RSS delta, and an exact count of
   the objects held);
4. ``window``: the Logs page's list during a flood from a job of an engine, once
   with the engine in this process (``embedded``) and once attached to a headless
   engine subprocess over the API (``attached``): lines shown per second, the
   window's longest stall, and whether the engine's log file has every line.

Bare and pipeline runs alternate (``BENCH_LOG_ROUNDS``, default 2); the best of
each is reported. Run: ``python -m tests.benchmarks --only logs`` (N from
``BENCH_LOG_LINES``, default 1,000,000).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
from PySide6.QtCore import QCoreApplication, QEventLoop, QProcess, QTimer

from panel.util.gc_settle import freeze_startup

CHILD = (
    "import sys\n"
    "n = int(sys.argv[1])\n"
    "for i in range(n):\n"
    "    print(f'line {i:07d} the quick brown fox')\n"
)


def child_process(lines: int) -> QProcess:
    """A QProcess (not started) running the flood child."""
    proc = QProcess()
    proc.setProgram(sys.executable)
    proc.setArguments(["-c", CHILD, str(lines)])
    return proc


class StallMeter:
    """A QTimer ticking every `interval_ms`; records the largest lateness of a tick."""

    def __init__(self, interval_ms: int = 5) -> None:
        self.interval = interval_ms / 1000
        self.max_late = 0.0
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        """Start measuring."""
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        """Stop measuring."""
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.max_late = max(self.max_late, now - self._last - self.interval)
        self._last = now


CHECK_MS = 5
"""How often `run_until` looks at its condition."""


def spin_until(done: Callable[[], bool], timeout_s: float) -> None:
    """Spin the event loop until `done()` or the deadline (bare and pipeline rounds).

    `processEvents(flags, maxtime)` ignores WaitForMoreEvents: this keeps the Qt
    thread busy, reading the child's pipe as eagerly as it can (the ceiling).
    """
    deadline = time.monotonic() + timeout_s
    loop = QEventLoop()
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark did not finish in time")
        loop.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)


def run_until(done: Callable[[], bool], timeout_s: float) -> None:
    """Run the event loop until `done()` or the deadline, looking every CHECK_MS.

    The loop sleeps while nothing happens, as the app's does (the window rounds):
    `spin_until` keeps the Qt thread busy all the time, which on two cores let the
    engine and the flood push it off the CPU, counted as the window's stall.
    """
    if done():
        return
    deadline = time.monotonic() + timeout_s
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(CHECK_MS)

    def check() -> None:
        if done() or time.monotonic() > deadline:
            loop.quit()

    timer.timeout.connect(check)
    timer.start()
    loop.exec()
    timer.stop()
    if not done():
        raise TimeoutError("benchmark did not finish in time")


def bare(lines: int) -> dict[str, float]:
    """The ceiling: read the child's stdout and count newlines, nothing else."""
    proc = child_process(lines)
    count = 0

    def drain() -> None:
        nonlocal count
        count += proc.readAllStandardOutput().data().count(b"\n")

    proc.readyReadStandardOutput.connect(drain)
    meter = StallMeter()
    meter.start()
    t0 = time.perf_counter()
    proc.start()
    spin_until(lambda: proc.state() == QProcess.ProcessState.NotRunning and count >= lines, 120)
    elapsed = time.perf_counter() - t0
    meter.stop()
    proc.deleteLater()
    return {"lines": count, "seconds": elapsed, "lines_per_s": count / elapsed}


def pipeline(lines: int, logs_dir: Path, capacity: int) -> dict[str, Any]:
    """QProcess -> LogHub -> ring + files -> LogListModel, until all is in and on disk."""
    from panel.logs import LogHub, LogListModel

    rss0 = psutil.Process().memory_info().rss
    hub = LogHub(logs_dir, capacity=capacity, max_file_bytes=64 * 1024 * 1024, backups=3)
    model = LogListModel(hub)
    proc = child_process(lines)

    def drain() -> None:
        hub.feed("flood", "stdout", proc.readAllStandardOutput().data())

    proc.readyReadStandardOutput.connect(drain)
    proc.finished.connect(lambda *_: hub.end_of_stream("flood", "stdout"))
    meter = StallMeter()
    meter.start()
    t0 = time.perf_counter()
    proc.start()
    spin_until(lambda: model.rowCount() >= min(lines, capacity) and hub.lines_total >= lines, 120)
    hub.flush()
    elapsed = time.perf_counter() - t0
    meter.stop()
    rss1 = psutil.Process().memory_info().rss
    on_disk = sum(p.stat().st_size for p in logs_dir.iterdir())
    exact = exact_bytes_per_line(hub)
    result = {
        "lines": hub.lines_total,
        "model_rows": model.rowCount(),
        "seconds": elapsed,
        "lines_per_s": hub.lines_total / elapsed,
        "max_stall_ms": meter.max_late * 1000,
        "bytes_on_disk": on_disk,
        "rss_bytes_per_buffered_line": (rss1 - rss0) / len(hub),
        "exact_bytes_per_buffered_line": exact,
    }
    hub.close()
    proc.deleteLater()
    return result


def exact_bytes_per_line(hub: Any) -> float:
    """Bytes held per line by the ring: the str objects plus one slot of every column."""
    ring = hub.ring
    texts = ring.texts(ring.first_seq, ring.next_seq)
    strings = sum(map(sys.getsizeof, texts))
    per_slot = 8 + 8 + 2 + 1  # list pointer, ts double, chan uint16, level byte
    return strings / max(1, len(texts)) + per_slot * ring.capacity / max(1, len(texts))


FLOOD_JOB = (
    "import sys\nfor i in range(int(sys.argv[1])): print(f'line {i:07d} the quick brown fox')"
)


def _flood_workspace(path: Path, lines: int) -> Path:
    """A workspace with job `flood` (prints `lines` lines) and log files big enough for all."""
    from panel.workspace import store as ws_store
    from panel.workspace.server_config import ServerConfig, demo_server_config
    from panel.workspace.workspace import Workspace

    with Workspace.open(path) as ws:
        ws.save_server_config(
            ServerConfig.from_json(demo_server_config().to_json() | {"autostart": False})
        )
        ws.set_setting("logs.maxFileBytes", 1024 * 1024 * 1024)
        job = {"id": "flood", "command": [sys.executable, "-c", FLOOD_JOB, str(lines)]}
        with ws.transaction() as session:
            ws_store.store_section(session, "jobs", [job])
    return path


def _file_lines(logs_dir: Path) -> int:
    return sum(p.read_bytes().count(b"\n") for p in logs_dir.glob("job_flood*.log*"))


def _watch_flood(store: Any, lines: int, start: Callable[[], None]) -> dict[str, float]:
    """Run `start`, then spin until a list of the flood's lines over `store` has them all."""
    from panel.logs import LogListModel

    model = LogListModel(store)
    model.set_sources({"job:flood"})
    meter = StallMeter()
    meter.start()
    t0 = time.perf_counter()
    start()
    run_until(lambda: model.rowCount() >= lines, 300)
    elapsed = time.perf_counter() - t0
    meter.stop()
    return {
        "seconds": elapsed,
        "lines_per_s": lines / elapsed,
        "max_stall_ms": meter.max_late * 1000,
    }


def window_embedded(lines: int, root: Path) -> dict[str, Any]:
    """The embedded window's list: an engine in this process."""
    from panel.engine import Engine
    from panel.viewmodels.models import local_models
    from panel.workspace.workspace import Workspace

    ws = Workspace.open(_flood_workspace(root / "embedded", lines))
    engine = Engine(ws)
    engine.start()
    models = local_models(engine)
    freeze_startup()  # as the app does once its window is shown
    figures = _watch_flood(
        models.logs.store(), lines, lambda: engine.jobs.run_job("flood", {}, confirm=True)
    )
    run_until(lambda: _file_lines(ws.logs_dir) >= lines, 60)
    figures["file_lines"] = _file_lines(ws.logs_dir)
    done: list[bool] = []
    engine.sig_shutdown_finished.connect(lambda: done.append(True))
    engine.shutdown()
    run_until(lambda: bool(done), 60)
    ws.close()
    return figures


def window_attached(lines: int, root: Path) -> dict[str, Any]:
    """The attached window's list: a headless engine subprocess, reached over its API."""
    from panel.viewmodels.models import remote_models
    from panel.viewmodels.remote.endpoint import workspace_endpoint
    from panel.viewmodels.remote.link import RemoteLink
    from tests.gui.attached import HeadlessProcess

    ws_dir = _flood_workspace(root / "attached", lines)
    engine = HeadlessProcess(ws_dir)
    engine.start()
    link = RemoteLink(workspace_endpoint(ws_dir))
    models = remote_models(link)
    link.open()
    run_until(lambda: link.connected, 60)
    freeze_startup()  # as the app does once its window is shown

    def start() -> None:
        link.call("jobs.run", {"id": "flood", "confirm": True})

    try:
        figures = _watch_flood(models.logs.store(), lines, start)
        figures["missed"] = models.logs.missed()
        logs_dir = ws_dir / "logs"
        run_until(lambda: _file_lines(logs_dir) >= lines, 60)
        figures["file_lines"] = _file_lines(logs_dir)
    finally:
        link.close()
        engine.stop()
    return figures


def window(lines: int, rounds: int) -> dict[str, Any]:
    """Embedded and attached flood figures, alternating, ranges over the rounds."""
    embedded, attached = [], []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as tmp:
            embedded.append(window_embedded(lines, Path(tmp)))
        with tempfile.TemporaryDirectory() as tmp:
            attached.append(window_attached(lines, Path(tmp)))

    def span(runs: list[dict[str, Any]], key: str) -> list[float]:
        return [round(min(r[key] for r in runs), 1), round(max(r[key] for r in runs), 1)]

    ratios = [a["lines_per_s"] / e["lines_per_s"] for e, a in zip(embedded, attached, strict=True)]
    return {
        "lines": lines,
        "rounds": rounds,
        "embedded_lines_per_s": span(embedded, "lines_per_s"),
        "attached_lines_per_s": span(attached, "lines_per_s"),
        "attached_vs_embedded": [round(min(ratios), 3), round(max(ratios), 3)],
        "embedded_max_stall_ms": span(embedded, "max_stall_ms"),
        "attached_max_stall_ms": span(attached, "max_stall_ms"),
        "attached_missed": max(r["missed"] for r in attached),
        "every_line_in_the_file": all(r["file_lines"] == lines for r in embedded + attached),
        "goal": "attached stall <= 50 ms, >= 0.5x embedded lines/s, every line in the file",
    }


def run() -> dict[str, Any]:
    """Figures for `python -m tests.benchmarks --only logs`."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QCoreApplication.instance() or QCoreApplication([])
    lines = int(os.environ.get("BENCH_LOG_LINES", "1000000"))
    rounds = int(os.environ.get("BENCH_LOG_ROUNDS", "2"))
    ceilings, fulls = [], []
    for _ in range(rounds):  # alternate, keep the best of each: other load skews single runs
        ceilings.append(bare(lines))
        with tempfile.TemporaryDirectory() as tmp:
            fulls.append(pipeline(lines, Path(tmp), capacity=lines))
    window_figures = window(lines, int(os.environ.get("BENCH_LOG_WINDOW_ROUNDS", "3")))
    ceiling = max(ceilings, key=lambda r: r["lines_per_s"])
    full = max(fulls, key=lambda r: r["lines_per_s"])
    del app
    return {
        "lines": lines,
        "bare_lines_per_s": round(ceiling["lines_per_s"]),
        "pipeline_lines_per_s": round(full["lines_per_s"]),
        "ratio_vs_bare": round(full["lines_per_s"] / ceiling["lines_per_s"], 3),
        "max_stall_ms": round(full["max_stall_ms"], 1),
        "max_stall_ms_all_rounds": round(max(r["max_stall_ms"] for r in fulls), 1),
        "rounds": rounds,
        "rss_bytes_per_buffered_line": round(full["rss_bytes_per_buffered_line"], 1),
        "exact_bytes_per_buffered_line": round(full["exact_bytes_per_buffered_line"], 1),
        "bare_seconds": round(ceiling["seconds"], 3),
        "pipeline_seconds": round(full["seconds"], 3),
        "bytes_on_disk": full["bytes_on_disk"],
        "goal": ">= 300k lines/s, >= 0.6x bare, stall <= 50 ms",
        "window": window_figures,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
