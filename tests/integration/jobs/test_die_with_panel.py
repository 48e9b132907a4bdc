"""A run's whole tree dies with a SIGKILLed engine (the reaper guards runs; no setpriv)."""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
import pytest

from tests.integration.jobs.test_headless import ctl, engine_proc, prepare, wait_for

__all__ = ["engine_proc"]  # the fixture, shared with the headless tests

SPAWN_AND_WAIT = (
    "import subprocess, sys, time\n"
    "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
    "time.sleep(120)\n"
)


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the reaper is Linux only")
def test_sigkilled_engine_takes_running_job_trees_down(
    tmp_path: Path, engine_proc: Callable[[Path], Any]
) -> None:
    ws = tmp_path / "ws"
    prepare(ws, [{"id": "long", "command": [sys.executable, "-c", SPAWN_AND_WAIT]}])
    proc = engine_proc(ws)
    assert ctl(ws, "jobs", "run", "long").returncode == 0

    def running_pid() -> int | None:
        runs = json.loads(ctl(ws, "jobs", "history", "--json").stdout)
        return runs[0]["pid"] if runs and runs[0]["status"] == "running" else None

    pid = wait_for(running_pid, 20, "the run to start")

    def grandchildren() -> list[int]:
        try:
            return [c.pid for c in psutil.Process(pid).children()]
        except psutil.Error:
            return []

    (grandchild,) = wait_for(grandchildren, 20, "the run's own child")
    assert not _gone(pid) and not _gone(grandchild)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    wait_for(lambda: _gone(pid) and _gone(grandchild), 10, "the run's tree to die")
