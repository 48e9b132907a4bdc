"""The job history reaches the database file on its own (group commit), in order,
and a write that cannot be committed yet is kept, not lost."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
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


@pytest.fixture
def store_on_file(tmp_path: Path) -> Iterator[tuple[JobStore, Path]]:
    """A job store on a fresh workspace, and the database file; closed after."""
    ws = Workspace.open(tmp_path / "ws")
    store = JobStore(ws.db_path)
    yield store, ws.db_path
    store.close()
    ws.close()


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
    # ... with the child's create time, by which the start-up recovery knows it
    pid = _rows(db)[run_id][1]
    with sqlite3.connect(db) as conn:
        (create_time,) = conn.execute(
            "SELECT create_time FROM job_runs WHERE id = ?", (run_id,)
        ).fetchone()
    conn.close()
    assert abs(psutil.Process(pid).create_time() - create_time) < 0.01
    gate.touch()
    qtbot.waitUntil(lambda: _rows(db)[run_id][0] == "success", timeout=10_000)


def test_changes_of_one_run_queued_together_are_one_write(
    store_on_file: tuple[JobStore, Path],
) -> None:
    store, db = store_on_file
    store.defer_writes(lambda: None)
    stamped: list[int] = []
    first = store.insert_run("a", 1, "manual", {}, 1, "waiting")
    second = store.insert_run("b", 1, "manual", {}, 1, "waiting")
    store.flush()
    store.update_run(first, status="queued")
    store.update_run(second, status="running", pid=11)
    store.update_run(first, status="running", pid=12)
    store.update_run(first, status="success", exit_code=0)
    assert store.pending_writes == 2  # one UPDATE per run
    store.before_flush(lambda: stamped.append(store.pending_writes))
    store.update_run(second, create_time=5.0)
    store.flush()
    assert stamped == [2]  # the hook ran before the commit, once
    assert _rows(db) == {first: ("success", 12), second: ("running", 11)}
    assert store.run(second)["createTime"] == 5.0  # type: ignore[index]
    assert store.run(first)["exitCode"] == 0  # type: ignore[index]


def test_queued_writes_wait_for_flush_and_reads_see_them(
    store_on_file: tuple[JobStore, Path],
) -> None:
    store, db = store_on_file
    armed: list[bool] = []
    store.defer_writes(lambda: armed.append(True))
    first = store.insert_run("a", 1, "manual", {}, 1, "queued")
    store.update_run(first, status="running")
    second = store.insert_run("b", 1, "manual", {"k": "v"}, 1, "queued")
    assert armed == [True]  # armed once for the whole turn
    assert store.pending_writes == 3
    assert _rows(db) == {}
    assert [r["status"] for r in store.history()] == ["queued", "running"]  # flushed
    assert _rows(db) == {first: ("running", None), second: ("queued", None)}
    assert store.run(second)["options"] == {"k": "v"}  # type: ignore[index]


def test_a_write_that_cannot_be_committed_is_kept(store_on_file: tuple[JobStore, Path]) -> None:
    store, db = store_on_file
    store.defer_writes(lambda: None)
    blocker = sqlite3.connect(db, isolation_level=None)
    try:
        run_id = store.insert_run("a", 1, "manual", {}, 1, "queued")
        store.update_run(run_id, status="success")
        with store.reading():  # commits the two writes
            pass
        store.update_run(run_id, status="failed")
        blocker.execute("BEGIN EXCLUSIVE")  # another writer holds the file
        store._conn.execute("PRAGMA busy_timeout = 50")
        with pytest.raises(sqlite3.OperationalError):
            store.flush()
        assert store.pending_writes == 1
        blocker.execute("ROLLBACK")
        store.flush()
        assert store.pending_writes == 0
        assert _rows(db) == {run_id: ("failed", None)}
    finally:
        blocker.close()


def test_after_a_failed_commit_the_history_is_committed_each_turn_again(
    jobs: Any, qtbot: Any
) -> None:
    """A commit that failed is tried again a second later; once it works, the next
    writes are committed at the end of their turn again, not a second late."""
    engine = jobs.engine([{"id": "quick", "command": py("pass")}])
    db = engine.workspace.db_path
    blocker = sqlite3.connect(db, isolation_level=None)
    try:
        engine.store._conn.execute("PRAGMA busy_timeout = 50")
        blocker.execute("BEGIN EXCLUSIVE")  # another writer holds the file
        first = engine.run_job("quick")
        qtbot.waitUntil(lambda: engine.history_status()["error"] is not None, timeout=5000)
        blocker.execute("ROLLBACK")
        qtbot.waitUntil(lambda: _rows(db).get(first, ("",))[0] == "success", timeout=5000)
        assert engine.history_status() == {"error": None, "pendingWrites": 0}
        second = engine.run_job("quick")
        qtbot.waitUntil(lambda: second not in engine._runs, timeout=10_000)
        qtbot.waitUntil(lambda: _rows(db).get(second, ("",))[0] == "success", timeout=400)
    finally:
        blocker.close()
