"""Cold start and idle memory of the window, beside a bare PySide6 window in the same run.

Cold start: process start -> main window shown (the app prints it when
OPSPANEL_REPORT_STARTUP=1). Idle RSS: the panel process alone (children
excluded) a few seconds after the window is up, server not started. The
baseline is a bare QApplication showing an empty QMainWindow.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.workspace import Workspace

TRIALS = int(os.environ.get("BENCH_APP_TRIALS", "5"))
IDLE_SECONDS = 5.0
SHOWN = re.compile(r"window shown (\d+) ms")

BARE_WINDOW = """
import sys, time, psutil
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow(); w.resize(1000, 650); w.show()
def shown():
    ms = (time.time() - psutil.Process().create_time()) * 1000
    print(f"window shown {ms:.0f} ms", file=sys.stderr, flush=True)
QTimer.singleShot(0, shown)
app.exec()
"""


def _measure(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """(ms to window shown, idle RSS bytes) of one launch; the process is then ended."""
    proc = subprocess.Popen(
        argv, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    assert proc.stderr is not None
    try:
        for line in proc.stderr:
            match = SHOWN.search(line)
            if match:
                shown_ms = float(match.group(1))
                break
        else:
            raise RuntimeError(f"{argv} never showed its window")
        time.sleep(IDLE_SECONDS)  # let it settle: this is the idle figure being measured
        rss = psutil.Process(proc.pid).memory_info().rss
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    return shown_ms, rss


def _summary(samples: list[tuple[float, int]]) -> dict[str, float]:
    shown = [s for s, _ in samples]
    rss = [r for _, r in samples]
    return {
        "shown_ms_median": statistics.median(shown),
        "shown_ms_max": max(shown),
        "idle_rss_mb_median": round(statistics.median(rss) / 1e6, 1),
    }


def run() -> dict[str, object]:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        OPSPANEL_REPORT_STARTUP="1",
    )
    with tempfile.TemporaryDirectory() as tmp:
        ws_dir = Path(tmp) / "ws"
        with Workspace.open(ws_dir) as ws:
            data = demo_server_config().to_json() | {"autostart": False}
            ws.save_server_config(ServerConfig.from_json(data))
        panel = [sys.executable, "-m", "panel", "--workspace", str(ws_dir)]
        bare = [sys.executable, "-c", BARE_WINDOW]
        ours: list[tuple[float, int]] = []
        baseline: list[tuple[float, int]] = []
        for _ in range(TRIALS):  # interleaved, so both see the same machine
            baseline.append(_measure(bare, env))
            ours.append(_measure(panel, env))
    result: dict[str, object] = {
        "trials": TRIALS,
        "opspanel": _summary(ours),
        "bare_pyside6_window": _summary(baseline),
        "goals": {"shown_ms": 1000, "idle_rss_mb": 150},
    }
    return result
