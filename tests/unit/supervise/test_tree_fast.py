"""The cheap leftovers check after a session leader exits, against real processes."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from panel.supervise import tree
from panel.supervise.tree import (
    kernel_counters,
    pids_since,
    proc_info,
    snapshot,
    tree_may_live,
    tree_members,
)

LEAVE_GRANDCHILD = (
    "import subprocess, sys\n"
    "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
    "print(child.pid, flush=True)\n"
)
LEAVE_ESCAPEE = (
    "import subprocess, sys\n"
    "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'],"
    " start_new_session=True)\n"
    "print(child.pid, flush=True)\n"
)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux /proc")


def _gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.01)  # polling interval of a bounded wait
    return False


def _until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)  # polling interval of a bounded wait
    return True


@pytest.fixture
def leader() -> Iterator[Callable[[str], tuple[int, int | None, int | None]]]:
    """Run `code` as a session leader; (leader pid, printed pid, forks at start)."""
    strays: list[int] = []

    def run(code: str) -> tuple[int, int | None, int | None]:
        counters = kernel_counters()
        with subprocess.Popen(
            [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, start_new_session=True
        ) as proc:
            assert proc.stdout is not None
            line = proc.stdout.readline().strip()
            proc.wait(30)
        other = int(line) if line else None
        if other is not None:
            strays.append(other)
        return proc.pid, other, counters.forks if counters else None

    yield run
    for pid in strays:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def test_nothing_left_is_seen_cheaply(leader: Callable[..., tuple[int, int | None, int]]) -> None:
    root, _, forks = leader("pass")
    assert not tree_may_live(root, forks, {root: 0.0})
    assert not tree_members(snapshot(), None, root, {})


def test_session_member_left_behind_is_seen(leader: Callable[..., tuple[int, int, int]]) -> None:
    root, grandchild, forks = leader(LEAVE_GRANDCHILD)
    assert tree_may_live(root, forks, {})
    assert grandchild in tree_members(snapshot(), None, root, {})
    os.kill(grandchild, signal.SIGKILL)
    assert _gone(grandchild)
    assert not tree_members(snapshot(), None, root, {})
    # a zombie still answers getsid() ("maybe") until init has reaped it
    assert _until(lambda: not tree_may_live(root, forks, {}))


def test_known_escapee_is_seen(leader: Callable[..., tuple[int, int, int]]) -> None:
    root, escapee, forks = leader(LEAVE_ESCAPEE)
    info = proc_info(escapee)
    assert info is not None
    assert tree_may_live(root, forks, {escapee: info.start})
    assert not tree_may_live(root, forks, {escapee: info.start + 1})  # a reused pid is not it


def test_skipped_pids_and_unknown_forks(leader: Callable[..., tuple[int, int, int]]) -> None:
    root, grandchild, forks = leader(LEAVE_GRANDCHILD)
    assert not tree_may_live(root, forks, {}, skip={grandchild})
    assert tree_may_live(root, None, {})  # no fork count: cannot tell, so "maybe"
    candidates = pids_since(root, forks)
    assert candidates is not None and grandchild in candidates


def test_create_time_matches_psutil(leader: Callable[..., tuple[int, int, int]]) -> None:
    _, grandchild, _ = leader(LEAVE_GRANDCHILD)
    counters, info = kernel_counters(), proc_info(grandchild)
    assert counters is not None and info is not None
    created = psutil.Process(grandchild).create_time()
    assert abs(counters.create_time(info.start) - created) < 0.01


def test_the_wrap_check_gives_up_once_a_quarter_of_the_pids_may_be_gone(
    leader: Callable[..., tuple[int, int | None, int]],
) -> None:
    """The fork count read for the check may be a few ms old (shared by the exits of
    a burst), so it gives up at a quarter of pid_max, not half."""
    root, _, forks = leader("pass")
    pid_max = int(Path("/proc/sys/kernel/pid_max").read_text())
    assert pids_since(root, forks) is not None
    assert pids_since(root, forks - pid_max // 4) is None
    age = tree._wrap_check_age_s(pid_max)
    most_pids_meanwhile = age * tree._PIDS_PER_S_PER_CPU * (os.cpu_count() or 1)
    assert 0 < age <= 0.005 and most_pids_meanwhile <= pid_max // 4
