"""The SQLite engine of a workspace: WAL journal, foreign keys, busy timeout, real transactions."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event

BUSY_TIMEOUT_MS = 5000
"""How long a statement waits for another writer (another panel, `opspanel import`)."""

BEGIN_MODE_OPTION = "opspanel_begin"
"""Execution option naming the BEGIN flavour (`DEFERRED` by default, `IMMEDIATE` for writes)."""


def create_workspace_engine(db_path: Path) -> Engine:
    """One engine for the database file at `db_path` (created on first connection).

    The sqlite3 driver's own transaction handling is switched off and every
    SQLAlchemy transaction emits its own BEGIN, so DDL (migrations) is
    transactional too. A connection made through `writer(engine)` begins with
    `BEGIN IMMEDIATE`: it takes the write lock up front instead of failing
    half-way through when another process writes.
    """
    url = URL.create("sqlite", database=str(db_path))
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def writer(engine: Engine) -> Engine:
    """The same engine (same pool) whose transactions begin with `BEGIN IMMEDIATE`."""
    return engine.execution_options(**{BEGIN_MODE_OPTION: "IMMEDIATE"})


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
    finally:
        cursor.close()


def _on_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get(BEGIN_MODE_OPTION, "DEFERRED")
    if mode not in ("DEFERRED", "IMMEDIATE"):
        raise ValueError(f"unknown BEGIN mode {mode!r}")
    conn.exec_driver_sql(f"BEGIN {mode}")
