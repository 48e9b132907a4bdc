"""ManagedProcess with real children: states, output, stop, restart."""

from __future__ import annotations

import os
import sys
from typing import Any

from panel.supervise.process import ManagedProcess
from panel.supervise.recorder import MemoryRecorder
from panel.supervise.spec import ProcessSpec, RestartPolicy
from panel.supervise.state import ProcessState as S

SLEEPER = "import time\nwhile True: time.sleep(3600)"


def states(proc: ManagedProcess) -> list[S]:
    """Record every new state of `proc` in a list."""
    seen: list[S] = []
    proc.sig_state_changed.connect(lambda new, _old: seen.append(new))
    return seen


def output_of(proc: ManagedProcess) -> bytearray:
    """Collect everything `proc`'s children print, in one buffer."""
    out = bytearray()
    proc.sig_output.connect(lambda _stream, data: out.extend(data))
    return out


def run_to_exit(qtbot: Any, proc: ManagedProcess, env: dict[str, str] | None = None) -> Any:
    """Start `proc` (with `env` for this start) and wait for its child to exit;
    the (exit_code, signal) it reported."""
    with qtbot.waitSignal(proc.sig_exited, timeout=10_000) as blocker:
        proc.start(env)
    return blocker.args


def is_state(state: S) -> Any:
    """check_params_cb accepting only sig_state_changed to `state`."""
    return lambda new, _old: new == state


def test_start_running_stop(qtbot: Any, make_process: Any, helpers: Any) -> None:
    proc = make_process(ProcessSpec("sleeper", helpers.py_argv(SLEEPER), start_secs=0.2))
    seen = states(proc)
    exits: list[tuple[int, int]] = []
    proc.sig_exited.connect(lambda code, sig: exits.append((code, sig)))
    with qtbot.waitSignals(
        [proc.sig_state_changed, proc.sig_started, proc.sig_state_changed],
        check_params_cbs=[is_state(S.STARTING), None, is_state(S.RUNNING)],
        order="strict",
        timeout=5000,
    ):
        proc.start()
        assert proc.state == S.STARTING
    pid = proc.pid
    assert pid is not None and helpers.alive(pid)
    assert proc.started_at is not None
    assert proc.uptime >= 0.2
    with qtbot.waitSignals(
        [proc.sig_state_changed, proc.sig_exited, proc.sig_state_changed],
        check_params_cbs=[is_state(S.STOPPING), None, is_state(S.STOPPED)],
        order="strict",
        timeout=5000,
    ):
        proc.stop()
        assert proc.state == S.STOPPING
    assert proc.state == S.STOPPED
    assert seen == [S.STARTING, S.RUNNING, S.STOPPING, S.STOPPED]
    assert exits == [(-15, 15)]
    assert not helpers.alive(pid)
    assert proc.pid is None and proc.exit_code == -15 and proc.exit_signal == 15


def test_output_is_drained_in_order(qtbot: Any, make_process: Any, helpers: Any) -> None:
    code = "import sys\nfor i in range(2000): print(f'line {i}')\nsys.stderr.write('oops\\n')\n"
    proc = make_process(
        ProcessSpec("talker", helpers.py_argv(code), restart=RestartPolicy.NEVER, python_child=True)
    )
    chunks: dict[str, bytearray] = {"stdout": bytearray(), "stderr": bytearray()}
    proc.sig_output.connect(lambda stream, data: chunks[stream].extend(data))
    assert run_to_exit(qtbot, proc) == [0, 0]
    assert proc.state == S.EXITED
    lines = bytes(chunks["stdout"]).decode().splitlines()
    assert lines == [f"line {i}" for i in range(2000)]
    assert bytes(chunks["stderr"]) == b"oops\n"


def test_env_cwd_and_unbuffered(qtbot: Any, make_process: Any, helpers: Any, tmp_path: Any) -> None:
    code = "import os; print(os.getcwd(), os.environ['OPS_X'], os.environ.get('PYTHONUNBUFFERED'))"
    spec = ProcessSpec(
        "env",
        helpers.py_argv(code),
        cwd=str(tmp_path),
        env={"OPS_X": "42"},
        python_child=True,
        restart=RestartPolicy.NEVER,
    )
    proc = make_process(spec)
    out = output_of(proc)
    run_to_exit(qtbot, proc)
    assert out.decode().split() == [str(tmp_path), "42", "1"]


def test_children_see_the_panel_environment_as_it_is_now(
    qtbot: Any, make_process: Any, helpers: Any, monkeypatch: Any
) -> None:
    """The panel's environment is kept between spawns only while it is unchanged."""
    code = "import os; print(os.environ.get('OPS_NOW', '-'))"
    spec = ProcessSpec("env", helpers.py_argv(code), restart=RestartPolicy.NEVER)
    proc = make_process(spec)
    out = output_of(proc)
    for value in ("first", "second", None):
        if value is None:
            monkeypatch.delenv("OPS_NOW")
        else:
            monkeypatch.setenv("OPS_NOW", value)
        run_to_exit(qtbot, proc)
    assert out.decode().split() == ["first", "second", "-"]


