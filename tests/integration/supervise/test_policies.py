"""Restart policies, failed starts, FATAL, backoff and the memory limit, with real children."""

from __future__ import annotations

import os
import signal
import time
from typing import Any

import pytest

from panel.supervise.spec import ProcessSpec, RestartPolicy
from panel.supervise.state import ProcessState as S

# Exits with the code read from stdin: lets a test decide when and how it ends.
EXIT_ON_COMMAND = "import sys; sys.exit(int(sys.stdin.readline()))"


def running(qtbot: Any, proc: Any) -> int:
    with qtbot.waitSignal(proc.sig_started, timeout=5000) as blocker:
        proc.start()
    qtbot.waitUntil(lambda: proc.state == S.RUNNING, timeout=5000)
    return int(blocker.args[0])


def spec_for(helpers: Any, policy: RestartPolicy, **kw: Any) -> ProcessSpec:
    return ProcessSpec("p", helpers.py_argv(EXIT_ON_COMMAND), restart=policy, start_secs=0, **kw)


@pytest.mark.parametrize(
    ("policy", "how", "restarts"),
    [
        (RestartPolicy.NEVER, "0", False),
        (RestartPolicy.NEVER, "1", False),
        (RestartPolicy.NEVER, "kill", False),
        (RestartPolicy.ON_FAILURE, "0", False),
        (RestartPolicy.ON_FAILURE, "1", True),
        (RestartPolicy.ON_FAILURE, "kill", True),
        (RestartPolicy.ALWAYS, "0", True),
        (RestartPolicy.ALWAYS, "1", True),
    ],
)
def test_restart_policy(
    qtbot: Any, make_process: Any, helpers: Any, policy: RestartPolicy, how: str, restarts: bool
) -> None:
    proc = make_process(spec_for(helpers, policy))
    first = running(qtbot, proc)
    seen: list[S] = []
    proc.sig_state_changed.connect(lambda new, _old: seen.append(new))
    with qtbot.waitSignal(proc.sig_exited, timeout=5000) as blocker:
        if how == "kill":
            os.kill(first, signal.SIGKILL)
        else:
            proc.write(f"{how}\n".encode())
    expected_exit = [-9, 9] if how == "kill" else [int(how), 0]
    assert blocker.args == expected_exit
    # The decision is taken in the same slot that emitted sig_exited.
    if restarts:
        assert seen == [S.EXITED, S.STARTING]
        qtbot.waitUntil(lambda: proc.pid is not None and proc.pid != first, timeout=5000)
        assert proc.restarts == 1
    else:
        assert seen == [S.EXITED]
        assert proc.state == S.EXITED and proc.restarts == 0


def test_success_exit_codes(qtbot: Any, make_process: Any, helpers: Any) -> None:
    proc = make_process(spec_for(helpers, RestartPolicy.ON_FAILURE, success_exit_codes=(0, 3)))
    running(qtbot, proc)
    with qtbot.waitSignal(proc.sig_exited, timeout=5000):
        proc.write(b"3\n")
    assert proc.state == S.EXITED


def test_failed_starts_end_in_fatal_then_manual_start(
    qtbot: Any, make_process: Any, helpers: Any
) -> None:
    spec = ProcessSpec(
        "crasher",
        helpers.py_argv("import sys; sys.exit(2)"),
        start_secs=5.0,
        start_retries=2,
        restart_delay_ms=20,
        backoff_factor=1.0,
    )
    proc = make_process(spec)
    seen: list[S] = []
    proc.sig_state_changed.connect(lambda new, _old: seen.append(new))
    starts: list[int] = []
    proc.sig_started.connect(starts.append)
    with qtbot.waitSignal(proc.sig_error, timeout=10_000) as blocker:
        proc.start()
    assert "gave up after 3 failed starts" in blocker.args[0]
    assert proc.state == S.FATAL
    assert len(starts) == 1 + spec.start_retries
    assert seen == [S.STARTING, S.BACKOFF, S.STARTING, S.BACKOFF, S.STARTING, S.FATAL]
    # A manual start from FATAL tries again, here with a healthy program.
    proc.set_spec(ProcessSpec("ok", helpers.py_argv("import time; time.sleep(60)"), start_secs=0.1))
    proc.start()
    qtbot.waitUntil(lambda: proc.state == S.RUNNING, timeout=5000)


def test_backoff_gaps_grow(qtbot: Any, make_process: Any, helpers: Any) -> None:
    spec = ProcessSpec(
        "flappy",
        helpers.py_argv("import sys; sys.exit(1)"),
        start_secs=0,
        restart_delay_ms=100,
        backoff_factor=2.0,
        backoff_max_ms=10_000,
    )
    proc = make_process(spec)
    exited_at: list[float] = []
    started_at: list[float] = []
    proc.sig_exited.connect(lambda *_: exited_at.append(time.monotonic()))
    proc.sig_started.connect(lambda _pid: started_at.append(time.monotonic()))
    proc.start()
    qtbot.waitUntil(lambda: len(started_at) >= 4, timeout=10_000)
    proc.stop()
    gaps = [started_at[i + 1] - exited_at[i] for i in range(3)]
    expected = [0.1, 0.2, 0.4]
    for gap, want in zip(gaps, expected, strict=True):
        assert gap >= want * 0.95, gaps
        assert gap < want + 0.5, gaps
    assert gaps[0] < gaps[1] < gaps[2]


def test_crash_restart_is_immediate_without_delay(
    qtbot: Any, make_process: Any, helpers: Any
) -> None:
    spec = ProcessSpec("victim", helpers.py_argv("import time; time.sleep(60)"), start_secs=0)
    proc = make_process(spec)
    first = running(qtbot, proc)
    seen: list[S] = []
    proc.sig_state_changed.connect(lambda new, _old: seen.append(new))
    with qtbot.waitSignal(proc.sig_started, timeout=5000) as blocker:
        os.kill(first, signal.SIGKILL)
    assert blocker.args[0] != first
    assert seen[:2] == [S.EXITED, S.STARTING]  # no BACKOFF in between


def test_memory_limit_restarts(
    qtbot: Any, make_process: Any, helpers: Any, fast_sampler: Any
) -> None:
    spec = ProcessSpec(
        "hog", helpers.child_argv("alloc.py", "120"), start_secs=0, memory_limit_mb=60
    )
    proc = make_process(spec)
    first = running(qtbot, proc)
    with qtbot.waitSignal(proc.sig_error, timeout=10_000) as blocker:
        pass
    assert "memory" in blocker.args[0]
    qtbot.waitUntil(lambda: proc.pid is not None and proc.pid != first, timeout=10_000)
    assert not helpers.alive(first)
    assert proc.restarts >= 1
