"""stop() takes the whole tree down: grandchildren, escaped daemons, SIGTERM-ignorers."""

from __future__ import annotations

import time
from typing import Any

import pytest

from panel.supervise.spec import ProcessSpec
from panel.supervise.state import ProcessState as S
from panel.util.ports import port_is_free


def start_tree(qtbot: Any, proc: Any) -> int:
    """Start `proc` (tree_with_port.py) and return the grandchild's pid once it listens."""
    out = bytearray()
    proc.sig_output.connect(lambda _s, data: out.extend(data))
    proc.start()
    qtbot.waitUntil(lambda: b"\n" in out, timeout=10_000)
    return int(out.split()[1])


@pytest.mark.parametrize("escape", [False, True], ids=["same-session", "escaped-session"])
def test_stop_kills_grandchild_holding_port(
    qtbot: Any, make_process: Any, helpers: Any, stray_pids: list[int], free_port: int, escape: bool
) -> None:
    args = [str(free_port)] + (["--escape"] if escape else [])
    spec = ProcessSpec("tree", helpers.child_argv("tree_with_port.py", *args), start_secs=0)
    proc = make_process(spec)
    grandchild = start_tree(qtbot, proc)
    stray_pids.append(grandchild)
    child = proc.pid
    assert not port_is_free(free_port)
    if escape:
        import os

        assert os.getsid(grandchild) != os.getsid(child)
    with qtbot.waitSignal(proc.sig_state_changed, check_params_cb=lambda n, _o: n == S.STOPPED):
        proc.stop()
    assert not helpers.alive(child)
    assert not helpers.alive(grandchild)
    assert port_is_free(free_port)


def test_leftovers_of_an_exited_child_are_stopped(
    qtbot: Any, make_process: Any, helpers: Any, stray_pids: list[int], free_port: int
) -> None:
    """A child that dies leaving a grandchild: the grandchild goes before the restart."""
    spec = ProcessSpec(
        "tree", helpers.child_argv("tree_with_port.py", str(free_port)), start_secs=0
    )
    proc = make_process(spec)
    grandchild = start_tree(qtbot, proc)
    stray_pids.append(grandchild)
    import os
    import signal

    with qtbot.waitSignal(proc.sig_started, timeout=10_000):
        os.kill(proc.pid, signal.SIGKILL)
    assert not helpers.alive(grandchild)  # gone before the new child was spawned


def test_sigterm_ignorer_is_killed_after_timeout(
    qtbot: Any, make_process: Any, helpers: Any
) -> None:
    timeout_ms = 600
    spec = ProcessSpec(
        "stubborn", helpers.child_argv("ignore_term.py"), start_secs=0, stop_timeout_ms=timeout_ms
    )
    proc = make_process(spec)
    ready = bytearray()
    proc.sig_output.connect(lambda _s, data: ready.extend(data))
    proc.start()
    qtbot.waitUntil(lambda: b"ready" in ready, timeout=10_000)
    pid = proc.pid
    exits: list[tuple[int, int]] = []
    proc.sig_exited.connect(lambda code, sig: exits.append((code, sig)))
    began = time.monotonic()
    with qtbot.waitSignal(
        proc.sig_state_changed, timeout=10_000, check_params_cb=lambda n, _o: n == S.STOPPED
    ):
        proc.stop()
    elapsed = time.monotonic() - began
    assert exits == [(-9, 9)]  # killed, not terminated
    assert elapsed >= timeout_ms / 1000
    assert elapsed < timeout_ms / 1000 + 2.0
    assert not helpers.alive(pid)


def test_stop_and_wait(make_process: Any, helpers: Any, qtbot: Any) -> None:
    spec = ProcessSpec("sleeper", helpers.py_argv("import time; time.sleep(60)"), start_secs=0)
    proc = make_process(spec)
    with qtbot.waitSignal(proc.sig_started, timeout=5000):
        proc.start()
    pid = proc.pid
    assert proc.stop_and_wait(5000)
    assert proc.state == S.STOPPED
    assert not helpers.alive(pid)
