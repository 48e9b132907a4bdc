"""Which recorded workers a starting engine adopts instead of starting new ones.

A worker started with `connections.keepRunning` outlives its engine. The next
engine finds it by its process record (name ``conn:<id>``, pid and create time)
and its socket in the run folder; every other record is stale and swept.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from panel.connections.worker.ipc_path import socket_name
from panel.supervise.tree import create_time_of
from panel.workspace.process_records import RecordedProcess

PREFIX = "conn:"
GROUP_PREFIX = "group:"
CREATE_TIME_TOLERANCE_S = 0.01


def _alive_as_recorded(record: RecordedProcess) -> bool:
    created = create_time_of(record.pid)
    if created is None or abs(created - record.create_time) > CREATE_TIME_TOLERANCE_S:
        return False
    try:
        with open(f"/proc/{record.pid}/stat", "rb") as stat:
            state = stat.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in (b"Z", b"X")


def adoptable_workers(
    records: Iterable[RecordedProcess], run_folder: Path
) -> dict[str, RecordedProcess]:
    """conn id (or `group:<name>` for a connection group's worker) -> the record of its
    live worker that listens in `run_folder` (the newest one, should there be two)."""
    found: dict[str, RecordedProcess] = {}
    for record in records:
        grouped = record.name.startswith(GROUP_PREFIX)
        if not (grouped or record.name.startswith(PREFIX)) or record.sid != record.pid:
            continue
        if not os.path.exists(run_folder / socket_name(record.pid)):
            continue
        if not _alive_as_recorded(record):
            continue
        conn_id = record.name if grouped else record.name[len(PREFIX) :]
        known = found.get(conn_id)
        if known is None or record.create_time > known.create_time:
            found[conn_id] = record
    return found
