"""Process trees without Qt: who belongs to a child, signal them all, are they gone.

A child is started in its own session, so its tree is every process of that
session plus every descendant of the child (a descendant may have escaped into
a session of its own with setsid) plus any escapee seen earlier. The process
table is read once per call of `snapshot()`: straight from /proc on Linux
(one small read per process), through psutil elsewhere.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import time
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass

import psutil

from panel.supervise.procfs import KeptFile, read_file

_HAS_PROC = sys.platform.startswith("linux") and os.path.isdir("/proc")


@dataclass(frozen=True)
class ProcInfo:
    """One row of the process table: parent, session, and a start token.

    `start` tells a process from a later one with the same pid (clock ticks
    since boot on Linux, psutil's create_time elsewhere); `zombie` is True for
    a process that has exited but was not reaped yet (it counts as gone).
    """

    ppid: int
    sid: int
    start: float
    zombie: bool


ProcTable = dict[int, ProcInfo]


def _read_stat(pid: int) -> ProcInfo | None:
    try:
        raw = read_file(f"/proc/{pid}/stat")
    except OSError:
        return None
    fields = raw.rsplit(b")", 1)[1].split()
    # fields[0] is state (field 3 of proc(5)), then ppid, pgrp, session, ...
    return ProcInfo(
        ppid=int(fields[1]),
        sid=int(fields[3]),
        start=float(fields[19]),
        zombie=fields[0] in (b"Z", b"X"),
    )


def _psutil_row(proc: psutil.Process) -> ProcInfo | None:
    try:
        sid = os.getsid(proc.pid) if hasattr(os, "getsid") else -1
        zombie = proc.status() == psutil.STATUS_ZOMBIE
        return ProcInfo(proc.ppid(), sid, proc.create_time(), zombie)
    except (psutil.Error, OSError):
        return None


def snapshot() -> ProcTable:
    """The current process table (pid -> `ProcInfo`), read once."""
    table: ProcTable = {}
    if _HAS_PROC:
        for name in os.listdir("/proc"):
            if name.isdigit():
                row = _read_stat(int(name))
                if row is not None:
                    table[int(name)] = row
        return table
    for proc in psutil.process_iter():
        row = _psutil_row(proc)
        if row is not None:
            table[proc.pid] = row
    return table


@dataclass(frozen=True)
class KernelCounters:
    """Two figures of Linux /proc/stat: forks since boot and the boot time (epoch s)."""

    forks: int
    boot_time: float

    def create_time(self, start: float) -> float:
        """psutil's create_time of a process from its `ProcInfo.start` (clock ticks)."""
        return start / _CLOCK_TICKS + self.boot_time


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def kernel_counters() -> KernelCounters | None:
    """Forks since boot and boot time, read in one go (Linux), None elsewhere."""
    if not _HAS_PROC:
        return None
    try:
        raw = _PROC_STAT.read()
        return KernelCounters(_stat_field(raw, b"\nprocesses "), _boot_time(raw))
    except (OSError, ValueError):
        return None


_RECENT: list[tuple[float, KernelCounters]] = []


def recent_kernel_counters(max_age_s: float = 0.05) -> KernelCounters | None:
    """`kernel_counters()`, or the reading taken at most `max_age_s` ago.

    An older reading of the fork count is a lower bound of the count at any
    later start, and that is all `pids_since` needs of a start: a lower bound
    only makes it give up (and read the whole table) sooner.
    """
    now = time.monotonic()
    if _RECENT and now - _RECENT[0][0] <= max_age_s:
        return _RECENT[0][1]
    counters = kernel_counters()
    if counters is not None:
        _RECENT[:] = [(now, counters)]
    return counters


def _stat_field(raw: bytes, name: bytes) -> int:
    """The number after `name` (b"\\nkey ") in the text of /proc/stat."""
    start = raw.index(name) + len(name)
    return int(raw[start : raw.index(b"\n", start)])


_BOOT_TIME: list[float] = []


def _boot_time(raw: bytes) -> float:
    """btime of /proc/stat: fixed while the system runs, so parsed once."""
    if not _BOOT_TIME:
        _BOOT_TIME.append(float(_stat_field(raw, b"\nbtime ")))
    return _BOOT_TIME[0]


_PROC_STAT = KeptFile("/proc/stat")
_LAST_PID = KeptFile("/proc/sys/kernel/ns_last_pid")


def _read_int(source: KeptFile | str) -> int | None:
    try:
        return int(source.read() if isinstance(source, KeptFile) else read_file(source))
    except (OSError, ValueError):
        return None


_PROBE_LIMIT = 256
_PID_MAX: list[int] = []


def _pid_max() -> int | None:
    """The kernel's pid_max (read once: only an administrator changes it, and then
    only upwards in practice; a larger value just makes `pids_since` ask more)."""
    if not _PID_MAX:
        value = _read_int("/proc/sys/kernel/pid_max")
        if value is None:
            return None
        _PID_MAX.append(value)
    return _PID_MAX[0]


def _pids_after(first: int, last: int, pid_max: int) -> Iterable[int] | None:
    """Pids the kernel may have handed out after `first`, up to `last` (cyclic)."""
    span = last - first if last >= first else pid_max - first + last
    if span > _PROBE_LIMIT:
        return None
    if last >= first:
        return range(first + 1, last + 1)
    return [*range(first + 1, pid_max), *range(1, last + 1)]


_PIDS_PER_S_PER_CPU = 500_000
"""A bound on how fast pids are handed out: one every 2 µs on every CPU (a fork or a
new thread costs several times that)."""


@functools.cache
def _wrap_check_age_s(pid_max: int) -> float:
    """How old the fork count read for the wrap check may be: at most 5 ms, and never
    so old that more than a quarter of the pids could have been handed out since."""
    return min(0.005, (pid_max // 4) / (_PIDS_PER_S_PER_CPU * (os.cpu_count() or 1)))


def pids_since(root: int, forks_then: int | None) -> Iterable[int] | None:
    """Every pid the kernel may have handed out after `root` (a recent pid), or None.

    Pids are handed out in increasing order, wrapping at pid_max, so these are
    the pids from `root` up to the namespace's last pid. `forks_then` is
    `kernel_counters().forks` read at `root`'s start (earlier is fine: see
    `recent_kernel_counters`; later is not): when the pids may have gone all
    the way round since (or anything is unknown) the answer is None. The count
    now may be a reading a few milliseconds old (exits in a busy burst share
    one): it then falls short by at most a quarter of pid_max, so a count below
    a quarter still proves fewer than half of the pids were handed out. When
    few pids were handed out, each is given (most do not exist; a thread id may
    be among them); otherwise the live ones from /proc.
    """
    if not _HAS_PROC or forks_then is None:
        return None
    last = _read_int(_LAST_PID)
    pid_max = _pid_max()
    now = recent_kernel_counters(_wrap_check_age_s(pid_max)) if pid_max else None
    if last is None or pid_max is None or now is None:
        return None
    if now.forks - forks_then >= pid_max // 4:
        return None  # the pids may have gone all the way round past root
    probe = _pids_after(root, last, pid_max)
    if probe is not None:
        return probe
    names = (int(name) for name in os.listdir("/proc") if name.isdigit())
    if last >= root:
        return [pid for pid in names if root < pid <= last]
    return [pid for pid in names if pid > root or pid <= last]


def tree_may_live(
    root: int,
    forks_then: int | None,
    known: Mapping[int, float],
    skip: Container[int] = (),
) -> bool:
    """Cheap first check after `root` (the leader of session `root`) exited: False
    when surely nothing of its tree is left, True when `tree_members` must tell.

    Once the leader is gone, `tree_members(table, None, root, known)` is empty
    unless a process is still in the session or a `known` pid still lives
    (with its start token): everything else of the tree descends from those.
    Every session member was forked after `root`, so only `pids_since` are
    asked, with getsid() (no /proc read). Pids in `skip` (children of the
    panel known to lead sessions of their own) are not asked.
    """
    for pid, start in known.items():
        if pid != root:
            info = proc_info(pid)
            if info is not None and info.start == start:
                return True
    candidates = pids_since(root, forks_then)
    if candidates is None or not hasattr(os, "getsid"):
        return True
    for pid in candidates:
        if pid in skip:
            continue
        try:
            if os.getsid(pid) == root:
                return True
        except ProcessLookupError:
            continue
        except OSError:
            return True
    return False


def proc_info(pid: int) -> ProcInfo | None:
    """The table row of one process, None when it does not exist."""
    if _HAS_PROC:
        return _read_stat(pid)
    try:
        return _psutil_row(psutil.Process(pid))
    except psutil.Error:
        return None


def tree_members(
    table: ProcTable, root: int | None, sid: int | None, known: Mapping[int, float] | None = None
) -> set[int]:
    """Live (non-zombie) pids of a tree: session `sid`, descendants of `root` and of `known`.

    `known` maps pids seen in the tree before to their start token; one counts
    only while its token still matches (so a reused pid is never included).
    """
    own = os.getpid()
    members = {pid for pid, row in table.items() if sid is not None and row.sid == sid}
    roots = [root] if root is not None and root in table else []
    roots += [
        pid for pid, start in (known or {}).items() if pid in table and table[pid].start == start
    ]
    children: dict[int, list[int]] = {}
    for pid, row in table.items():
        children.setdefault(row.ppid, []).append(pid)
    stack = [*roots, *members]
    seen: set[int] = set()
    while stack:
        pid = stack.pop()
        if pid not in seen:
            seen.add(pid)
            stack.extend(children.get(pid, ()))
    return {pid for pid in seen if pid != own and pid in table and not table[pid].zombie}


def signal_tree(pids: Iterable[int], sid: int | None, sig: int) -> None:
    """Send `sig` to each pid and to process group `sid` (races with new forks)."""
    if sid is not None and sid > 1 and hasattr(os, "killpg") and sid != os.getpgrp():
        with contextlib.suppress(OSError):
            os.killpg(sid, sig)
    for pid in pids:
        if pid > 1 and pid != os.getpid():
            with contextlib.suppress(OSError):
                os.kill(pid, sig)


def kill_signal() -> int:
    """The signal that cannot be ignored (SIGKILL; TerminateProcess on Windows)."""
    return int(getattr(signal, "SIGKILL", signal.SIGTERM))


def create_time_of(pid: int) -> float | None:
    """psutil's create_time of `pid` (what the recorder stores), None if it is gone;
    from one /proc read where there is /proc."""
    info = proc_info(pid) if _HAS_PROC else None
    counters = recent_kernel_counters() if info is not None else None
    if info is not None and counters is not None:
        return counters.create_time(info.start)
    return psutil_create_time(pid)


def psutil_create_time(pid: int) -> float | None:
    """psutil's create_time of `pid` (what the recorder stores), None if gone."""
    try:
        return float(psutil.Process(pid).create_time())
    except psutil.Error:
        return None
