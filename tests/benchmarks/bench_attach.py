"""Attach time: a window attached to a running headless engine beside the embedded window.

Two workspaces of the same kind (the demo a window's first run gets: devices,
connections, jobs; the server not started by itself). On one a headless engine
(`python -m panel --headless`) runs throughout; on the other nothing runs. Then,
taking turns, `python -m panel --workspace W` on each: on the free one it is the
embedded window (its own engine), on the busy one a window attached to that
engine. Both print, with OPSPANEL_REPORT_STARTUP=1, the time from process start
to the window shown and to the window *populated*: every page has its first data
(server status, connections with their configurations and tag values, jobs, their
active runs and today's figures, sessions, the log tail). The embedded window
reads its engine in-process, so it is populated when shown; the attached one once
the engine has answered every first read and what those led to (`FirstData`).
Goal: attached populated <= 1.5x the embedded window's start, same run.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from panel.workspace.workspace import Workspace
from tests.gui.attached import HeadlessProcess

TRIALS = int(os.environ.get("BENCH_ATTACH_TRIALS", "7"))
REPORT = re.compile(r"window (shown|populated) (\d+) ms")
TIMEOUT_S = 120.0


def _workspace(path: Path) -> Path:
    with Workspace.open(path, seed_demo=True) as ws:
        ws.save_server_config(replace(ws.server_config(), autostart=False))
    return path


def _launch(workspace: Path, env: dict[str, str]) -> dict[str, float]:
    """{shown, populated} ms after process start of one `python -m panel` window."""
    argv = [sys.executable, "-m", "panel", "--workspace", str(workspace)]
    proc = subprocess.Popen(
        argv, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    assert proc.stderr is not None
    got: dict[str, float] = {}
    try:
        for line in proc.stderr:
            match = REPORT.search(line)
            if match:
                got[match.group(1)] = float(match.group(2))
            if "populated" in got:
                break
        else:
            raise RuntimeError(f"{argv} ended before its window was populated")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    return got


def _summary(runs: list[dict[str, float]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("shown", "populated"):
        values = [r[key] for r in runs]
        out[f"{key}_ms_median"] = statistics.median(values)
        out[f"{key}_ms_range"] = [min(values), max(values)]
    return out


def run() -> dict[str, Any]:
    """Figures for `python -m tests.benchmarks --only attach`."""
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        OPSPANEL_REPORT_STARTUP="1",
    )
    embedded: list[dict[str, float]] = []
    attached: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        busy = _workspace(Path(tmp) / "attached" / "ws")
        free = _workspace(Path(tmp) / "embedded" / "ws")
        engine = HeadlessProcess(busy)
        engine.start()
        try:
            _launch(free, env)  # warm both once: the first launch reads the files from disk
            _launch(busy, env)
            for _ in range(TRIALS):  # taking turns, so both see the same machine
                embedded.append(_launch(free, env))
                attached.append(_launch(busy, env))
        finally:
            engine.stop()
    ratios = [a["populated"] / e["shown"] for e, a in zip(embedded, attached, strict=True)]
    return {
        "trials": TRIALS,
        "embedded": _summary(embedded),
        "attached": _summary(attached),
        "attached_populated_vs_embedded_shown": {
            "median": round(statistics.median(ratios), 3),
            "range": [round(min(ratios), 3), round(max(ratios), 3)],
        },
        "load_average_1min": round(os.getloadavg()[0], 2),
        "goal": "attached populated <= 1.5x the embedded window shown, same run",
    }
