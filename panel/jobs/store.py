"""The job tables of the workspace database: run history, dataset allocations, schedule state.

`JobStore` keeps its own sqlite3 connection to the workspace file (the tables
are created by migration 3). Every write is whole inside ONE short transaction
(`BEGIN IMMEDIATE` ... `COMMIT`), so the database is never half-written and a
SIGKILL of the engine loses no committed row. The connection runs with
``synchronous = NORMAL``: in WAL mode a commit is safe against the death of the
process (the kernel has the WAL pages) though not against a power cut, and
costs tens of microseconds instead of an fsync.

Group commit: with `defer_writes(arm)` (the job engine does this) writes are
queued instead of committed one by one, and `arm()` is called when the queue
becomes non-empty; the engine then calls `flush()` from its event loop before
it waits for anything else, and every write of that turn of the loop is
committed in one transaction, in order. Every read, and every transaction of
its own (dataset allocation), flushes the queue first, so the store never
answers from behind its own writes. Run ids are handed out by the store
(the engine is the only writer of `job_runs`), so an insert needs no round trip.

A full disk: a commit that fails for lack of space keeps its writes queued (in
order, nothing acknowledged is dropped) and raises `DiskFullError` naming the
database file; `disk_full` holds it until a commit works again. Meanwhile reads
do not retry the commit: they run inside a transaction that replays the queued
writes and is rolled back, so they still answer as the history will read once
it is written.

It also implements the supervision core's `ProcessRecorder` on the same
`process_records` table the start-up sweep reads, with the same cheap commits.
A running run's child is recorded in its own row (pid, create time), which the
engine's start-up recovery sweeps; `process_records` holds only the trees still
being stopped after a run's child exited.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from panel.util.diskfull import DiskFullError, disk_full
from panel.util.sql import where
from panel.workspace.process_records import RecordedProcess

BUSY_TIMEOUT_S = 5.0

RUN_COLUMNS = (
    "id",
    "job_id",
    "graph_id",
    "trigger",
    "options",
    "attempt",
    "status",
    "queued_at",
    "started_at",
    "ended_at",
    "exit_code",
    "error",
    "log_path",
    "pid",
    "create_time",
    "waiting_on",
    "executor",
    "remote_ref",
    "log_cursor",
    "host",
)
_JSON_NAMES = {
    "job_id": "job",
    "graph_id": "graphId",
    "queued_at": "queued",
    "started_at": "start",
    "ended_at": "end",
    "exit_code": "exitCode",
    "log_path": "logPath",
    "create_time": "createTime",
    "waiting_on": "waitingOn",
    "remote_ref": "remoteRef",
    "log_cursor": "logCursor",
}


_UPDATES: dict[tuple[str, ...], str] = {}
"""The UPDATE statement for each set of run columns written together (a handful)."""


def _update_sql(names: tuple[str, ...]) -> str:
    """The UPDATE of run columns `names` (checked against `RUN_COLUMNS` once)."""
    sql = _UPDATES.get(names)
    if sql is None:
        for name in names:
            if name not in RUN_COLUMNS or name == "id":
                raise ValueError(f"unknown run column {name!r}")
        sets = ", ".join(f"{name} = ?" for name in names)
        sql = _UPDATES[names] = f"UPDATE job_runs SET {sets} WHERE id = ?"
    return sql


class _RunUpdate:
    """A queued UPDATE of one run; later changes of the run are merged into it."""

    __slots__ = ("fields", "run_id")

    def __init__(self, run_id: int, fields: dict[str, Any]) -> None:
        self.run_id = run_id
        self.fields = fields

    def args(self) -> tuple[Any, ...]:
        return (*self.fields.values(), self.run_id)


def run_to_json(row: Sequence[Any]) -> dict[str, Any]:
    """A `job_runs` row (in `RUN_COLUMNS` order) as the API shows it."""
    out = {_JSON_NAMES.get(col, col): value for col, value in zip(RUN_COLUMNS, row, strict=True)}
    out["options"] = json.loads(out["options"] or "{}")
    return out


class JobStore:
    """Reads and writes of the job tables (one transaction per change); main thread only."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = Path(db_path)
        self.disk_full: DiskFullError | None = None
        """The last commit failed for lack of space (None once one works again)."""
        self._conn = sqlite3.connect(str(db_path), timeout=BUSY_TIMEOUT_S, isolation_level=None)
        self._conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = NORMAL")
        row = self._conn.execute("SELECT MAX(id) FROM job_runs").fetchone()
        self._next_run_id = int(row[0] or 0) + 1
        self._pending: list[tuple[str, tuple[Any, ...]] | _RunUpdate] = []
        self._open_updates: dict[int, _RunUpdate] = {}
        self._hooks: list[Callable[[], None]] = []
        self._arm: Callable[[], None] | None = None

    def close(self) -> None:
        """Commit what is queued, then close the connection (closed even if the commit fails)."""
        try:
            self.flush()
        finally:
            self._conn.close()

    def defer_writes(self, arm: Callable[[], None]) -> None:
        """Queue writes from now on; `arm()` asks the owner to call `flush()` soon."""
        self._arm = arm

    def before_flush(self, hook: Callable[[], None]) -> None:
        """Call `hook()` before each commit of the queue; it may queue writes of its own."""
        self._hooks.append(hook)

    def flush(self) -> None:
        """Commit every queued write, in order, in one transaction (kept queued if it fails).

        Raises `DiskFullError` when there is no room for them, else what sqlite3 raised.
        """
        if not self._pending:
            return
        for hook in self._hooks:
            hook()
        pending, self._pending = self._pending, []
        self._open_updates = {}
        try:
            with self._immediate() as conn:
                _replay(conn, pending)
        except BaseException as exc:
            self._pending[:0] = pending  # kept, in order, for the next flush
            full = disk_full(exc, self.db_path)
            if full is None:
                raise
            self.disk_full = full
            raise full from exc
        self.disk_full = None

    @property
    def pending_writes(self) -> int:
        """Writes queued and not committed yet."""
        return len(self._pending)

    def write(self, sql: str, args: tuple[Any, ...]) -> None:
        """One write: queued under `defer_writes`, else its own transaction."""
        if self._arm is None:
            with self.transaction() as conn:
                conn.execute(sql, args)
            return
        self._queue((sql, args))

    def _queue(self, write: tuple[str, tuple[Any, ...]] | _RunUpdate) -> None:
        """Queue a write (under `defer_writes`), arming the owner for the first one."""
        if not self._pending and self._arm is not None:
            self._arm()
        self._pending.append(write)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE) after the queued writes, committed at
        the end or rolled back (the queued writes are committed before it either way).

        Raises `DiskFullError` when there is no room for the queued writes or its own.
        """
        self.flush()
        try:
            with self._immediate() as conn:
                yield conn
        except sqlite3.Error as exc:
            full = disk_full(exc, self.db_path)
            if full is None:
                raise
            raise full from exc

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection, for reads that see every write made so far.

        The queued writes are committed first; while the disk is full they are
        replayed in a transaction that is rolled back after the reads instead
        (or, should even that fail, the reads see the committed rows only).
        """
        if self.disk_full is None:
            with suppress(DiskFullError):
                self.flush()
        replayed = self.disk_full is not None and bool(self._pending) and self._begin_replay()
        try:
            yield self._conn
        finally:
            if replayed:
                self._conn.execute("ROLLBACK")

    def _begin_replay(self) -> bool:
        """Open a transaction holding the queued writes (to be rolled back); False if it fails."""
        conn = self._conn
        try:
            conn.execute("BEGIN")
            _replay(conn, self._pending)
        except sqlite3.Error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            return False  # the reads see the committed rows only
        return True

    @contextmanager
    def _immediate(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back if the body or the commit fails."""
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    # -- runs -------------------------------------------------------------------------

    def insert_run(
        self,
        job_id: str,
        graph_id: int | None,
        trigger: str,
        options: dict[str, Any],
        attempt: int,
        status: str,
        waiting_on: str | None = None,
        executor: str = "local",
    ) -> int:
        """Append a run; returns its id."""
        run_id = self._next_run_id
        self._next_run_id += 1
        self.write(
            "INSERT INTO job_runs (id, job_id, graph_id, trigger, options, attempt, status,"
            " queued_at, waiting_on, executor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                run_id,
                job_id,
                graph_id,
                trigger,
                json.dumps(options) if options else "{}",
                attempt,
                status,
                time.time(),
                waiting_on,
                executor,
            ),
        )
        return run_id

    def update_run(self, run_id: int, **fields: Any) -> None:
        """Set some columns of run `run_id` (one transaction).

        Under `defer_writes`, the changes of one run queued since the last commit
        are merged into one UPDATE (each row is written by nobody else, so
        merging cannot reorder anything that matters): a short run that becomes
        queued, runs and ends within one commit costs one statement, not three.
        """
        sql = _update_sql(tuple(fields))
        if self._arm is None:
            self.write(sql, (*fields.values(), run_id))
            return
        queued = self._open_updates.get(run_id)
        if queued is not None:
            queued.fields.update(fields)
            return
        update = self._open_updates[run_id] = _RunUpdate(run_id, dict(fields))
        self._queue(update)

    def run(self, run_id: int) -> dict[str, Any] | None:
        """One run, or None."""
        cols = ", ".join(RUN_COLUMNS)
        sql = f"SELECT {cols} FROM job_runs WHERE id = ?"
        with self.reading() as conn:
            row = conn.execute(sql, (run_id,)).fetchone()
        return None if row is None else run_to_json(row)

    def history(
        self,
        job: str | None = None,
        status: str | None = None,
        trigger: str | None = None,
        since: float | None = None,
        until: float | None = None,
        before_id: int | None = None,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        """Runs matching every given filter, newest first, at most `limit`."""
        clause, args = where(
            (
                ("job_id = ?", job),
                ("status = ?", status),
                ("trigger = ?", trigger),
                ("queued_at >= ?", since),
                ("queued_at < ?", until),
                ("id < ?", before_id),
            )
        )
        cols = ", ".join(RUN_COLUMNS)
        with self.reading() as conn:
            rows = conn.execute(
                f"SELECT {cols} FROM job_runs{clause} ORDER BY id DESC LIMIT ?", (*args, limit)
            ).fetchall()
        return [run_to_json(row) for row in rows]

    def unfinished(self, statuses: Sequence[str]) -> list[dict[str, Any]]:
        """Runs in any of `statuses` (left over by an engine that died), oldest first."""
        return self._runs_where_in("status", statuses)

    def graph_runs(self, graph_ids: Sequence[int]) -> list[dict[str, Any]]:
        """Every run of the graph runs `graph_ids` (any state), oldest first."""
        return self._runs_where_in("graph_id", graph_ids)

    def _runs_where_in(self, column: str, values: Sequence[object]) -> list[dict[str, Any]]:
        """The runs whose `column` (a name of ours, never input) is one of `values`,
        oldest first."""
        if not values:
            return []
        marks = ", ".join("?" for _ in values)
        cols = ", ".join(RUN_COLUMNS)
        with self.reading() as conn:
            rows = conn.execute(
                f"SELECT {cols} FROM job_runs WHERE {column} IN ({marks}) ORDER BY id",
                tuple(values),
            ).fetchall()
        return [run_to_json(row) for row in rows]

    def newest_runs(self) -> list[dict[str, Any]]:
        """The newest run of every job that has one."""
        cols = ", ".join(RUN_COLUMNS)
        with self.reading() as conn:
            rows = conn.execute(
                f"SELECT {cols} FROM job_runs WHERE id IN"
                " (SELECT MAX(id) FROM job_runs GROUP BY job_id)"
            ).fetchall()
        return [run_to_json(row) for row in rows]

    def count_by_status(self, since: float) -> dict[str, int]:
        """How many runs queued at or after `since` are in each state."""
        with self.reading() as conn:
            rows = conn.execute(
                "SELECT status, COUNT(*) FROM job_runs WHERE queued_at >= ? GROUP BY status",
                (since,),
            ).fetchall()
        return {str(status): int(count) for status, count in rows}

    def last_success(self, job_id: str) -> float | None:
        """When the newest successful run of `job_id` ended, or None."""
        with self.reading() as conn:
            row = conn.execute(
                "SELECT MAX(ended_at) FROM job_runs WHERE job_id = ? AND status = 'success'",
                (job_id,),
            ).fetchone()
        return None if row is None or row[0] is None else float(row[0])

    def prune(self, older_than: float, keep_per_job: int = 0) -> int:
        """Delete final runs that ended before `older_than` (keeping the newest `keep_per_job`)."""
        with self.transaction() as conn:
            cur = conn.execute(
                "DELETE FROM job_runs WHERE ended_at IS NOT NULL AND ended_at < ? AND id NOT IN"
                " (SELECT id FROM (SELECT id, ROW_NUMBER() OVER"
                " (PARTITION BY job_id ORDER BY id DESC) AS n FROM job_runs) WHERE n <= ?)",
                (older_than, keep_per_job),
            )
            return int(cur.rowcount)

    # -- schedule state -----------------------------------------------------------------

    def last_fire(self, job_id: str) -> float | None:
        """When `job_id`'s schedule last fired (or was first armed), or None."""
        with self.reading() as conn:
            row = conn.execute(
                "SELECT last_fire FROM job_schedule_state WHERE job_id = ?", (job_id,)
            ).fetchone()
        return None if row is None else float(row[0])

    def set_last_fire(self, job_id: str, when: float) -> None:
        """Remember that `job_id`'s schedule fired at `when`."""
        self.write(
            "INSERT INTO job_schedule_state (job_id, last_fire) VALUES (?, ?)"
            " ON CONFLICT (job_id) DO UPDATE SET last_fire = excluded.last_fire",
            (job_id, when),
        )

    # -- process records (ProcessRecorder) ------------------------------------------------

    def record(self, name: str, pid: int, create_time: float, sid: int) -> None:
        """Remember a child just started (the start-up sweep reads these)."""
        self.write(
            "INSERT INTO process_records (pid, name, create_time, sid) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (pid) DO UPDATE SET name = excluded.name,"
            " create_time = excluded.create_time, sid = excluded.sid",
            (pid, name, create_time, sid),
        )

    def forget(self, pid: int) -> None:
        """Drop the record of `pid`."""
        self.write("DELETE FROM process_records WHERE pid = ?", (pid,))

    def recorded(self) -> list[RecordedProcess]:
        """Every recorded child."""
        with self.reading() as conn:
            rows = conn.execute(
                "SELECT name, pid, create_time, sid FROM process_records ORDER BY id"
            ).fetchall()
        return [RecordedProcess(*row) for row in rows]


def _replay(
    conn: sqlite3.Connection, writes: Sequence[tuple[str, tuple[Any, ...]] | _RunUpdate]
) -> None:
    """Execute queued `writes` in order (inside the caller's transaction)."""
    for write in writes:
        if isinstance(write, _RunUpdate):
            conn.execute(_update_sql(tuple(write.fields)), write.args())
        else:
            conn.execute(*write)