def test_variables_of_one_start_stay_with_that_start(
    qtbot: Any, make_process: Any, helpers: Any
) -> None:
    code = "import os; print(os.environ.get('OPS_RUN', '-'), os.environ['OPS_JOB'])"
    spec = ProcessSpec(
        "env", helpers.py_argv(code), env={"OPS_JOB": "j"}, restart=RestartPolicy.NEVER
    )
    proc = make_process(spec)
    out = output_of(proc)
    for env in ({"OPS_RUN": "1", "OPS_JOB": "ignored"}, None):
        run_to_exit(qtbot, proc, env)
    assert out.decode().split() == ["1", "j", "-", "j"]  # the spec's variables win a clash


def test_a_second_start_takes_the_new_spec_whole(
    qtbot: Any, make_process: Any, helpers: Any, tmp_path: Any
) -> None:
    """The QProcess of the first child is started again for the second: nothing of the
    first spec (cwd, environment, argv) may stick to it."""
    code = "import os; print(os.getcwd(), os.environ.get('OPS_X', '-'))"
    first = ProcessSpec(
        "twice",
        helpers.py_argv(code),
        cwd=str(tmp_path),
        env={"OPS_X": "1"},
        restart=RestartPolicy.NEVER,
    )
    proc = make_process(first)
    out = output_of(proc)
    run_to_exit(qtbot, proc)
    assert out.decode().split() == [str(tmp_path), "1"]
    out.clear()
    second = ProcessSpec(
        "twice", helpers.py_argv(code + "; raise SystemExit(3)"), restart=RestartPolicy.NEVER
    )
    proc.set_spec(second)
    assert run_to_exit(qtbot, proc) == [3, 0]
    assert out.decode().split() == [os.getcwd(), "-"]


def test_child_has_its_own_session(qtbot: Any, make_process: Any, helpers: Any) -> None:
    import os

    proc = make_process(ProcessSpec("sleeper", helpers.py_argv(SLEEPER), start_secs=0))
    with qtbot.waitSignal(proc.sig_started, timeout=5000) as blocker:
        proc.start()
    pid = blocker.args[0]
    assert os.getsid(pid) == pid == proc.sid
    assert os.getpgid(pid) == pid


def test_stdin_write(qtbot: Any, make_process: Any, helpers: Any) -> None:
    code = "import sys; sys.exit(int(sys.stdin.readline()))"
    proc = make_process(
        ProcessSpec("stdin", helpers.py_argv(code), start_secs=0, restart=RestartPolicy.NEVER)
    )
    with qtbot.waitSignal(proc.sig_started, timeout=5000):
        proc.start()
    with qtbot.waitSignal(proc.sig_exited, timeout=5000) as blocker:
        assert proc.write(b"7\n")
    assert blocker.args == [7, 0]


def test_restart_goes_through_stopped(qtbot: Any, make_process: Any, helpers: Any) -> None:
    proc = make_process(ProcessSpec("sleeper", helpers.py_argv(SLEEPER), start_secs=0))
    with qtbot.waitSignal(proc.sig_started, timeout=5000):
        proc.start()
    first = proc.pid
    seen = states(proc)
    with qtbot.waitSignal(proc.sig_started, timeout=5000) as blocker:
        proc.restart()
    assert blocker.args[0] != first
    qtbot.waitUntil(lambda: proc.state == S.RUNNING, timeout=5000)
    assert seen == [S.STOPPING, S.STOPPED, S.STARTING, S.RUNNING]
    assert not helpers.alive(first)


def test_stop_before_spawn_completes(qtbot: Any, make_process: Any, helpers: Any) -> None:
    proc = make_process(ProcessSpec("sleeper", helpers.py_argv(SLEEPER)))
    proc.start()
    proc.stop()
    qtbot.waitUntil(lambda: proc.state == S.STOPPED, timeout=5000)
    assert proc.pid is None


def test_failed_to_start_is_reported(qtbot: Any, make_process: Any) -> None:
    spec = ProcessSpec("missing", ("/nonexistent/program",), restart=RestartPolicy.NEVER)
    proc = make_process(spec)
    with qtbot.waitSignal(proc.sig_error, timeout=5000) as blocker:
        proc.start()
    assert "failed to start" in blocker.args[0]
    assert proc.state == S.FATAL
    assert proc.last_error == blocker.args[0]


def test_a_missing_program_is_named_after_the_spawn_failed(qtbot: Any, make_process: Any) -> None:
    """An absolute program run without a wrapper is not looked up before the spawn."""
    spec = ProcessSpec(
        "missing",
        ("/nonexistent/program",),
        restart=RestartPolicy.NEVER,
        parent_death_signal=False,
    )
    proc = make_process(spec)
    with qtbot.waitSignal(proc.sig_error, timeout=5000) as blocker:
        proc.start()
    assert "program not found: /nonexistent/program" in blocker.args[0]
    assert proc.state == S.FATAL


