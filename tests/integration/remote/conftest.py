"""Fixtures for reaching engines: a real sshd on 127.0.0.1, real headless engines, a cert."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.remote_parts import sshd  # noqa: F401 (the fixture, for the tests here)
from tests.waiting import terminate_tree, wait_for

STARTUP_S = 60.0


@dataclass
class Engine:
    """A real `opspanel --headless` process and where its output goes."""

    proc: subprocess.Popen[bytes]
    workspace: Path
    output: Path

    def log(self) -> str:
        """What the engine wrote so far."""
        return self.output.read_text(errors="replace")


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Callable[..., Engine]]:
    """Start headless engines: `engine(ws, wait_api=True)`; all stopped afterwards."""
    started: list[Engine] = []

    def start(ws: Path, *, wait_api: bool = True) -> Engine:
        output = tmp_path / f"engine{len(started)}.out"
        with open(output, "wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "panel", "--headless", "--workspace", str(ws)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=dict(os.environ, PYTHONUNBUFFERED="1"),
            )
        running = Engine(proc, ws, output)
        started.append(running)
        if wait_api:
            wait_for(
                lambda: (ws / "api.json").exists() or proc.poll() is not None,
                STARTUP_S,
                "the engine's api.json",
            )
            assert proc.poll() is None, running.log()
        return running

    yield start
    for running in started:
        terminate_tree(running.proc, timeout=40)


def run_ctl(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`opspanel ctl ARGV...` as a user runs it: its own process, output captured."""
    return subprocess.run(
        [sys.executable, "-m", "panel", "ctl", *argv],
        capture_output=True,
        text=True,
        timeout=90,
        stdin=subprocess.DEVNULL,
        env=dict(os.environ, **(env or {})),
    )
