"""Start-up orphan sweep: kill the trees a crashed panel left behind.

At start-up, before any child is started, the engine calls
`sweep_recorder(recorder)`. For each record whose pid is alive with the very
same create_time (psutil), the process and every member of its session are
stopped (SIGTERM, then SIGKILL after a grace period). A record whose pid is
alive with another create_time belongs to an unrelated process that got a
reused pid: it is left alone, and so is its session. A record whose pid is
gone may still have live session members (grandchildren): while any member
of a session exists the kernel does not hand its id out again, so those are
ours and are stopped too. No Qt: this runs before the event loop.

Where children run in cgroups, the engine's start also empties and removes the
group folders earlier engines of the workspace left (`EngineCgroups.sweep_leftovers`):
that catches a daemon which left its session, which no record names.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

import psutil

from panel.supervise.recorder import ProcessRecorder
from panel.supervise.tree import ProcTable, kill_signal, signal_tree, snapshot, tree_members

if TYPE_CHECKING:
    from panel.workspace.process_records import RecordedProcess

CREATE_TIME_TOLERANCE_S = 0.01
POLL_S = 0.02


def _matches(record: RecordedProcess) -> bool | None:
    """True: alive and ours; False: pid reused by another process; None: gone."""
    try:
        proc = psutil.Process(record.pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return None
        return abs(proc.create_time() - record.create_time) <= CREATE_TIME_TOLERANCE_S
    except psutil.Error:
        return None


def _targets(table: ProcTable, records: list[RecordedProcess]) -> set[int]:
    pids: set[int] = set()
    for record in records:
        root = record.pid if record.pid in table else None
        pids |= tree_members(table, root, record.sid)
    return pids


def sweep_orphans(records: Iterable[RecordedProcess], grace_s: float = 1.0) -> list[int]:
    """Stop the live orphans among `records` and their sessions; the pids stopped.

    Blocking, bounded by about ``grace_s`` plus one second.
    """
    ours = [r for r in records if r.sid > 1 and r.sid != os.getsid(0) and _matches(r) is not False]
    if not ours:
        return []
    table = snapshot()
    targets = _targets(table, ours)
    for record in ours:
        signal_tree(_targets(table, [record]), record.sid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while _targets(snapshot(), ours) and time.monotonic() < deadline:
        time.sleep(POLL_S)
    left = _targets(snapshot(), ours)
    if left:
        for record in ours:
            signal_tree(left, record.sid, kill_signal())
        end = time.monotonic() + 1.0
        while _targets(snapshot(), ours) and time.monotonic() < end:
            time.sleep(POLL_S)
    return sorted(targets)


def sweep_recorder(recorder: ProcessRecorder, grace_s: float = 1.0) -> list[int]:
    """Sweep everything `recorder` holds, then forget every record (all are stale now)."""
    records = recorder.recorded()
    stopped = sweep_orphans(records, grace_s)
    for record in records:
        recorder.forget(record.pid)
    return stopped
