"""`opspanel` started as a person starts it, while a headless engine runs: the window
process attaches (on this machine, or over ssh:// with --connect), stays up, and when
it is killed without a goodbye the engine, its server and no stray ssh are left."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from tests.gui.attached import HeadlessProcess
from tests.integration.engine.conftest import ctl
from tests.remote_parts import Sshd
from tests.waiting import terminate_tree, wait_for

pytestmark = pytest.mark.slow

ATTACH_S = 60.0


class WindowProcess:
    """``python -m panel ARGV...`` on the offscreen platform, its stderr in a file."""

    def __init__(self, folder: Path, *argv: str) -> None:
        self.stderr = folder / "window.err"
        env = dict(
            os.environ,
            QT_QPA_PLATFORM="offscreen",
            XDG_CONFIG_HOME=str(folder / "window-config"),  # not the user's settings
            PYTHONUNBUFFERED="1",
        )
        with open(self.stderr, "wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "panel", *argv],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                env=env,
            )

    def said(self) -> str:
        """What the window printed on stderr so far."""
        return self.stderr.read_text(errors="replace")

    def wait_attached(self) -> str:
        """The ``opspanel: window attached ...`` line, once printed (the window is up)."""
        wait_for(
            lambda: "window attached" in self.said() or self.proc.poll() is not None,
            ATTACH_S,
            "the window to say it is attached",
        )
        assert self.proc.poll() is None, self.said()
        return next(line for line in self.said().splitlines() if "window attached" in line)

    def kill(self) -> None:
        """SIGKILL: no chance to close anything."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)


@pytest.fixture
def windows(tmp_path: Path) -> Iterator[list[WindowProcess]]:
    """Window processes started by a test; any left running is stopped."""
    started: list[WindowProcess] = []
    yield started
    for window in started:
        terminate_tree(window.proc, timeout=10)


def _status(ws: Path) -> dict[str, dict[str, object]]:
    done = ctl(ws, "status", "--json")
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def test_a_window_on_a_running_engine_stays_attached_and_dies_alone(
    headless: HeadlessProcess, tmp_path: Path, windows: list[WindowProcess]
) -> None:
    ws = headless.workspace
    started = ctl(ws, "server", "start", "--wait", "--json")
    assert started.returncode == 0, started.stderr
    before = _status(ws)
    engine_pid, server_pid = before["engine"]["pid"], before["server"]["pid"]
    assert server_pid is not None

    window = WindowProcess(tmp_path, "--workspace", str(ws))
    windows.append(window)
    assert window.wait_attached() == (
        f"opspanel: window attached to the engine of {ws} (pid {engine_pid})"
    )
    window.kill()

    after = _status(ws)
    assert after["engine"]["pid"] == engine_pid
    assert after["server"]["pid"] == server_pid
    assert after["server"]["status"] == "running"


def _tunnels_of(pid: int) -> list[psutil.Process]:
    """The ssh processes started by process `pid` (its tunnel)."""
    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []
    return [child for child in children if child.name() == "ssh"]


def test_a_window_over_ssh_leaves_no_ssh_behind_when_killed(
    headless: HeadlessProcess, sshd: Sshd, tmp_path: Path, windows: list[WindowProcess]
) -> None:
    ws = headless.workspace
    engine_pid = _status(ws)["engine"]["pid"]
    window = WindowProcess(
        tmp_path, "--connect", sshd.url(ws), "--ssh-config", str(sshd.client_config)
    )
    windows.append(window)
    assert window.wait_attached() == (
        f"opspanel: window attached to the engine of ssh://{sshd.user}@127.0.0.1:{sshd.port} "
        f"(pid {engine_pid})"
    )
    [tunnel] = _tunnels_of(window.proc.pid)
    window.kill()
    wait_for(lambda: not tunnel.is_running(), 30, "the window's ssh tunnel to end")
    assert _status(ws)["engine"]["pid"] == engine_pid


def test_a_bad_url_is_one_sentence_and_no_window(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "panel", "--connect", "ftp://example.org"],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
    )
    assert done.returncode == 2
    assert done.stderr == (
        "opspanel: cannot reach ftp://example.org: use wss://, https:// or ssh:// (not ftp://)\n"
    )
    no_token = subprocess.run(
        [sys.executable, "-m", "panel"],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen", OPSPANEL_URL="wss://127.0.0.1:9"),
    )
    assert no_token.returncode == 2
    assert no_token.stderr == (
        "opspanel: wss://127.0.0.1:9/rpc needs the engine's token: pass --token-file FILE "
        "(or set OPSPANEL_TOKEN_FILE)\n"
    )
