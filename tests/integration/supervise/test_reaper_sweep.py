"""Children die with the panel (reaper), and a crashed panel's orphans are swept."""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from panel.supervise.reaper_client import Reaper
from panel.supervise.recorder import MemoryRecorder
from panel.supervise.sweep import sweep_orphans, sweep_recorder
from panel.util.ports import port_is_free
from panel.workspace.process_records import RecordedProcess

CHILDREN = Path(__file__).parent / "children"


def read_words(pipe: Any, count: int, timeout_s: float) -> list[list[str]]:
    """Read `count` lines from `pipe` (bounded by `timeout_s`), split into words."""
    lines: list[list[str]] = []
    buffer = b""
    deadline = time.monotonic() + timeout_s
    with selectors.DefaultSelector() as sel:
        sel.register(pipe, selectors.EVENT_READ)
        while len(lines) < count:
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                raise TimeoutError(f"got only {lines!r} {buffer!r}")
            chunk = os.read(pipe.fileno(), 4096)
            if not chunk:
                raise EOFError(f"got only {lines!r} {buffer!r}")
            buffer += chunk
            while b"\n" in buffer and len(lines) < count:
                line, buffer = buffer.split(b"\n", 1)
                lines.append(line.decode().split())
    return lines


@pytest.fixture
def popen(stray_pids: list[int]) -> Iterator[Any]:
    """subprocess.Popen that is always killed and reaped after the test."""
    made: list[subprocess.Popen[bytes]] = []
    kw_sessions: dict[int, bool] = {}

    def factory(argv: list[str], **kw: Any) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, **kw)
        made.append(proc)
        kw_sessions[proc.pid] = bool(kw.get("start_new_session"))
        stray_pids.append(proc.pid)
        return proc

    yield factory
    for proc in made:
        if kw_sessions.get(proc.pid):
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)  # its session's grandchildren too
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
        assert proc.stdout is not None
        proc.stdout.close()


def test_sigkilled_panel_takes_its_trees_down(
    popen: Any, helpers: Any, stray_pids: list[int], free_port: int
) -> None:
    panel = popen([sys.executable, str(CHILDREN / "fake_panel.py"), str(free_port)])
    words = read_words(panel.stdout, 3, timeout_s=20)
    pids = {w[0]: int(w[1]) for w in words}
    assert set(pids) == {"reaper", "child", "grandchild"}
    stray_pids.extend(pids.values())
    assert os.getsid(pids["grandchild"]) == pids["child"]  # reached only by the reaper
    assert not port_is_free(free_port)
    panel.kill()
    panel.wait(5)
    assert helpers.wait_until(lambda: not any(helpers.alive(p) for p in pids.values()), 2.0), [
        p for p in pids.values() if helpers.alive(p)
    ]
    assert port_is_free(free_port)


@pytest.fixture
def reaper(qtbot: Any) -> Iterator[Reaper]:
    """A started Reaper, closed after the test."""
    reaper = Reaper()
    with qtbot.waitSignal(reaper.sig_ready, timeout=10_000):
        reaper.start()
    yield reaper
    reaper.close()


@pytest.fixture
def leader(popen: Any, stray_pids: list[int]) -> Callable[..., tuple[int, int]]:
    """Start session_leader.py in a new session: (leader pid, grandchild pid)."""

    def start(*args: str) -> tuple[int, int]:
        proc = popen(
            [sys.executable, str(CHILDREN / "session_leader.py"), *args], start_new_session=True
        )
        (words,) = read_words(proc.stdout, 1, timeout_s=10)
        stray_pids.append(int(words[1]))
        return proc.pid, int(words[1])

    return start


def test_reaper_kills_registered_sessions_on_eof(
    qtbot: Any, reaper: Reaper, leader: Any, helpers: Any
) -> None:
    kept, kept_grandchild = leader()
    doomed, doomed_grandchild = leader("--term-ignoring")
    reaper.add(doomed)
    reaper.add(kept)
    reaper.remove(kept)
    assert reaper.sessions == {doomed}
    reaper_pid = reaper.pid
    began = time.monotonic()
    reaper.close(kill_children=True)  # EOF on stdin, as when the panel dies
    assert not helpers.alive(doomed_grandchild)
    assert time.monotonic() - began < 2.5  # TERM ignored: SIGKILL after the short grace
    assert helpers.wait_until(lambda: not helpers.alive(doomed), 2.0)
    assert helpers.alive(kept) and helpers.alive(kept_grandchild)
    assert reaper_pid is not None and not helpers.alive(reaper_pid)


def test_reaper_quit_kills_nothing(qtbot: Any, reaper: Reaper, leader: Any, helpers: Any) -> None:
    pid, grandchild = leader()
    reaper.add(pid)
    reaper.close()
    assert helpers.alive(pid) and helpers.alive(grandchild)


def test_reaper_comes_back_after_dying(
    qtbot: Any, reaper: Reaper, leader: Any, helpers: Any
) -> None:
    pid, grandchild = leader()
    reaper.add(pid)
    old = reaper.pid
    assert old is not None
    with qtbot.waitSignals([reaper.sig_error, reaper.sig_ready], order="strict", timeout=10_000):
        os.kill(old, signal.SIGKILL)
    assert reaper.pid not in (None, old)
    assert helpers.alive(grandchild)  # SIGKILL gave the old reaper no chance to act
    reaper.close(kill_children=True)  # the new reaper knows the session
    assert helpers.wait_until(lambda: not helpers.alive(grandchild), 2.0)


def test_sweep_kills_matching_orphan_and_its_session(leader: Any, helpers: Any) -> None:
    pid, grandchild = leader("--term-ignoring")
    created = psutil.Process(pid).create_time()
    killed = sweep_orphans([RecordedProcess("srv", pid, created, pid)], grace_s=0.3)
    assert set(killed) == {pid, grandchild}
    assert not helpers.alive(pid) and not helpers.alive(grandchild)


def test_sweep_leaves_reused_pid_alone(leader: Any, helpers: Any) -> None:
    pid, grandchild = leader()
    created = psutil.Process(pid).create_time()
    assert sweep_orphans([RecordedProcess("srv", pid, created - 100.0, pid)]) == []
    assert helpers.alive(pid) and helpers.alive(grandchild)


def test_sweep_finds_session_of_dead_leader(leader: Any, helpers: Any) -> None:
    pid, grandchild = leader()
    created = psutil.Process(pid).create_time()
    os.kill(pid, signal.SIGKILL)
    assert helpers.wait_until(lambda: not helpers.alive(pid), 5.0)
    recorder = MemoryRecorder()
    recorder.record("srv", pid, created, pid)
    assert sweep_recorder(recorder) == [grandchild]
    assert not helpers.alive(grandchild)
    assert recorder.recorded() == []
