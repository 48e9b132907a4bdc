"""Supervision figures beside supervisord, measured in the same run.

- crash -> restarted: SIGKILL the child, time until the new child exists
  (our sig_started; supervisord's new child pid), >= 10 trials, with
  restart_delay_ms = 0 and with a configured 500 ms delay (error reported);
- stop latency of a child that exits on SIGTERM;
- idle overhead of a supervisor of 20 idle children, over IDLE_SECONDS, in
  IDLE_ROUNDS rounds that take turns: the bare process core (a QCoreApplication
  + 20 ManagedProcess of `sleep`), the real engine (`python -m panel --headless`
  on a workspace of 20 Modbus connections whose device is stopped: 20 workers
  waiting to retry, nothing to poll, no window, no API client) and supervisord
  with 20 programs; beside them the stack's floor (Python, QtCore, QtNetwork, asyncio
  on Qt, sqlite3 and psutil loaded, an idle loop, no child: what any engine built on
  them costs at rest). CPU is the process's CPU time over the window (1 s psutil
  samples only resolve 1 %), wakeups the voluntary context switches per second.
Everything started here is stopped and reaped before run() returns.
"""

from __future__ import annotations

import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import xmlrpc.client
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil

TRIALS = 12
DELAY_MS = 500
IDLE_CHILDREN = 20
IDLE_SECONDS = float(os.environ.get("BENCH_IDLE_SECONDS", "20"))
IDLE_ROUNDS = int(os.environ.get("BENCH_IDLE_ROUNDS", "3"))
IDLE_SETTLE_S = 3.0
"""Time after the children are up before measuring (start-up work is not rest)."""
SLEEP_CODE = "import time\nwhile True: time.sleep(3600)"
SLEEP_ARGV = [sys.executable, "-c", SLEEP_CODE]


def _summary(values_ms: list[float]) -> dict[str, float]:
    ordered = sorted(values_ms)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(p99, 2),
        "max_ms": round(ordered[-1], 2),
    }


# ------------------------------------------------------------------ ours


_APP: Any = None
REFCOUNT_GUARD = """
import ctypes, sys
import PySide6
if sys.version_info < (3, 12) and PySide6.__version__ == "6.12.0":
    # PySide6 6.12.0 returns None/True/False without a new reference on Python
    # 3.11 (they are immortal only from 3.12): pad their counts so a long
    # measurement does not die of it. Not needed with any other pairing.
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40
"""


def _app() -> Any:
    from PySide6.QtCore import QCoreApplication

    exec(REFCOUNT_GUARD, {})

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return QCoreApplication.instance() or QCoreApplication([])


def _wait_for(condition: Callable[[], bool], timeout_s: float) -> bool:
    """Run the Qt event loop until `condition` holds (bounded)."""
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.monotonic() + timeout_s
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(1)

    def check() -> None:
        if condition() or time.monotonic() >= deadline:
            loop.quit()

    timer.timeout.connect(check)
    timer.start()
    if not condition():
        loop.exec()
    timer.stop()
    return condition()


def _pause(seconds: float) -> None:
    """Let the event loop run for `seconds` (the child accumulates uptime)."""
    end = time.monotonic() + seconds
    _wait_for(lambda: time.monotonic() >= end, seconds + 1)


def _ours_crash_restart(delay_ms: int) -> list[float]:
    from panel.supervise.process import ManagedProcess
    from panel.supervise.spec import ProcessSpec
    from panel.supervise.state import ProcessState

    # A short reset time so that every trial is the first crash of a streak.
    spec = ProcessSpec(
        "victim", tuple(SLEEP_ARGV), start_secs=0, restart_delay_ms=delay_ms, backoff_reset_secs=0.2
    )
    proc = ManagedProcess(spec)
    started: list[float] = []
    proc.sig_started.connect(lambda _pid: started.append(time.perf_counter()))
    proc.start()
    assert _wait_for(lambda: proc.state == ProcessState.RUNNING, 10)
    latencies = []
    try:
        for _ in range(TRIALS):
            _pause(0.25)
            count = len(started)
            killed = time.perf_counter()
            os.kill(proc.pid or 0, signal.SIGKILL)
            assert _wait_for(lambda count=count: len(started) > count, 10 + delay_ms / 1000)
            latencies.append((started[-1] - killed) * 1000)
    finally:
        proc.stop_and_wait(10_000)
    return latencies


def _ours_stop() -> list[float]:
    from panel.supervise.process import ManagedProcess
    from panel.supervise.spec import ProcessSpec
    from panel.supervise.state import ProcessState

    proc = ManagedProcess(ProcessSpec("victim", tuple(SLEEP_ARGV), start_secs=0))
    latencies = []
    try:
        for _ in range(TRIALS):
            proc.start()
            assert _wait_for(lambda: proc.state == ProcessState.RUNNING, 10)
            _pause(0.1)  # let the interpreter come up, as for supervisord
            began = time.perf_counter()
            proc.stop()
            assert _wait_for(lambda: proc.state == ProcessState.STOPPED, 10)
            latencies.append((time.perf_counter() - began) * 1000)
    finally:
        proc.stop_and_wait(10_000)
    return latencies


