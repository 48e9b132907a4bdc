"""Process trees without Qt: who belongs to a child, signal them all, are they gone.

A child is started in its own session, so its tree is every process of that
session plus every descendant of the child (a descendant may have escaped into
a session of its own with setsid) plus any escapee seen earlier. The process
table is read once per call of `snapshot()`: straight from /proc on Linux
(one small read per process), through psutil elsewhere.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import psutil

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
        with open(f"/proc/{pid}/stat", "rb") as handle:
            raw = handle.read()
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


def psutil_create_time(pid: int) -> float | None:
    """psutil's create_time of `pid` (what the recorder stores), None if gone."""
    try:
        return float(psutil.Process(pid).create_time())
    except psutil.Error:
        return None
