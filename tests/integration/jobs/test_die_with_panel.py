"""A run's whole tree dies with a SIGKILLed engine (the reaper guards runs; no setpriv)."""

from __future__ import annotations

import contextlib
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


def _long_run(ws: Path, engine_proc: Callable[[Path], Any]) -> tuple[Any, int, int]:
    """A headless engine running a job whose child has a child of its own:
    (engine process, the run's pid, its grandchild's pid)."""
    prepare(ws, [{"id": "long", "command": [sys.executable, "-c", SPAWN_AND_WAIT]}])
    proc = engine_proc(ws)
    assert ctl(ws, "jobs", "run", "long").returncode == 0

    def running_pid() -> int | None:
        runs = json.loads(ctl(ws, "jobs", "history", "--json").stdout)
        return runs[0]["pid"] if runs and runs[0]["status"] == "running" else None

    pid = wait_for(running_pid, 20, "the run to start")
    (grandchild,) = wait_for(lambda: _children(pid), 20, "the run's own child")
    return proc, pid, grandchild


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the reaper is Linux only")
def test_sigkilled_engine_takes_running_job_trees_down(
    tmp_path: Path, engine_proc: Callable[[Path], Any]
) -> None:
    proc, pid, grandchild = _long_run(tmp_path / "ws", engine_proc)
    assert not _gone(pid) and not _gone(grandchild)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    wait_for(lambda: _gone(pid) and _gone(grandchild), 10, "the run's tree to die")


def _kill_quietly(*pids: int) -> None:
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            psutil.Process(pid).kill()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the reaper is Linux only")
def test_a_crash_that_also_took_the_reaper_is_swept_at_the_next_start(
    tmp_path: Path, engine_proc: Callable[[Path], Any]
) -> None:
    """The run's row is its child's record: the next engine stops the whole tree."""
    ws = tmp_path / "ws"
    proc, pid, grandchild = _long_run(ws, engine_proc)
    (reaper,) = [
        c for c in psutil.Process(proc.pid).children() if "reaper" in " ".join(c.cmdline())
    ]
    try:
        proc.send_signal(signal.SIGSTOP)  # so that it cannot start its reaper again
        reaper.kill()
        wait_for(lambda: _gone(reaper.pid), 10, "the reaper to die")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert not _gone(pid) and not _gone(grandchild)  # nothing took the tree down
        engine_proc(ws)
        wait_for(lambda: _gone(pid) and _gone(grandchild), 10, "the next start to stop the tree")
        runs = json.loads(ctl(ws, "jobs", "history", "--json").stdout)
        assert [r["status"] for r in runs] == ["interrupted"]
    finally:
        _kill_quietly(pid, grandchild)


def _children(pid: int) -> list[int]:
    try:
        return [c.pid for c in psutil.Process(pid).children()]
    except psutil.Error:
        return []
