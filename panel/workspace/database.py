"""The SQLite connections of a workspace: WAL journal, foreign keys, busy timeout, transactions.

Plain `sqlite3` (as the job history and the audit log): the driver's own
transaction handling is switched off and every transaction emits its own
BEGIN, so DDL (migrations) is transactional too. A write transaction begins
with `BEGIN IMMEDIATE`: it takes the write lock up front instead of failing
half-way through when another process writes.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT_MS = 5000
"""How long a statement waits for another writer (another panel, `opspanel import`)."""

BEGIN_MODES = ("DEFERRED", "IMMEDIATE")
"""`DEFERRED` for a read, `IMMEDIATE` for a write."""


def connect_workspace(db_path: Path) -> sqlite3.Connection:
    """A connection to the database file at `db_path` (created when missing).

    `sqlite3.DatabaseError` when the file is not a database. The connection may be
    handed from one thread to another (`ConnectionPool`), never used by two at once.
    """
    conn = sqlite3.connect(
        str(db_path),
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,  # we emit BEGIN ourselves (see `begin`)
        check_same_thread=False,
    )
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
    except sqlite3.Error:
        conn.close()
        raise
    return conn


@contextmanager
def begin(conn: sqlite3.Connection, mode: str = "DEFERRED") -> Iterator[sqlite3.Connection]:
    """One transaction on `conn`: committed at the end, rolled back on any exception."""
    if mode not in BEGIN_MODES:
        raise ValueError(f"unknown BEGIN mode {mode!r}")
    conn.execute(f"BEGIN {mode}")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


class ConnectionPool:
    """The connections of one database file, opened when needed and kept for reuse.

    One is enough for the Qt main thread; a transaction opened inside another (or
    in another thread) gets a connection of its own, as separate readers and
    writers of the file would.
    """

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self._idle: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """A connection for the duration of the block (back in the pool after it)."""
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = connect_workspace(self.db_path)
        try:
            yield conn
        finally:
            with self._lock:
                keep = not self._closed and not conn.in_transaction
                if keep:
                    self._idle.append(conn)
            if not keep:
                conn.close()

    def close(self) -> None:
        """Close the idle connections; those in use are closed when they are given back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
