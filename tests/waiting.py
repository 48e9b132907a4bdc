"""Bounded waiting for tests that drive real processes outside a Qt event loop."""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import psutil

T = TypeVar("T")

POLL_S = 0.02


def wait_for(condition: Callable[[], T], timeout: float, what: str) -> T:
    """Poll `condition` until it returns something truthy, or fail saying `what`.

    This is a bounded wait on a condition a person would check (a file exists,
    a process is gone, a port is free), not a sleep standing in for one.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(POLL_S)  # the polling interval of a bounded wait
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def _api_file_of(workspace: Path, pid: int) -> bool:
    """Does the workspace's api.json name engine `pid` (or a process below it, for a
    launcher that forks)? A killed engine's file stays behind and does not count."""
    try:
        written = int(json.loads((workspace / "api.json").read_text())["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if written == pid:
        return True
    try:
        return written in {p.pid for p in psutil.Process(pid).children(recursive=True)}
    except psutil.Error:
        return False


def wait_for_api_file(workspace: Path, proc: subprocess.Popen[Any], timeout: float) -> None:
    """Wait until an engine started on `workspace` wrote its api.json (or died trying);
    a stale file left by an engine killed before does not count."""
    wait_for(
        lambda: _api_file_of(workspace, proc.pid) or proc.poll() is not None,
        timeout,
        "api.json",
    )


def terminate_tree(proc: subprocess.Popen[Any], timeout: float = 30.0) -> None:
    """SIGTERM `proc`, wait (bounded), kill it if needed, then kill any child it left."""
    try:
        leftovers = psutil.Process(proc.pid).children(recursive=True)
    except psutil.Error:
        leftovers = []
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for child in leftovers:
        with contextlib.suppress(psutil.Error):
            child.kill()
