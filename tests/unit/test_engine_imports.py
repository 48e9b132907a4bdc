"""A headless engine at rest does not load what only a window, a driver or a chart needs.

A 24/7 engine supervising idle workers is judged by its resident memory, and every
module it loads stays resident: NumPy alone was about 10 MB of it (the tag history
kept its columns in NumPy arrays, and idle workers' bad reads are history too). So a
real `--headless` engine runs here on a workspace of connections to a device that is
off, until their workers have reported (the history recorded their bad reads), and
is stopped; the modules it loaded in its whole life leave out these.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from tests.resting_workspace import resting_workspace
from tests.waiting import terminate_tree, wait_for, wait_for_api_file

NOT_AT_REST = [
    "numpy",  # the tag history keeps its columns in the standard library's arrays
    "pyqtgraph",  # charts are the window's
    "PySide6.QtGui",  # no GUI module in a headless engine (see panel.qt_loop)
    "PySide6.QtWidgets",
    "panel.views",
    "asyncua",  # the drivers are the workers'
    "pymodbus",
    "jsonschema",
]

PROBE = """
import json, sys
out = sys.argv[1]
sys.argv = ["opspanel", "--headless", "--workspace", sys.argv[2]]
from panel.cli import main
try:
    code = main()
finally:
    with open(out, "w") as f:
        f.write(json.dumps(sorted(sys.modules)))
sys.exit(code)
"""

STARTUP_S = 60.0


def _reported_bad_reads(workspace: Path, conn_id: str) -> bool:
    """Whether the engine holds the worker's first values (bad reads: the device is off)."""
    ctl = [sys.executable, "-m", "panel", "--workspace", str(workspace), "ctl"]
    result = subprocess.run(
        [*ctl, "conns", "tags", conn_id, "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0:
        return False
    return any(tag.get("quality") == "bad" for tag in json.loads(result.stdout))


def test_an_idle_headless_engine_never_loads_numpy_charts_gui_or_drivers(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        workspace = resting_workspace(tmp_path / "ws", holder.getsockname()[1], 2)
        modules_file = tmp_path / "modules.json"
        proc = subprocess.Popen(
            [sys.executable, "-c", PROBE, str(modules_file), str(workspace)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        )
        try:
            wait_for_api_file(workspace, proc, STARTUP_S)
            for conn_id in ("idle0", "idle1"):
                wait_for(
                    lambda c=conn_id: _reported_bad_reads(workspace, c),
                    STARTUP_S,
                    f"{conn_id}'s bad reads",
                )
        finally:
            terminate_tree(proc)
    assert proc.returncode == 0
    loaded = set(json.loads(modules_file.read_text()))
    assert "panel.engine" in loaded and "panel.connections.history" in loaded
    heavy = {m for m in loaded for name in NOT_AT_REST if m == name or m.startswith(name + ".")}
    assert sorted(heavy) == []
