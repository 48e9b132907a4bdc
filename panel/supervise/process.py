"""`ManagedProcess`: the one QObject around QProcess for every child the panel runs."""

from __future__ import annotations

import itertools
import os
import shutil
import sys
import time
from collections.abc import Mapping

from PySide6.QtCore import (
    QEventLoop,
    QObject,
    QProcess,
    QProcessEnvironment,
    QSocketNotifier,
    Qt,
    QTimer,
    Signal,
)

from panel.supervise.backoff import Backoff
from panel.supervise.cgroups import ChildGroup, EngineCgroups
from panel.supervise.listener import ProcessListener
from panel.supervise.pdeathsig import setpriv_prefix
from panel.supervise.reaper_client import Reaper
from panel.supervise.recorder import ProcessRecorder
from panel.supervise.spec import ProcessSpec, RestartPolicy
from panel.supervise.state import ProcessState
from panel.supervise.stats import StatsSampler
from panel.supervise.stopper import TreeStopper
from panel.supervise.tree import (
    ProcTable,
    create_time_of,
    recent_kernel_counters,
    snapshot,
    tree_may_live,
    tree_members,
)
from panel.supervise.unix import new_session_parameters
from panel.supervise.zygote.child import ForkedChild
from panel.supervise.zygote.client import Zygote
from panel.util.signals import listened

_WINDOWS = sys.platform == "win32"

Child = QProcess | ForkedChild
"""What runs the child: a QProcess, or a child forked by a `Zygote` (the same face)."""

_LIVE_ROOTS: set[int] = set()
"""Pids of every child of this panel that runs right now (each leads its own session)."""

_SPAWNS = itertools.count(1)
_ROOT_SPAWN: dict[int, int] = {}
"""Pid -> spawn number of this panel's recent children (the last `_ROOTS_KEPT`)."""
_ROOTS_KEPT = 4096


class _OwnLaterRoots:
    """The pids `tree_may_live` need not ask about after child number `spawn` exited:
    this panel's children that run now or were spawned after it. Each leads a
    session of its own, and one spawned later got its pid after the exited child
    did, so the pid is that child's and not a member of the exited child's session.
    (A membership test, not a set: only the few pids handed out since are asked.)
    """

    __slots__ = ("_spawn",)

    def __init__(self, spawn: int) -> None:
        self._spawn = spawn

    def __contains__(self, pid: object) -> bool:
        if not isinstance(pid, int):
            return False
        return pid in _LIVE_ROOTS or _ROOT_SPAWN.get(pid, 0) > self._spawn


def _remember_root(pid: int, spawn: int) -> None:
    _ROOT_SPAWN.pop(pid, None)
    _ROOT_SPAWN[pid] = spawn
    if len(_ROOT_SPAWN) > _ROOTS_KEPT:
        del _ROOT_SPAWN[next(iter(_ROOT_SPAWN))]


_ENVIRONMENT: list[tuple[dict[object, object], QProcessEnvironment]] = []


def _panel_environment() -> QProcessEnvironment:
    """The panel's own environment as Qt holds it, read again only after it changed.

    The panel changes its environment only through os.environ (whose writes go
    through putenv); reading it in C++ spares a Python round trip per variable,
    and keeping the reading spares even that: a copy of the dict behind
    os.environ tells whether it changed (one comparison in C). A copy of the
    result shares its data.
    """
    data = getattr(os.environ, "_data", None)
    if _ENVIRONMENT and data is not None and _ENVIRONMENT[0][0] == data:
        return _ENVIRONMENT[0][1]
    environment = QProcessEnvironment.systemEnvironment()
    if data is not None:
        _ENVIRONMENT[:] = [(dict(data), environment)]
    return environment


def resolve_program(program: str, path: str | None, cwd: str | None) -> str | None:
    """Absolute path of `program` as the child would find it, None if not runnable."""
    if os.sep in program or (os.altsep and os.altsep in program):
        full = program if os.path.isabs(program) else os.path.join(cwd or os.getcwd(), program)
        return full if os.path.isfile(full) and os.access(full, os.X_OK) else None
    return shutil.which(program, path=path)


