"""Fixtures for supervision tests: real children, and clean-up even when a test fails."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from panel.supervise.process import ManagedProcess
from panel.supervise.spec import ProcessSpec
from panel.supervise.state import ProcessState
from panel.supervise.stats import StatsSampler

CHILDREN = Path(__file__).parent / "children"


def child_argv(script: str, *args: str) -> tuple[str, ...]:
    """argv running one of the child scripts with this interpreter."""
    return (sys.executable, str(CHILDREN / script), *args)


def py_argv(code: str) -> tuple[str, ...]:
    """argv running inline Python code."""
    return (sys.executable, "-c", code)


def wait_until(condition: Callable[[], bool], timeout_s: float, poll_s: float = 0.01) -> bool:
    """Poll `condition` until it holds or `timeout_s` passes (non-Qt code)."""
    deadline = time.monotonic() + timeout_s
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(poll_s)


def alive(pid: int, create_time: float | None = None) -> bool:
    """True when `pid` runs (not a zombie), and has `create_time` if given."""
    try:
        proc = psutil.Process(pid)
        if create_time is not None and abs(proc.create_time() - create_time) > 0.01:
            return False
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def kill_quietly(pids: list[int]) -> None:
    """SIGKILL these pids and their process groups, ignoring the gone ones."""
    for pid in pids:
        with contextlib.suppress(OSError):
            os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def helpers() -> Any:
    """The helper functions above, for tests (tests modules cannot import conftest)."""

    class Helpers:
        child_argv = staticmethod(child_argv)
        py_argv = staticmethod(py_argv)
        wait_until = staticmethod(wait_until)
        alive = staticmethod(alive)
        kill_quietly = staticmethod(kill_quietly)

    return Helpers


@pytest.fixture
def stray_pids() -> Iterator[list[int]]:
    """Pids a test learnt about; any still alive at the end are killed (and fail the test)."""
    pids: list[int] = []
    yield pids
    # Fixtures torn down before this one may have just sent SIGKILL: let it land.
    wait_until(lambda: not any(alive(pid) for pid in pids), 1.0)
    left = [pid for pid in pids if alive(pid)]
    kill_quietly(left)
    assert not left, f"processes left behind: {left}"


@pytest.fixture
def make_process(qtbot: Any, stray_pids: list[int]) -> Iterator[Callable[..., ManagedProcess]]:
    """Factory of ManagedProcess; every one is stopped (tree and all) after the test."""
    made: list[ManagedProcess] = []

    def factory(spec: ProcessSpec, **kwargs: Any) -> ManagedProcess:
        proc = ManagedProcess(spec, **kwargs)
        proc.sig_started.connect(stray_pids.append)
        made.append(proc)
        return proc

    yield factory
    for proc in made:
        stopped = proc.stop_and_wait(15_000)
        assert stopped, f"{proc.name} did not stop: {proc.state}"
        assert proc.state == ProcessState.STOPPED


@pytest.fixture
def fast_sampler() -> Iterator[StatsSampler]:
    """The shared stats sampler, watched, ticking every 100 ms for the test."""
    sampler = StatsSampler.instance()
    before = sampler.interval_ms
    sampler.set_interval_ms(100)
    sampler.watch(fast_sampler)
    yield sampler
    sampler.unwatch(fast_sampler)
    sampler.set_interval_ms(before)
