"""The job history reaches the database file on its own (group commit), in order,
and a write that cannot be committed yet is kept, not lost."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from panel.jobs.store import JobStore
from panel.workspace.workspace import Workspace

from .conftest import py


def _rows(db: Path) -> dict[int, tuple[str, int | None]]:
    """(status, pid) of every run, read through a connection of its own (as another
    process would see the file)."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT id, status, pid FROM job_runs").fetchall()
    conn.close()
    return {row[0]: (row[1], row[2]) for row in rows}


def test_each_state_reaches_the_file_while_the_run_goes_on(
    jobs: Any, qtbot: Any, tmp_path: Path
) -> None:
    gate = tmp_path / "go"
    hold = f"import os,time\nwhile not os.path.exists({str(gate)!r}): time.sleep(0.01)"
    engine = jobs.engine([{"id": "held", "command": py(hold)}])
    db = engine.workspace.db_path
    run_id = engine.run_job("held")
    # Nothing reads through the engine's connection here: the rows must be on file.
    qtbot.waitUntil(
        lambda: (
            _rows(db).get(run_id, ("", None))[0] == "running" and _rows(db)[run_id][1] is not None
        ),
        timeout=10_000,
    )
    gate.touch()
    qtbot.waitUntil(lambda: _rows(db)[run_id][0] == "success", timeout=10_000)


def test_queued_writes_wait_for_flush_and_reads_see_them(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws")
    store = JobStore(ws.db_path)
    armed: list[bool] = []
    store.defer_writes(lambda: armed.append(True))
    try:
        first = store.insert_run("a", 1, "manual", {}, 1, "queued")
        store.update_run(first, status="running")
        second = store.insert_run("b", 1, "manual", {"k": "v"}, 1, "queued")
        assert armed == [True]  # armed once for the whole turn
        assert store.pending_writes == 3
        assert _rows(ws.db_path) == {}
        assert [r["status"] for r in store.history()] == ["queued", "running"]  # flushed
        assert _rows(ws.db_path) == {first: ("running", None), second: ("queued", None)}
        assert store.run(second)["options"] == {"k": "v"}  # type: ignore[index]
    finally:
        store.close()
        ws.close()


def test_a_write_that_cannot_be_committed_is_kept(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "ws")
    store = JobStore(ws.db_path)
    store.defer_writes(lambda: None)
    blocker = sqlite3.connect(ws.db_path, isolation_level=None)
    try:
        run_id = store.insert_run("a", 1, "manual", {}, 1, "queued")
        store.update_run(run_id, status="success")
        store.connection  # noqa: B018 - commits the two writes
        store.update_run(run_id, status="failed")
        blocker.execute("BEGIN EXCLUSIVE")  # another writer holds the file
        store._conn.execute("PRAGMA busy_timeout = 50")
        with pytest.raises(sqlite3.OperationalError):
            store.flush()
        assert store.pending_writes == 1
        blocker.execute("ROLLBACK")
        store.flush()
        assert store.pending_writes == 0
        assert _rows(ws.db_path) == {run_id: ("failed", None)}
    finally:
        blocker.close()
        store.close()
        ws.close()
