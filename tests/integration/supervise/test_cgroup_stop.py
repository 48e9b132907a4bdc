"""ManagedProcess with a cgroup per child, in each hierarchy of this machine: a daemon the
child leaves (setsid + double fork, SIGTERM ignored) goes with the child's stop and with
the leftovers' clean-up after the child exits on its own."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest

from panel.supervise.cgroups import BACKENDS, EngineCgroups, _detect_v1, _detect_v2, _mounts
from panel.supervise.spec import ProcessSpec
from panel.supervise.state import ProcessState as S
from panel.util.ports import port_is_free

DAEMONIZE = Path(__file__).parent / "children" / "daemonize.py"


@pytest.fixture(params=["v2", "v1"])
def cgroups(request: pytest.FixtureRequest) -> Iterator[EngineCgroups]:
    found = {"v2": _detect_v2, "v1": _detect_v1}[request.param](_mounts())
    if found.backend is None or found.root is None:
        pytest.skip(f"skipped: needs root and a writable cgroup {request.param}")
    groups = EngineCgroups(BACKENDS[request.param], found.root, f"test-{uuid.uuid4().hex[:12]}")
    yield groups
    assert groups.close()


def _daemons(token: str) -> list[int]:
    return [
        p.pid
        for p in psutil.process_iter(["cmdline", "status"])
        if token in (p.info["cmdline"] or []) and p.info["status"] != psutil.STATUS_ZOMBIE
    ]


def _spec(port: int, token: str, mode: str) -> ProcessSpec:
    argv = (sys.executable, str(DAEMONIZE), str(port), token, mode)
    return ProcessSpec("job:daemon", argv, restart="never", start_secs=0, stop_timeout_ms=300)


def _groups(cgroups: EngineCgroups) -> list[str]:
    return [entry.name for entry in os.scandir(cgroups.base) if entry.is_dir()]


def _wait_daemon(qtbot: Any, token: str, port: int) -> None:
    qtbot.waitUntil(lambda: bool(_daemons(token)) and not port_is_free(port), timeout=15_000)


def test_stop_takes_the_daemon_in_the_group(
    qtbot: Any, make_process: Any, stray_pids: list[int], free_port: int, cgroups: EngineCgroups
) -> None:
    token = f"daemon-{uuid.uuid4().hex}"
    proc = make_process(_spec(free_port, token, "wait"), cgroups=cgroups)
    proc.start()
    _wait_daemon(qtbot, token, free_port)
    stray_pids.extend(_daemons(token))
    (group,) = _groups(cgroups)
    assert group.startswith("job-")
    with qtbot.waitSignal(proc.sig_state_changed, check_params_cb=lambda n, _o: n == S.STOPPED):
        proc.stop()
    assert not _daemons(token) and port_is_free(free_port)
    assert cgroups.acquire("job:next") is not None  # the empty group went back to the pool
    assert _groups(cgroups) == [group]


def test_a_daemon_left_by_an_exited_child_goes_too(
    qtbot: Any, make_process: Any, stray_pids: list[int], free_port: int, cgroups: EngineCgroups
) -> None:
    token = f"daemon-{uuid.uuid4().hex}"
    proc = make_process(_spec(free_port, token, "exit"), cgroups=cgroups)
    proc.start()
    _wait_daemon(qtbot, token, free_port)
    stray_pids.extend(_daemons(token))
    qtbot.waitUntil(lambda: proc.state == S.EXITED and not proc._cleaning, timeout=10_000)
    assert proc.exit_code == 0
    assert not _daemons(token) and port_is_free(free_port)
