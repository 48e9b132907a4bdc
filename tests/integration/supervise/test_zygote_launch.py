"""`ManagedProcess` with a `Zygote` launcher: forked children, exits told by the zygote,
and a zygote that restarts when the panel's code changed.

The children are real connection workers reading a configuration file that does not
exist: such a worker says why and stays up (ERROR) until it is stopped.
"""

from __future__ import annotations

import dataclasses
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from pytestqt.qtbot import QtBot

import panel.supervise.zygote.version as version_module
from panel.supervise.process import ManagedProcess
from panel.supervise.spec import ProcessSpec
from panel.supervise.state import ProcessState
from panel.supervise.zygote.client import Zygote
from panel.util.paths import panel_argv


def _spec(tmp_path: Path, name: str) -> ProcessSpec:
    argv = panel_argv(
        "worker", "connection", "--conn-id", name, "--config-json", str(tmp_path / "none.json")
    )
    return ProcessSpec(name=f"conn:{name}", argv=tuple(argv), cwd=str(tmp_path), python_child=True)


@pytest.fixture
def zygote(qtbot: QtBot) -> Iterator[Zygote]:
    made = Zygote("modbus")
    yield made
    made.close()


def _started(qtbot: QtBot, proc: ManagedProcess) -> int:
    with qtbot.waitSignal(proc.sig_started, timeout=20_000) as blocker:
        proc.start()
    return int(blocker.args[0])


def _stop(qtbot: QtBot, proc: ManagedProcess) -> None:
    proc.stop()
    qtbot.waitUntil(lambda: proc.state == ProcessState.STOPPED, timeout=10_000)


def test_a_forked_child_is_its_own_session_and_its_exit_code_is_told(
    qtbot: QtBot, tmp_path: Path, zygote: Zygote
) -> None:
    proc = ManagedProcess(_spec(tmp_path, "a"))
    proc.set_launcher(zygote)
    output: list[bytes] = []
    proc.sig_output.connect(lambda _stream, data: output.append(data))
    pid = _started(qtbot, proc)
    assert proc.forked and psutil.Process(pid).ppid() == zygote.pid
    assert os.getsid(pid) == pid
    assert psutil.Process(pid).cmdline() == list(proc.spec.argv)  # as if it were spawned
    qtbot.waitUntil(lambda: b"none.json" in b"".join(output), timeout=10_000)  # its stdout
    assert proc.write(b'{"cmd":"stop"}\n')
    qtbot.waitUntil(lambda: proc.state == ProcessState.EXITED, timeout=10_000)
    assert proc.exit_code == 0 and proc.exit_signal == 0
    _stop(qtbot, proc)


def test_the_zygote_restarts_when_the_code_changed_and_the_old_one_drains(
    qtbot: QtBot, tmp_path: Path, zygote: Zygote
) -> None:
    first = ManagedProcess(_spec(tmp_path, "a"))
    first.set_launcher(zygote)
    first_pid = _started(qtbot, first)
    old_zygote = zygote.pid
    assert old_zygote is not None and zygote.starts == 1
    source = Path(version_module.__file__)
    stat = source.stat()
    second = ManagedProcess(_spec(tmp_path, "b"))
    second.set_launcher(zygote)
    try:
        os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # "the code changed"
        with qtbot.waitSignal(zygote.sig_restarted, timeout=20_000):
            second_pid = _started(qtbot, second)
    finally:
        os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert zygote.starts == 2 and zygote.pid != old_zygote
    assert psutil.Process(second_pid).ppid() == zygote.pid
    assert psutil.Process(first_pid).is_running()  # the old zygote's child goes on
    _stop(qtbot, first)
    assert first.exit_code == 0  # told by the old zygote, which then ends
    qtbot.waitUntil(lambda: not psutil.pid_exists(old_zygote), timeout=10_000)
    _stop(qtbot, second)


def test_a_forked_child_that_does_not_stop_is_killed_and_its_signal_told(
    qtbot: QtBot, tmp_path: Path, zygote: Zygote
) -> None:
    spec = _spec(tmp_path, "c")
    proc = ManagedProcess(dataclasses.replace(spec, stop_timeout_ms=300))
    proc.set_launcher(zygote)
    output: list[bytes] = []
    proc.sig_output.connect(lambda _stream, data: output.append(data))
    pid = _started(qtbot, proc)
    qtbot.waitUntil(lambda: b"none.json" in b"".join(output), timeout=10_000)  # it runs
    os.kill(pid, signal.SIGSTOP)  # a hung worker: its SIGTERM handler never runs
    _stop(qtbot, proc)
    assert proc.exit_code == -signal.SIGKILL and proc.exit_signal == signal.SIGKILL
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