# Qt loaded as the engine loads it (`panel.cli`): later imports keep no source text.
FORGET_SOURCES = """
from panel.util.import_sources import load_qt_forgetting_sources
load_qt_forgetting_sources()
"""

HEADLESS = (
    FORGET_SOURCES
    + REFCOUNT_GUARD
    + textwrap.dedent(
        """
    import sys
    from PySide6.QtCore import QCoreApplication
    from panel.supervise.process import ManagedProcess
    from panel.supervise.spec import ProcessSpec
    from panel.supervise.state import ProcessState

    app = QCoreApplication([])
    argv = (sys.executable, "-c", "import time\\nwhile True: time.sleep(3600)")
    procs = [ManagedProcess(ProcessSpec(f"idle{i}", argv, start_secs=0.5)) for i in range(N)]
    def check(*_):
        if all(p.state == ProcessState.RUNNING for p in procs):
            print("ready", flush=True)
    for p in procs:
        p.sig_state_changed.connect(check)
        p.start()
    sys.stdin.readline  # keep stdin open
    from PySide6.QtCore import QSocketNotifier
    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    def on_stdin():
        notifier.setEnabled(False)
        for p in procs:
            p.stop_and_wait(10000)
        app.quit()
    notifier.activated.connect(on_stdin)
    app.exec()
    """
    ).replace("N)", f"{IDLE_CHILDREN})")
)


def _measure_idle(pid: int) -> dict[str, float]:
    """CPU %, wakeups/s and memory of process `pid` (all its threads) over IDLE_SECONDS.

    Memory three ways, at the end: RSS (every resident page it maps, the bound's
    figure), PSS (shared pages divided among the processes mapping them: Qt's and
    Python's libraries are shared with every other process that loaded them) and
    USS (pages only this process holds: what stopping it would give back).
    """
    proc = psutil.Process(pid)
    proc.cpu_percent(None)
    samples = []
    began, cpu0, ctx0 = time.monotonic(), proc.cpu_times(), proc.num_ctx_switches()
    end = began + IDLE_SECONDS
    while time.monotonic() < end:
        time.sleep(1.0)
        samples.append(proc.cpu_percent(None))
    wall, cpu1, ctx1 = time.monotonic() - began, proc.cpu_times(), proc.num_ctx_switches()
    used = (cpu1.user + cpu1.system) - (cpu0.user + cpu0.system)
    figures = {
        "cpu_percent": round(100 * used / wall, 3),
        "cpu_percent_max_1s": round(max(samples), 3),
        "wakeups_per_s": round((ctx1.voluntary - ctx0.voluntary) / wall, 1),
    }
    memory = proc.memory_full_info()
    for key, value in (("rss", memory.rss), ("pss", memory.pss), ("uss", memory.uss)):
        figures[f"{key}_mb"] = round(value / 2**20, 1)
    return figures


def _ours_idle() -> dict[str, float]:
    return _idle_program(HEADLESS, IDLE_CHILDREN)


def _idle_program(code: str, children: int) -> dict[str, float]:
    """Figures of `python -c code` at rest, once it said "ready" with `children`
    children; it is asked to stop with a line on stdin."""
    with subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    ) as proc:
        assert proc.stdin is not None and proc.stdout is not None
        try:
            assert proc.stdout.readline().strip() == b"ready"
            found = psutil.Process(proc.pid).children()
            assert len(found) == children, found
            time.sleep(IDLE_SETTLE_S)
            figures = _measure_idle(proc.pid)
            proc.stdin.write(b"stop\n")
            proc.stdin.flush()
            proc.wait(30)
        finally:
            _kill_tree(proc)
    return figures


FLOOR = (
    FORGET_SOURCES
    + REFCOUNT_GUARD
    + textwrap.dedent(
        """
    import asyncio, sqlite3, sys
    import psutil
    from PySide6 import QtNetwork
    from PySide6.QtCore import QCoreApplication, QSocketNotifier
    from panel.qt_loop import qt_event_loop

    app = QCoreApplication([])
    loop = qt_event_loop(app)
    asyncio.set_event_loop(loop)
    db = sqlite3.connect(":memory:")
    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    notifier.activated.connect(lambda *_: (notifier.setEnabled(False), loop.stop()))
    loop.call_soon(lambda: print("ready", flush=True))
    with loop:
        loop.run_forever()
    """
    )
)
"""The engine's stack at rest and nothing of its own: Python, QtCore and QtNetwork,
asyncio on Qt (qasync), sqlite3 and psutil, an idle event loop."""


