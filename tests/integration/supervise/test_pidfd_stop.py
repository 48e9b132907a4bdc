"""A tree stopper given the root's pidfd (a zygote-forked child) never signals the
root by its bare pid: a pid the root had may belong to another process by then.

A second real process stands in for such a recycled pid: the stopper is told it is
the root's pid, while the signals to the root go through the real child's pidfd.
The child stops; the innocent process is never hit.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot

from panel.supervise.stopper import TreeStopper

SLEEPER = [sys.executable, "-c", "import time; time.sleep(600)"]
IGNORES_TERM = [
    sys.executable,
    "-c",
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN);"
    " print('ready', flush=True); time.sleep(600)",
]


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def _pidfd_sender(pid: int) -> tuple[int, list[int], Callable[[int], bool]]:
    """(the pidfd of `pid`, the signals sent so far, a sender through the pidfd)."""
    fd = os.pidfd_open(pid)
    sent: list[int] = []

    def send(sig: int) -> bool:
        sent.append(sig)
        signal.pidfd_send_signal(fd, sig)
        return True

    return fd, sent, send


@pytest.mark.parametrize("command", [SLEEPER, IGNORES_TERM], ids=["term", "kill"])
def test_the_root_is_signalled_through_its_pidfd_never_by_pid(
    qtbot: QtBot, processes: list[subprocess.Popen[bytes]], command: list[str]
) -> None:
    child = subprocess.Popen(command, start_new_session=True, stdout=subprocess.PIPE)
    innocent = subprocess.Popen(SLEEPER, start_new_session=True)
    processes += [child, innocent]
    if command is IGNORES_TERM:
        assert child.stdout is not None and child.stdout.readline() == b"ready\n"
    fd, sent, send = _pidfd_sender(child.pid)
    try:
        stopper = TreeStopper(None, innocent.pid, {}, 300, signal_root=send)
        done: list[bool] = []
        stopper.sig_done.connect(done.append)
        stopper.start()
        qtbot.waitUntil(lambda: child.poll() is not None, timeout=10_000)
        stopper.root_gone()  # the child's exit, as its pidfd tells the panel
        qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    finally:
        os.close(fd)
    assert done == [True]
    expected = -signal.SIGTERM if command is SLEEPER else -signal.SIGKILL
    assert child.returncode == expected
    assert sent[0] == signal.SIGTERM and sent[-1] == (
        signal.SIGTERM if command is SLEEPER else signal.SIGKILL
    )
    assert innocent.poll() is None, "the process that has the root's old pid was signalled"
