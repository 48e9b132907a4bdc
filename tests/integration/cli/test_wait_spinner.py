"""`--wait` shows a spinner with the elapsed time on stderr when stderr is a terminal (a
real pty here), and nothing at all when it is not; a real headless engine runs the job."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.integration.jobs.test_headless import prepare
from tests.integration.sessions.engine_proc import EngineProc

CLEAR = "\r\x1b[K"


def _waiter(go_on: Path) -> list[str]:
    script = f"import os, time\nwhile not os.path.exists({str(go_on)!r}):\n    time.sleep(0.01)\n"
    return [sys.executable, "-c", script]


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[EngineProc]:
    ws = tmp_path / "ws"
    prepare(ws, [{"id": "slow", "command": _waiter(tmp_path / "go-on")}])
    proc = EngineProc(ws)
    yield proc
    (tmp_path / "go-on").write_text("")
    proc.stop()


def _read_until(fd: int, seen: str, done: Callable[[str], bool], timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    while not done(seen):
        left = deadline - time.monotonic()
        assert left > 0, f"not seen on the terminal: {seen!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the other end closed (the process ended)
                break
            if not chunk:
                break
            seen += chunk.decode("utf-8", "replace")
    return seen


def test_spinner_on_a_terminal_and_silence_on_a_pipe(engine: EngineProc, tmp_path: Path) -> None:
    argv = [sys.executable, "-m", "panel", "ctl", "--workspace", str(engine.ws)]
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [*argv, "jobs", "run", "slow", "--wait"],
        stdout=subprocess.PIPE,
        stderr=follower,
        text=True,
    )
    os.close(follower)
    try:
        frames = _read_until(leader, "", lambda text: "running slow 0.3 s" in text)
        assert frames.startswith(f"{CLEAR}| running slow 0.0 s")  # at once, then redrawn
        (tmp_path / "go-on").write_text("")
        out, _ = proc.communicate(timeout=60)
        frames = _read_until(leader, frames, lambda text: text.endswith(CLEAR), 10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        os.close(leader)
    assert proc.returncode == 0
    assert frames.endswith(CLEAR)  # the line is cleared before the answer
    assert out.splitlines()[1].split()[1:3] == ["slow", "success"]

    piped = subprocess.run(
        [*argv, "jobs", "run", "slow", "--wait"], capture_output=True, text=True, timeout=60
    )
    assert (piped.returncode, piped.stderr) == (0, "")  # not a terminal: not a byte more