def _floor_idle() -> dict[str, float]:
    return _idle_program(FLOOR, 0)


def _kill_tree(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(psutil.Error):
        for child in psutil.Process(proc.pid).children(recursive=True):
            with contextlib.suppress(psutil.Error):
                child.kill()
    if proc.poll() is None:
        proc.kill()
    proc.wait(10)


def _engine_idle() -> dict[str, float]:
    """The real headless engine with 20 connection workers waiting for a stopped device."""
    import socket

    from tests.benchmarks.conn_fleet import running_engine
    from tests.resting_workspace import resting_workspace

    with tempfile.TemporaryDirectory(prefix="idle-") as tmp, socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        folder = resting_workspace(Path(tmp) / "ws", holder.getsockname()[1], IDLE_CHILDREN)
        with running_engine(folder, stop_timeout_s=30.0) as proc:
            engine = psutil.Process(proc.pid)
            deadline = time.monotonic() + 60
            # the workers (children of the engine, or of its zygote) + the reaper
            while len(engine.children(recursive=True)) < IDLE_CHILDREN + 1:
                assert proc.poll() is None and time.monotonic() < deadline, "engine not up"
                time.sleep(0.1)
            time.sleep(IDLE_SETTLE_S)
            figures = _measure_idle(proc.pid)
    return figures


def _idle_rounds() -> dict[str, Any]:
    """IDLE_ROUNDS rounds of (bare core, engine, supervisord), taking turns; ranges."""
    contenders: dict[str, Callable[[], dict[str, float]]] = {
        "ours_core": _ours_idle,
        "ours_engine_headless": _engine_idle,
        "stack_floor": _floor_idle,
        "supervisord": _supervisord_idle,
    }
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in contenders}
    for _ in range(IDLE_ROUNDS):
        for name, measure in contenders.items():
            runs[name].append(measure())
    return {
        "seconds": IDLE_SECONDS,
        **{
            name: {
                key: [min(r[key] for r in rounds), max(r[key] for r in rounds)] for key in rounds[0]
            }
            for name, rounds in runs.items()
        },
        "runs": runs,
    }


# ------------------------------------------------------------------ supervisord


SUPERVISORD_CONF = """
[unix_http_server]
file={dir}/supervisor.sock

[supervisord]
logfile={dir}/supervisord.log
pidfile={dir}/supervisord.pid
childlogdir={dir}
nodaemon=true
loglevel=warn

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:victim]
command={python} -c "import time; time.sleep(3600)"
startsecs=0
autorestart=true
stopwaitsecs=10
{extra}
"""

IDLE_PROGRAM = """
[program:idle]
command={python} -c "import time; time.sleep(3600)"
process_name=%(program_name)s%(process_num)02d
numprocs={n}
startsecs=0
autostart={autostart}
"""


@contextlib.contextmanager
def _supervisord(idle: bool) -> Iterator[tuple[subprocess.Popen[bytes], Any]]:
    with tempfile.TemporaryDirectory(prefix="sv-") as tmp:
        extra = IDLE_PROGRAM.format(python=sys.executable, n=IDLE_CHILDREN, autostart="true")
        conf = SUPERVISORD_CONF.format(dir=tmp, python=sys.executable, extra=extra if idle else "")
        if idle:  # only the idle programs run
            conf = conf.replace("startsecs=0\nautorestart=true", "autostart=false")
        path = Path(tmp) / "supervisord.conf"
        path.write_text(conf)
        exe = str(Path(sys.executable).with_name("supervisord"))
        quiet = subprocess.DEVNULL
        proc = subprocess.Popen([exe, "-c", str(path)], stdout=quiet, stderr=quiet)
        from supervisor.xmlrpc import SupervisorTransport

        def connect() -> tuple[Any, Any]:
            transport = SupervisorTransport(None, None, f"unix://{tmp}/supervisor.sock")
            return transport, xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport)

        transport, rpc = connect()
        try:
            deadline = time.monotonic() + 15
            while True:
                try:
                    if rpc.supervisor.getState()["statename"] == "RUNNING":
                        break
                except (OSError, xmlrpc.client.Error):
                    transport.close()
                    transport, rpc = connect()  # a failed request spoils the connection
                if time.monotonic() > deadline:
                    raise TimeoutError("supervisord did not come up")
                time.sleep(0.05)
            yield proc, rpc
        finally:
            with contextlib.suppress(Exception):
                rpc.supervisor.stopAllProcesses()
            transport.close()
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                _kill_tree(proc)


def _victim_pid(rpc: Any) -> int:
    return int(rpc.supervisor.getProcessInfo("victim")["pid"])