class ManagedProcess(QObject):
    """Runs one child after a `ProcessSpec`, restarts it per policy, stops its whole tree.

    States follow supervisord (see `ProcessState`): start() -> STARTING; alive
    for ``start_secs`` -> RUNNING; an exit while STARTING is a failed start ->
    BACKOFF and a retry, and after ``start_retries`` failed retries FATAL (a
    manual start() tries again). An exit from RUNNING -> EXITED, then the
    policy decides: ``on-failure`` restarts on a code outside
    ``success_exit_codes`` or a death by signal, ``always`` always, ``never``
    never. A restart with a delay passes through BACKOFF; with ``restart_delay_ms
    == 0`` the first restart after a crash is immediate (see `backoff`).

    Two choices beyond supervisord: with policy ``never`` an early exit is simply
    EXITED (a short job is not a failed start), and with ``on-failure`` an early
    exit with a success code is EXITED too (a one-shot command that finished).

    stop() sends SIGTERM to the whole tree (the child's session plus every
    descendant, even one that left the session), waits ``stop_timeout_ms``, then
    SIGKILLs what is left; STOPPED is reported only when no process of the tree
    is left. Leftovers of a child that exited on its own are stopped the same
    way before it is started again.

    Every child starts in a new session (`panel.supervise.unix`), is registered
    with the engine's `Reaper` (killed if the panel dies) and with a
    `ProcessRecorder` (found by the start-up sweep after a panel crash). An owner
    that records its running children itself (the job engine, in each run's
    history row) passes ``record_running=False``: the recorder then hears only of
    a tree still being stopped after its child exited. Foreign commands are
    wrapped in ``setpriv --pdeathsig TERM`` when available.

    Where the engine has cgroups (`EngineCgroups`, given as ``cgroups`` or held
    by the reaper), every child joins a group of its own before its program
    runs, and the tree is also everything in that group: the stop kills the
    group after the SIGTERM grace, a daemon the child left behind included, and
    leftovers of a child that exited are the group's members.

    `adopt(pid, create_time)` takes over a child an earlier engine started that
    outlived it (a connection worker with ``outlives_engine``): it is watched through
    a pidfd (its exit wakes a QSocketNotifier), stopped by signals to its session,
    sampled like any other; its exit code is unknown (the owner may tell it with
    `expect_exit`), and its next start is an ordinary spawn. Apart from `adopted`
    and `write` (an adopted child has no stdin), the rest of the panel cannot tell
    it from a child this engine spawned.

    With a `launcher` (a `Zygote`, `set_launcher`), children are forked by that
    zygote instead of spawned by QProcess (`ForkedChild`): the panel still makes
    their pipes, the child still leads its own session, joins its own cgroup and is
    given to the reaper, and its exit comes from the zygote (seen on a pidfd). No
    setpriv wrapper: the child's lifeline is the engine's (its stdin and the
    reaper), not the zygote's life. Where the zygote is not available the child is
    spawned as usual.

    On Windows (not testable here): children get CREATE_NEW_PROCESS_GROUP, the
    polite stop is CTRL_BREAK_EVENT, the hard stop TerminateProcess on the
    psutil tree, and the engine's Job Object (KILL_ON_JOB_CLOSE) replaces the
    reaper; see `panel.supervise.windows`.
    """

    sig_state_changed = Signal(object, object)
    """(new: ProcessState, old: ProcessState) after every state change."""

    sig_started = Signal(int)
    """The child was spawned and runs: its pid (state is STARTING)."""

    sig_exited = Signal(int, int)
    """(exit_code, signal): the direct child ended. A death by signal gives
    exit_code = -signal; a normal exit gives signal = 0."""

    sig_output = Signal(str, bytes)
    """("stdout" | "stderr", raw bytes): a chunk of the child's output, in order."""

    sig_stats = Signal(float, int)
    """(cpu_percent, rss_bytes) of the whole tree, about once a second while alive."""

    sig_ending = Signal()
    """An adopted child is gone and its end is about to be reported: an owner that
    reads it over another channel (a socket) should take what is left now."""
    sig_memory_exceeded = Signal(int, int)
    """(rss_mb, limit_mb) the tree used more memory than its limit; a restart follows."""

    sig_error = Signal(str)
    """A human-readable problem: failed to start, gave up (FATAL), memory limit hit,
    tree would not die."""

    def __init__(
        self,
        spec: ProcessSpec,
        parent: QObject | None = None,
        *,
        reaper: Reaper | None = None,
        recorder: ProcessRecorder | None = None,
        listener: ProcessListener | None = None,
        record_running: bool = True,
        cgroups: EngineCgroups | None = None,
    ) -> None:
        super().__init__(parent)
        self._spec = spec
        self._reaper = reaper
        self._cgroups = cgroups if cgroups is not None or reaper is None else reaper.cgroups
        self._group: ChildGroup | None = None
        self._recorder = recorder
        self._record_running = record_running
        self._recorded = False
        self._listener = listener
        self._state = ProcessState.STOPPED
        self._proc: Child | None = None
        self._launcher: Zygote | None = None
        self._pidfd: int | None = None
        self._pidfd_notifier: QSocketNotifier | None = None
        self._adopted = False
        self._expected_exit: int | None = None
        self._spare: QProcess | None = None
        self._spawn_number = 0
        self._pid: int | None = None
        self._sid: int | None = None
        self._started_at: float | None = None
        self._started_mono: float | None = None
        self._restarts = 0
        self._last_error: str | None = None
        self._exit_code: int | None = None
        self._exit_signal = 0
        self._failed_starts = 0
        self._known: dict[int, float] = {}
        self._create_time: float | None = None
        self._forks_at_start: int | None = None
        self._stopper: TreeStopper | None = None
        self._pending_start = False
        self._start_env: Mapping[str, str] | None = None
        self._sampled = False
        self._backoff = self._new_backoff(spec)
        # Made on first use: most short-lived children (job runs) never need them.
        self._start_timer_obj: QTimer | None = None
        self._restart_timer_obj: QTimer | None = None

    @property
    def _start_timer(self) -> QTimer:
        if self._start_timer_obj is None:
            self._start_timer_obj = self._single_shot(self._on_start_secs)
        return self._start_timer_obj

    @property
    def _restart_timer(self) -> QTimer:
        if self._restart_timer_obj is None:
            self._restart_timer_obj = self._single_shot(self._on_restart_due)
        return self._restart_timer_obj

    def _stop_timers(self, start: bool = True, restart: bool = True) -> None:
        """Stop the start and/or restart timer, if they were ever made."""
        if start and self._start_timer_obj is not None:
            self._start_timer_obj.stop()
        if restart and self._restart_timer_obj is not None:
            self._restart_timer_obj.stop()

    # ---------------------------------------------------------------- properties

    @property
    def spec(self) -> ProcessSpec:
        """The spec in force (set_spec() applies to the next start)."""
        return self._spec

    @property
    def name(self) -> str:
        """The spec's name."""
        return self._spec.name

    @property
    def state(self) -> ProcessState:
        """The current state."""
        return self._state

    @property
    def pid(self) -> int | None:
        """pid of the direct child while it runs, else None."""
        return self._pid

    @property
    def sid(self) -> int | None:
        """Session id holding the tree (== pid on Unix) while it may have members."""
        return self._sid

    @property
    def started_at(self) -> float | None:
        """Wall-clock time (epoch seconds) the current child started, else None."""
        return self._started_at

    @property
    def create_time(self) -> float | None:
        """psutil's create_time of the current child (epoch seconds), None when none runs
        (read from /proc when first asked, unless it was read at the start)."""
        if self._pid is None:
            return None
        if self._create_time is None:
            self._create_time = create_time_of(self._pid)
        return self._create_time

    @property
    def uptime(self) -> float:
        """Seconds the current child has been running, 0.0 when none runs."""
        if self._started_mono is None:
            return 0.0
        return time.monotonic() - self._started_mono

    @property
    def restarts(self) -> int:
        """Automatic restarts (by policy, retry or memory limit) since creation."""
        return self._restarts

    @property
    def adopted(self) -> bool:
        """True while the child runs is one this engine adopted (not spawned)."""
        return self._adopted

    @property
    def launcher(self) -> Zygote | None:
        """The zygote that forks the children of the next starts, None: QProcess."""
        return self._launcher

    @property
    def forked(self) -> bool:
        """True while the running child was forked by a zygote."""
        return isinstance(self._proc, ForkedChild) and self._pid is not None

    def set_launcher(self, launcher: Zygote | None) -> None:
        """Fork the children of the next starts from `launcher` (None: spawn them)."""
        self._launcher = launcher

    def continue_restarts(self, restarts: int) -> None:
        """Carry on the restart count an earlier engine had for an adopted child."""
        self._restarts = max(self._restarts, int(restarts))

    def expect_exit(self, code: int) -> None:
        """The exit code an adopted child announced (its own exit code is not readable)."""
        self._expected_exit = code

    @property
    def last_error(self) -> str | None:
        """The last message sent on sig_error."""
        return self._last_error

    @property
    def exit_code(self) -> int | None:
        """Last exit code (-signal after a death by signal); None before any exit."""
        return self._exit_code

    @property
    def exit_signal(self) -> int:
        """Signal that ended the last child, 0 if it exited normally."""
        return self._exit_signal

    # ---------------------------------------------------------------- commands

    def start(self, env: Mapping[str, str] | None = None) -> None:
        """Start the child (a manual start: also from FATAL, resets the retry count).

        `env` holds variables for the children of this start only (restarts by
        policy included), beside the spec's (the spec's win a clash): an owner
        that runs one spec many times with a few changing variables (the job
        engine's run id) need not build a spec per start.
        """
        if self._state in (ProcessState.STARTING, ProcessState.RUNNING):
            return
        self._start_env = env
        if self._state == ProcessState.STOPPING or self._cleaning:
            self._pending_start = True
            return
        self._stop_timers(start=False)
        self._failed_starts = 0
        self._backoff.reset()
        self._spawn()

    def stop(self) -> None:
        """Stop the whole tree (asynchronous: STOPPING, then STOPPED once all are gone)."""
        self._pending_start = False
        self._stop_timers()
        if self._state in (ProcessState.STOPPED, ProcessState.STOPPING):
            return
        if self._proc is None and self._pidfd is None and not self._cleaning:
            self._set_state(ProcessState.STOPPED)
            return
        self._set_state(ProcessState.STOPPING)
        if self._pidfd is not None and not self._cleaning:
            self._begin_tree_stop(root=self._pid)
            return
        if self._proc is not None and self._pid is None:
            return  # not spawned yet: the tree stop begins in _on_started
        if self._proc is not None and not self._cleaning:
            self._begin_tree_stop(root=self._pid)
        # else: leftovers of an exited child are being stopped; STOPPED follows.

    def restart(self) -> None:
        """Stop (if running) and start again."""
        if self._state in (ProcessState.STARTING, ProcessState.RUNNING, ProcessState.STOPPING):
            self.stop()
            self._pending_start = True
        else:
            self.start()

    def set_spec(self, spec: ProcessSpec) -> None:
        """Replace the spec; it applies from the next start."""
        self._spec = spec
        self._backoff = self._new_backoff(spec)

    def write(self, data: bytes) -> bool:
        """Write to the child's stdin; False when no child runs."""
        if self._proc is None or self._state == ProcessState.STOPPING:
            return False
        return self._proc.write(data) == len(data)

    # ---------------------------------------------------------------- adoption

    def adopt(self, pid: int, create_time: float) -> bool:
        """Watch `pid` (started by an earlier engine, alive with this `create_time`) as
        this object's running child; False when it is gone, not that process, or this
        object already runs one."""
        if self._state != ProcessState.STOPPED or self._cleaning or _WINDOWS:
            return False
        try:
            fd = os.pidfd_open(pid)
        except OSError:
            return False
        created = create_time_of(pid)  # read after the pidfd: the pid cannot be reused now
        if created is None or abs(created - create_time) > 0.01 or _zombie(pid):
            os.close(fd)
            return False
        self._pidfd = fd
        notifier = QSocketNotifier(fd, QSocketNotifier.Type.Read, self)
        notifier.activated.connect(self._on_adopted_exit)
        self._pidfd_notifier = notifier
        self._adopted = True
        self._expected_exit = None
        self._exit_code = None
        self._exit_signal = 0
        self._pid = pid
        try:
            self._sid = os.getsid(pid)
        except OSError:
            self._sid = pid
        self._known = {}
        self._create_time = create_time
        self._forks_at_start = None
        _LIVE_ROOTS.add(pid)
        self._spawn_number = next(_SPAWNS)
        _remember_root(pid, self._spawn_number)
        age = max(0.0, time.time() - create_time)
        self._started_at = create_time
        self._started_mono = time.monotonic() - age
        self._backoff.started(self._started_mono)
        self._register(pid)
        if self._spec.sample_stats:
            self._sampled = True
            StatsSampler.instance().add(self, urgent=self._spec.memory_limit_mb is not None)
        self._set_state(ProcessState.STARTING)
        if listened(self, "sig_started"):
            self.sig_started.emit(pid)
        if self._listener is not None:
            self._listener.process_started(self, pid)
        if self._state == ProcessState.STARTING:
            self._failed_starts = 0
            self._set_state(ProcessState.RUNNING)  # it has run for a while already
        return True

    def _on_adopted_exit(self) -> None:
        """The adopted child ended (its pidfd became readable)."""
        if self._pidfd is None:
            return
        if self._pidfd_notifier is not None:
            self._pidfd_notifier.setEnabled(False)
            self._pidfd_notifier.deleteLater()
            self._pidfd_notifier = None
        os.close(self._pidfd)
        self._pidfd = None
        self._adopted = False
        self.sig_ending.emit()
        self._child_ended(*self._unknown_exit())

    def _unknown_exit(self) -> tuple[int, int]:
        """(code, signal) to report for a child whose exit status is not readable."""
        if self._expected_exit is not None:
            code, sig = self._expected_exit, 0
        elif self._state == ProcessState.STOPPING:
            code, sig = -15, 15  # stopped by our SIGTERM (or the SIGKILL after it)
        else:
            code, sig = -9, 9  # gone without saying why: reported like a kill
        self._expected_exit = None
        return code, sig

    def stop_and_wait(self, timeout_ms: int = 10_000) -> bool:
        """stop(), then run a local event loop until STOPPED; False on timeout.

        For shutdown paths without an asyncio loop. The local loop is bounded by
        `timeout_ms`; the stop goes on in the background if it times out.
        """
        self.stop()
        if self._is_stopped():
            return True
        loop = QEventLoop()
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)

        def on_state(new: object, _old: object) -> None:
            if self._is_stopped():
                loop.quit()

        self.sig_state_changed.connect(on_state)
        timer.start(timeout_ms)
        try:
            if not self._is_stopped():
                loop.exec()
        finally:
            timer.stop()
            self.sig_state_changed.disconnect(on_state)
        return self._is_stopped()

    # ---------------------------------------------------------------- spawning

    @property
    def _cleaning(self) -> bool:
        return self._stopper is not None and not self._stopper.finished

    def _is_stopped(self) -> bool:
        return self._state == ProcessState.STOPPED and not self._cleaning

    def _command(self, env: dict[str, str], contained: bool) -> list[str] | None:
        """The argv to run, or None (and an error) when the program cannot be found.

        The program is resolved here rather than by QProcess because a setpriv
        wrapper would turn "not found" into an ordinary exit of setpriv, and a
        bare name is looked up in the child's PATH. An absolute program that is
        not wrapped is left to the spawn, which reports a missing one
        (`_on_error`): that spares a busy job graph two system calls a run.
        """
        argv = list(self._spec.argv)
        wrap = self._spec.parent_death_signal and not _WINDOWS
        if wrap or contained or not os.path.isabs(argv[0]):
            program = resolve_program(argv[0], env.get("PATH"), self._spec.cwd)
            if program is None:
                return None
            argv[0] = program
        if wrap:
            argv = [*setpriv_prefix(), *argv]
        return argv

    def _spawn(self) -> None:
        self._exit_code = None
        self._exit_signal = 0
        self._expected_exit = None
        launcher = self._launcher
        if launcher is not None and (_WINDOWS or not launcher.available):
            launcher = None
        extra = self._spec.child_env(self._start_env or {})  # over the panel's own
        path = extra.get("PATH", os.environ.get("PATH"))
        contained = self._cgroups is not None and not _WINDOWS and not self._spec.outlives_engine
        if launcher is not None:
            argv: list[str] | None = list(self._spec.argv)
        else:
            argv = self._command({} if path is None else {"PATH": path}, contained)
        if argv is None:
            self._set_state(ProcessState.STARTING)
            self._cannot_start(f"program not found: {self._spec.argv[0]}")
            return
        if contained and self._cgroups is not None:
            self._group = self._group or self._cgroups.acquire(self._spec.name)
        if launcher is not None:
            self._fork(launcher, argv, extra)
            return
        if self._group is not None:
            argv = self._group.wrap(argv)
        proc, self._spare = self._spare or self._new_qprocess(), None
        self._spawn_number = next(_SPAWNS)  # spawns are numbered in the order pids are given
        proc.setProgram(argv[0])
        proc.setArguments(argv[1:])
        env = QProcessEnvironment(_panel_environment())
        for key, value in extra.items():
            env.insert(key, value)
        proc.setProcessEnvironment(env)
        proc.setWorkingDirectory(self._spec.cwd or "")
        self._proc = proc
        self._set_state(ProcessState.STARTING)
        proc.start()
        pid = int(proc.processId())  # known once start() returns, 0 if the fork failed
        if pid:
            _remember_root(pid, self._spawn_number)

    def _fork(self, launcher: Zygote, argv: list[str], extra: Mapping[str, str]) -> None:
        """Ask `launcher` for the child (`_on_started` follows once it is forked)."""
        child = launcher.child(self)
        child.readyReadStandardOutput.connect(self._on_stdout)
        child.readyReadStandardError.connect(self._on_stderr)
        child.started.connect(self._on_forked)
        child.finished.connect(self._on_finished)
        child.errorOccurred.connect(self._on_error)
        child.setProgram(argv[0])
        child.setArguments(argv[1:])
        child.setEnvironment({**os.environ, **extra})
        child.setWorkingDirectory(self._spec.cwd or "")
        if self._group is not None:
            child.cgroup = self._group.path + "/cgroup.procs"
        self._spawn_number = next(_SPAWNS)
        self._proc = child
        self._set_state(ProcessState.STARTING)
        child.start()

    def _on_forked(self) -> None:
        child = self._sender_process()
        if child is not None:
            _remember_root(int(child.processId()), self._spawn_number)
            self._on_started()

    def _new_qprocess(self) -> QProcess:
        """A QProcess with its platform settings and this object's slots connected.

        After a normal exit it is kept (`_spare`) and started again for the next
        child: a QProcess can be started anew once it is NotRunning, and that
        spares a restart (or the next run of a job) the construction and the
        five connections.
        """
        proc = QProcess(self)
        self._prepare_platform(proc)
        # Slots are bound methods and find their QProcess with sender(): a
        # partial holding the QProcess would outlive its deleteLater() and
        # crash PySide when this object is destroyed.
        proc.readyReadStandardOutput.connect(self._on_stdout)
        proc.readyReadStandardError.connect(self._on_stderr)
        proc.started.connect(self._on_started)
        proc.finished.connect(self._on_finished)
        proc.errorOccurred.connect(self._on_error)
        return proc

    @staticmethod
    def _prepare_platform(proc: QProcess) -> None:
        if _WINDOWS:
            from panel.supervise.windows import prepare_process

            prepare_process(proc)
        else:
            proc.setUnixProcessParameters(new_session_parameters())

    def _sender_process(self) -> Child | None:
        """The QProcess that emitted the signal being handled, if it is the current one."""
        sender = self.sender()
        if sender is None or self._proc is None or sender is not self._proc:
            return None
        return self._proc

    def _on_started(self) -> None:
        proc = self._sender_process()
        if proc is None:
            return
        pid = int(proc.processId())
        self._pid = pid
        self._sid = pid if not _WINDOWS else None
        self._known = {}
        _LIVE_ROOTS.add(pid)
        self._note_start(pid)
        self._started_at = time.time()
        self._started_mono = time.monotonic()
        self._backoff.started(self._started_mono)
        self._register(pid)
        if self._spec.sample_stats:
            self._sampled = True
            StatsSampler.instance().add(self, urgent=self._spec.memory_limit_mb is not None)
        if self._state == ProcessState.STOPPING:  # stop() came before the spawn completed
            self._begin_tree_stop(root=pid)
            return
        if listened(self, "sig_started"):
            self.sig_started.emit(pid)
        if self._listener is not None:
            self._listener.process_started(self, pid)
        if self._state != ProcessState.STARTING:
            return  # stop() was called from a slot of sig_started
        if self._spec.start_secs <= 0:
            self._on_start_secs()
        else:
            self._start_timer.start(int(self._spec.start_secs * 1000))

    def _note_start(self, pid: int) -> None:
        """Remember the kernel's fork count, and the child's create time when it is
        recorded now; an owner that records the child itself (``record_running=False``)
        asks `create_time` when it needs it, and a short child may be gone by then
        (a /proc read spared)."""
        counters = recent_kernel_counters()
        self._forks_at_start = counters.forks if counters is not None else None
        self._create_time = create_time_of(pid) if self._record_running else None

    def _register(self, pid: int) -> None:
        if _WINDOWS:
            from panel.supervise.windows import engine_job

            job = engine_job()
            if job is not None:
                job.assign(pid)
            return
        if self._reaper is not None and not self._spec.outlives_engine:
            self._reaper.add(pid)
        if self._record_running and self._create_time is not None:
            self._record(pid, self._create_time)

    def _record(self, pid: int, create_time: float) -> None:
        if self._recorder is not None:
            self._recorder.record(self._spec.name, pid, create_time, pid)
            self._recorded = True

    def _record_leftovers(self) -> None:
        """The child exited while its tree is still being stopped: record the session
        now, if the running child was not recorded (`record_running=False`).

        The leader is gone, so its create time (when never read: 0.0) tells the
        sweep only that its pid is no live leader of ours; and the kernel does
        not hand the session's id out again while a member of it lives.
        """
        if not self._recorded and self._cleaning and self._sid is not None:
            self._record(self._sid, self._create_time or 0.0)

    def _unregister(self) -> None:
        sid = self._sid
        if sid is None:
            return
        if self._reaper is not None:
            self._reaper.remove(sid)
        if self._recorded and self._recorder is not None:
            self._recorder.forget(sid)  # the recorded pid: the session leader, sid == pid
            self._recorded = False
        self._sid = None

    def _on_start_secs(self) -> None:
        if self._state == ProcessState.STARTING:
            self._failed_starts = 0
            self._set_state(ProcessState.RUNNING)

    def _on_stdout(self) -> None:
        proc = self._sender_process()
        if proc is not None:
            self._drain(proc, "stdout")

    def _on_stderr(self) -> None:
        proc = self._sender_process()
        if proc is not None:
            self._drain(proc, "stderr")

    def _drain(self, proc: Child, stream: str) -> None:
        read = proc.readAllStandardOutput if stream == "stdout" else proc.readAllStandardError
        listener = self._listener
        while not (data := read()).isEmpty():
            chunk = bytes(data.data())  # already bytes: no copy
            if listened(self, "sig_output"):
                self.sig_output.emit(stream, chunk)
            if listener is not None:
                listener.process_output(self, stream, chunk)

    # ---------------------------------------------------------------- exits

    def _on_error(self, error: QProcess.ProcessError) -> None:
        proc = self._sender_process()
        if proc is None or error != QProcess.ProcessError.FailedToStart:
            return
        self._proc = None
        proc.deleteLater()
        program = self._spec.argv[0]
        missing = resolve_program(program, os.environ.get("PATH"), self._spec.cwd) is None
        self._cannot_start(f"program not found: {program}" if missing else proc.errorString())

    def _cannot_start(self, reason: str) -> None:
        self._report(f"{self._spec.name}: failed to start: {reason}")
        if self._state == ProcessState.STOPPING:
            self._set_state(ProcessState.STOPPED)
        elif self._spec.restart == RestartPolicy.NEVER:
            self._set_state(ProcessState.FATAL)
        else:
            self._failed_start()

    def _on_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        proc = self._sender_process()
        if proc is None:
            return
        self._drain(proc, "stdout")
        self._drain(proc, "stderr")
        crashed = status == QProcess.ExitStatus.CrashExit
        signal_number = code if crashed and not _WINDOWS else 0
        self._proc = None
        if isinstance(proc, QProcess):
            self._spare = proc  # started again for the next child
        else:
            proc.deleteLater()
            if not proc.exit_known:  # its zygote died first: as for an adopted child
                self._child_ended(*self._unknown_exit())
                return
        self._child_ended(-code if signal_number else code, signal_number)

    def _child_ended(self, exit_code: int, exit_signal: int) -> None:
        """The direct child (spawned or adopted) is gone: report, clean up, apply the policy."""
        self._exit_signal = exit_signal
        self._exit_code = exit_code
        if self._pid is not None:
            _LIVE_ROOTS.discard(self._pid)
        self._pid = None
        self._started_at = None
        self._started_mono = None
        self._stop_timers(restart=False)
        self._backoff.exited(time.monotonic())
        if listened(self, "sig_exited"):
            self.sig_exited.emit(self._exit_code, self._exit_signal)
        if self._state == ProcessState.STOPPING:
            if self._stopper is not None:
                self._stopper.root_gone()
            else:
                self._begin_tree_stop(root=None)
            self._record_leftovers()
            return
        was_starting = self._state == ProcessState.STARTING
        self._begin_tree_stop(root=None)  # leftovers of a child that exited on its own
        self._record_leftovers()
        if was_starting and not self._early_exit_is_final():
            self._failed_start()
            return
        self._set_state(ProcessState.EXITED)
        if self._should_restart():
            self._schedule_restart(self._backoff.next_delay_ms())

    def _early_exit_is_final(self) -> bool:
        policy = self._spec.restart
        success = self._exit_signal == 0 and self._exit_code in self._spec.success_exit_codes
        return policy == RestartPolicy.NEVER or (policy == RestartPolicy.ON_FAILURE and success)

    def _should_restart(self) -> bool:
        policy = self._spec.restart
        if policy == RestartPolicy.ALWAYS:
            return True
        if policy == RestartPolicy.NEVER:
            return False
        return self._exit_signal != 0 or self._exit_code not in self._spec.success_exit_codes

    def _failed_start(self) -> None:
        self._failed_starts += 1
        if self._failed_starts > self._spec.start_retries:
            self._set_state(ProcessState.FATAL)
            self._report(
                f"{self._spec.name}: gave up after {self._failed_starts} failed starts"
                f" (last exit code {self._exit_code})"
            )
            return
        self._set_state(ProcessState.BACKOFF)
        self._restart_timer.start(self._backoff.next_delay_ms())

    def _schedule_restart(self, delay_ms: int) -> None:
        if delay_ms > 0:
            self._set_state(ProcessState.BACKOFF)
            self._restart_timer.start(delay_ms)
        else:
            self._on_restart_due()

    def _on_restart_due(self) -> None:
        if self._state not in (ProcessState.BACKOFF, ProcessState.EXITED):
            return
        if self._cleaning:
            self._pending_start = True  # spawn once the leftovers are gone
            return
        self._restarts += 1
        self._spawn()

    # ---------------------------------------------------------------- tree stop

    def _begin_tree_stop(self, root: int | None) -> None:
        if self._stopper is not None and not self._stopper.finished:
            return
        if root is None and not self._has_leftovers():
            self._tree_gone(True)
            return
        forked = self._proc if isinstance(self._proc, ForkedChild) else None
        stopper = TreeStopper(
            self._sid,
            root,
            self._known,
            self._spec.stop_timeout_ms,
            self,
            group=self._group,
            signal_root=forked.send_signal if forked is not None else None,
        )
        stopper.sig_done.connect(self._on_tree_stopped)
        self._stopper = stopper
        if _WINDOWS and root is not None:
            from panel.supervise.windows import send_ctrl_break

            send_ctrl_break(root)
        stopper.start(polite=not _WINDOWS)

    def _has_leftovers(self) -> bool:
        """Is any process of the exited child's tree still alive? (Cheap check first.)

        With a group, its members are the tree: everything the child forked is in it.
        """
        if self._group is not None:
            return self._group.populated()
        sid = self._sid
        if sid is not None and not tree_may_live(
            sid, self._forks_at_start, self._known, _OwnLaterRoots(self._spawn_number)
        ):
            return False
        return bool(tree_members(snapshot(), None, sid, self._known))

    def _on_tree_stopped(self, ok: bool) -> None:
        stopper = self._stopper
        if stopper is None or self.sender() is not stopper:
            return
        self._stopper = None
        stopper.deleteLater()
        self._tree_gone(ok)

    def _tree_gone(self, ok: bool) -> None:
        if not ok:
            self._report(f"{self._spec.name}: some processes survived SIGKILL")
        self._unregister()
        if self._group is not None and self._cgroups is not None:
            self._cgroups.release(self._group)
            self._group = None
        if self._sampled:
            self._sampled = False
            StatsSampler.instance().remove(self)
        self._known = {}
        if self._state == ProcessState.STOPPING:
            self._set_state(ProcessState.STOPPED)
        if self._pending_start:
            self._pending_start = False
            if self._state == ProcessState.STOPPED:
                self.start()
            elif self._state in (ProcessState.BACKOFF, ProcessState.EXITED):
                self._on_restart_due()

    # ---------------------------------------------------------------- stats

    def sample(self, table: ProcTable, sampler: StatsSampler) -> None:
        """Called by the shared StatsSampler: measure the tree, check the memory limit."""
        if self._sid is None and self._pid is None:
            return
        pids = tree_members(table, self._pid, self._sid, self._known)
        self._known = {
            pid: start
            for pid, start in self._known.items()
            if pid in table and table[pid].start == start
        }
        for pid in pids:
            self._known.setdefault(pid, table[pid].start)
        cpu, rss = sampler.measure(table, pids)
        self.sig_stats.emit(cpu, rss)
        limit = self._spec.memory_limit_mb
        if (
            limit is not None
            and rss > limit * 1024 * 1024
            and self._state
            in (
                ProcessState.STARTING,
                ProcessState.RUNNING,
            )
        ):
            self._report(
                f"{self._spec.name}: memory {rss // (1024 * 1024)} MB over the limit of"
                f" {limit} MB; restarting"
            )
            self.sig_memory_exceeded.emit(rss // (1024 * 1024), limit)
            self._restarts += 1
            self.restart()

    # ---------------------------------------------------------------- helpers

    def _set_state(self, new: ProcessState) -> None:
        old = self._state
        if new == old:
            return
        self._state = new
        if listened(self, "sig_state_changed"):
            self.sig_state_changed.emit(new, old)
        if self._listener is not None:
            self._listener.process_state_changed(self, new, old)

    def _report(self, message: str) -> None:
        self._last_error = message
        self.sig_error.emit(message)

    def _single_shot(self, slot: object) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.timeout.connect(slot)
        return timer

    @staticmethod
    def _new_backoff(spec: ProcessSpec) -> Backoff:
        return Backoff(
            spec.restart_delay_ms, spec.backoff_factor, spec.backoff_max_ms, spec.backoff_reset_secs
        )


def _zombie(pid: int) -> bool:
    """True when `pid` has exited and waits to be reaped (or is gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return True
    return not fields or fields[0] in (b"Z", b"X")