STUBBORN = (
    "import signal, sys, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "print('ready', flush=True)\n"
    "time.sleep(60)\n"
)
LEAVES_A_CHILD = (  # a grandchild that ignores SIGTERM, so its stop takes the grace time
    "import subprocess, sys\n"
    f"child = subprocess.Popen([sys.executable, '-c', {STUBBORN!r}], stdout=subprocess.PIPE)\n"
    "child.stdout.readline()\n"
    "print(child.pid, flush=True)\n"
)


def test_without_record_running_only_leftovers_are_recorded(
    qtbot: Any, make_process: Any, helpers: Any
) -> None:
    """The owner records the running child; the recorder holds a tree still being
    stopped after its child exited, until the tree is gone."""
    recorder = MemoryRecorder()
    spec = ProcessSpec(
        "leaves",
        helpers.py_argv(LEAVES_A_CHILD),
        restart=RestartPolicy.NEVER,
        start_secs=0,
        stop_timeout_ms=300,
    )
    proc = make_process(spec, recorder=recorder, record_running=False)
    seen: dict[object, list[object]] = {}
    proc.sig_started.connect(lambda _pid: seen.setdefault("started", recorder.recorded()))
    proc.sig_state_changed.connect(lambda new, _old: seen.setdefault(new, recorder.recorded()))
    output: list[bytes] = []
    proc.sig_output.connect(lambda _stream, data: output.append(data))
    with qtbot.waitSignal(proc.sig_started, timeout=10_000) as started:
        proc.start()
    pid = started.args[0]
    qtbot.waitUntil(lambda: proc.state == S.EXITED, timeout=10_000)
    grandchild = int(b"".join(output))
    assert seen["started"] == []
    (record,) = seen[S.EXITED]
    assert (record.pid, record.sid) == (pid, pid)
    qtbot.waitUntil(lambda: recorder.recorded() == [], timeout=10_000)
    assert not helpers.alive(grandchild)


def test_recorder_sees_start_and_end(qtbot: Any, make_process: Any, helpers: Any) -> None:
    import psutil

    recorder = MemoryRecorder()
    proc = make_process(
        ProcessSpec("rec", helpers.py_argv(SLEEPER), start_secs=0), recorder=recorder
    )
    with qtbot.waitSignal(proc.sig_started, timeout=5000) as blocker:
        proc.start()
    pid = blocker.args[0]
    (record,) = recorder.recorded()
    assert (record.name, record.pid, record.sid) == ("rec", pid, pid)
    assert record.create_time == psutil.Process(pid).create_time()
    assert proc.stop_and_wait(5000)
    assert recorder.recorded() == []


def test_stats_cover_the_tree(
    qtbot: Any, make_process: Any, helpers: Any, fast_sampler: Any, free_port: int
) -> None:
    proc = make_process(
        ProcessSpec("tree", helpers.child_argv("tree_with_port.py", str(free_port)), start_secs=0)
    )
    samples: list[tuple[float, int]] = []
    proc.sig_stats.connect(lambda cpu, rss: samples.append((cpu, rss)))
    with qtbot.waitSignal(proc.sig_output, timeout=10_000):
        proc.start()
    qtbot.waitUntil(lambda: len(samples) >= 3, timeout=5000)
    import psutil

    own = psutil.Process(proc.pid).memory_info().rss
    assert samples[-1][1] > own  # child and grandchild
    assert all(cpu >= 0.0 for cpu, _ in samples)


def test_python_path_is_this_interpreter(helpers: Any) -> None:
    assert helpers.py_argv("x")[0] == sys.executable


def test_a_listener_hears_what_the_signals_say(qtbot: Any, make_process: Any, helpers: Any) -> None:
    heard: list[tuple[object, ...]] = []
    signalled: list[tuple[object, ...]] = []

    class Listener:
        def process_started(self, process: ManagedProcess, pid: int) -> None:
            heard.append(("started", pid))

        def process_output(self, process: ManagedProcess, stream: str, data: bytes) -> None:
            heard.append((stream, data))

        def process_state_changed(self, process: ManagedProcess, new: S, old: S) -> None:
            heard.append((new, old))

    spec = ProcessSpec("talks", helpers.py_argv("print('hi')"), restart=RestartPolicy.NEVER)
    proc = make_process(spec, listener=Listener())
    proc.sig_started.connect(lambda pid: signalled.append(("started", pid)))
    proc.sig_output.connect(lambda stream, data: signalled.append((stream, data)))
    proc.sig_state_changed.connect(lambda new, old: signalled.append((new, old)))
    run_to_exit(qtbot, proc)
    assert heard == signalled
    # however the pipe split the bytes, the listener got them all, in order
    assert b"".join(bytes(e[1]) for e in heard if e[0] == "stdout") == b"hi\n"
    assert heard[-1][0] == S.EXITED