def _supervisord_latencies() -> tuple[list[float], list[float]]:
    restart, stop = [], []
    with _supervisord(idle=False) as (proc, rpc):
        parent = psutil.Process(proc.pid)
        deadline = time.monotonic() + 10
        while _victim_pid(rpc) == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        for _ in range(TRIALS):
            time.sleep(0.25)
            old = _victim_pid(rpc)
            killed = time.perf_counter()
            os.kill(old, signal.SIGKILL)
            limit = time.monotonic() + 10
            while time.monotonic() < limit:  # poll the process table, not supervisord
                kids = [c.pid for c in parent.children() if c.pid != old]
                if kids:
                    restart.append((time.perf_counter() - killed) * 1000)
                    break
                time.sleep(0.001)
        for _ in range(TRIALS):
            time.sleep(0.1)
            began = time.perf_counter()
            rpc.supervisor.stopProcess("victim", True)
            stop.append((time.perf_counter() - began) * 1000)
            rpc.supervisor.startProcess("victim", True)
    return restart, stop


def _supervisord_idle() -> dict[str, float]:
    with _supervisord(idle=True) as (proc, rpc):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            infos = rpc.supervisor.getAllProcessInfo()
            if sum(1 for i in infos if i["statename"] == "RUNNING") == IDLE_CHILDREN:
                break
            time.sleep(0.1)
        time.sleep(IDLE_SETTLE_S)
        return _measure_idle(proc.pid)


# ------------------------------------------------------------------ run


def _spawn_cycles(proc: Any, count: int, gap_s: float) -> tuple[list[float], list[float]]:
    """`count` spawns of /bin/true until its tree is found gone: (wall ms, main-thread CPU ms)."""
    from panel.supervise.state import ProcessState

    walls, cpus = [], []
    for _ in range(count):
        if gap_s:
            _pause(gap_s)
        wall, cpu = time.perf_counter(), time.thread_time()
        proc.start()
        assert _wait_for(lambda: proc.state == ProcessState.EXITED and not proc._cleaning, 10)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.thread_time() - cpu) * 1000)
    return walls, cpus


def _cgroup_spawn_cost() -> dict[str, Any]:
    """Spawn + end of /bin/true with and without a cgroup per child, in alternating rounds:
    back to back (a busy graph) and 50 ms apart (a lone start, where the kernel's first
    migration into a group waits for an RCU grace period, in the child)."""
    from panel.supervise.cgroups import EngineCgroups
    from panel.supervise.process import ManagedProcess
    from panel.supervise.spec import ProcessSpec

    cgroups = EngineCgroups.for_workspace(f"bench-{os.getpid()}")
    if cgroups is None:
        return {"skipped": "no writable cgroups"}
    spec = ProcessSpec(
        "job:true", ("/bin/true",), restart="never", start_secs=0, parent_death_signal=False
    )
    procs = {"without": ManagedProcess(spec), "with": ManagedProcess(spec, cgroups=cgroups)}
    figures: dict[str, Any] = {"hierarchy": cgroups.kind}
    try:
        for label, gap_s, rounds, per_round in (("busy", 0.0, 10, 30), ("lone", 0.05, 4, 10)):
            walls: dict[str, list[float]] = {"without": [], "with": []}
            cpus: dict[str, list[float]] = {"without": [], "with": []}
            for _ in range(rounds):
                for name, proc in procs.items():
                    wall, cpu = _spawn_cycles(proc, per_round, gap_s)
                    walls[name] += wall
                    cpus[name] += cpu
            figures[label] = {
                name: {
                    "wall_p50_ms": round(statistics.median(walls[name]), 3),
                    "main_thread_cpu_p50_ms": round(statistics.median(cpus[name]), 3),
                }
                for name in procs
            }
    finally:
        cgroups.close()
    return figures


def run() -> dict[str, Any]:
    """All figures, ours beside supervisord's."""
    _app()
    ours_restart = _ours_crash_restart(0)
    ours_delayed = _ours_crash_restart(DELAY_MS)
    ours_stop = _ours_stop()
    sv_restart, sv_stop = _supervisord_latencies()
    errors = [abs(v - DELAY_MS) for v in ours_delayed]
    result: dict[str, Any] = {
        "crash_restart_delay0": {
            "ours": _summary(ours_restart),
            "supervisord": _summary(sv_restart),
        },
        "crash_restart_delay500": {
            **_summary(ours_delayed),
            "error_vs_configured": _summary(errors),
        },
        "stop": {"ours": _summary(ours_stop), "supervisord": _summary(sv_stop)},
        "idle_20_children": _idle_rounds(),
        "cgroup_per_spawn": _cgroup_spawn_cost(),
    }
    sv_p50 = result["crash_restart_delay0"]["supervisord"]["p50_ms"]
    result["crash_restart_delay0"]["ratio_p50_ours_to_supervisord"] = round(
        result["crash_restart_delay0"]["ours"]["p50_ms"] / sv_p50, 4
    )
    return result
