"""Versioned schema migrations: a small runner, each step in its own transaction.

The version lives in `PRAGMA user_version` (0 for a new, empty file). Each
migration runs in one `BEGIN IMMEDIATE` transaction together with the bump of
`user_version`, so a database is always exactly at one version: never
half-migrated. A database newer than `LATEST_VERSION` is refused
(`WorkspaceVersionError`), never downgraded.

To change the schema: append a `Migration(version=LATEST_VERSION + 1, ...)`
below (never edit a released one), update `models.py` to match, and add a
fixture database of the previous version to the tests.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from panel.workspace.database import begin
from panel.workspace.errors import WorkspaceVersionError


@dataclass(frozen=True)
class Migration:
    """One step of the schema: from `version - 1` to `version`."""

    version: int
    summary: str
    apply: Callable[[sqlite3.Connection], None]


def sql_steps(*statements: str) -> Callable[[sqlite3.Connection], None]:
    """A migration body that runs `statements` in order (one SQL statement each)."""

    def apply(conn: sqlite3.Connection) -> None:
        for statement in statements:
            conn.execute(statement)

    return apply


_V1 = sql_steps(
    """
    CREATE TABLE server_config (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        command TEXT NOT NULL,
        cwd TEXT,
        env TEXT NOT NULL DEFAULT '{}',
        port INTEGER NOT NULL DEFAULT 8121,
        health_url TEXT NOT NULL,
        autostart INTEGER NOT NULL DEFAULT 1,
        restart TEXT NOT NULL DEFAULT 'on-failure',
        stop_timeout_ms INTEGER NOT NULL DEFAULT 5000
    )
    """,
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)

_V1_SETTING_RENAMES = {
    "log_ring_capacity": "logs.capacity",
    "log_file_max_bytes": "logs.maxFileBytes",
    "log_file_backups": "logs.backups",
    "api_max_message_size": "api.maxMessageBytes",
}

_V2 = sql_steps(
    "ALTER TABLE server_config ADD COLUMN ready_timeout_ms INTEGER NOT NULL DEFAULT 20000",
    "ALTER TABLE server_config ADD COLUMN liveness_interval_ms INTEGER NOT NULL DEFAULT 2000",
    "ALTER TABLE server_config ADD COLUMN liveness_failures INTEGER NOT NULL DEFAULT 3",
    "ALTER TABLE server_config ADD COLUMN start_retries INTEGER NOT NULL DEFAULT 3",
    "ALTER TABLE server_config ADD COLUMN memory_limit_mb INTEGER",
    """
    CREATE TABLE process_records (
        id INTEGER PRIMARY KEY,
        pid INTEGER NOT NULL UNIQUE,
        name TEXT NOT NULL,
        create_time REAL NOT NULL,
        sid INTEGER NOT NULL
    )
    """,
    "CREATE TABLE config_sections (name TEXT PRIMARY KEY, body TEXT NOT NULL)",
    *(
        f"UPDATE OR REPLACE settings SET key = '{new}' WHERE key = '{old}'"
        for old, new in _V1_SETTING_RENAMES.items()
    ),
)

_V3 = sql_steps(
    """
    CREATE TABLE job_runs (
        id INTEGER PRIMARY KEY,
        job_id TEXT NOT NULL,
        graph_id INTEGER,
        trigger TEXT NOT NULL,
        options TEXT NOT NULL DEFAULT '{}',
        attempt INTEGER NOT NULL DEFAULT 1,
        status TEXT NOT NULL,
        queued_at REAL NOT NULL,
        started_at REAL,
        ended_at REAL,
        exit_code INTEGER,
        error TEXT,
        log_path TEXT,
        pid INTEGER,
        create_time REAL,
        waiting_on TEXT
    )
    """,
    "CREATE INDEX job_runs_by_job ON job_runs (job_id, id)",
    "CREATE INDEX job_runs_by_status ON job_runs (status)",
    """
    CREATE TABLE dataset_allocations (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        path TEXT NOT NULL,
        mode TEXT NOT NULL,
        owner_kind TEXT NOT NULL,
        owner_id TEXT NOT NULL,
        pid INTEGER,
        create_time REAL,
        acquired_at REAL NOT NULL
    )
    """,
    "CREATE INDEX dataset_allocations_by_path ON dataset_allocations (path)",
    "CREATE TABLE job_schedule_state (job_id TEXT PRIMARY KEY, last_fire REAL NOT NULL)",
)

_V4 = sql_steps(
    """
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        ts REAL NOT NULL,
        client TEXT NOT NULL,
        method TEXT NOT NULL,
        params TEXT NOT NULL,
        outcome TEXT NOT NULL,
        error_code INTEGER,
        duration_ms REAL NOT NULL
    )
    """,
    "CREATE INDEX audit_log_by_ts ON audit_log (ts)",
)


def _v5(conn: sqlite3.Connection) -> None:
    """Many services: the one `server` row becomes the service named `server` (its health
    URL both readiness and liveness), in a table of services, one JSON body a row."""
    conn.execute(
        "CREATE TABLE services ("
        " name TEXT PRIMARY KEY, position INTEGER NOT NULL, body TEXT NOT NULL)"
    )
    row = conn.execute(
        "SELECT command, cwd, env, port, health_url, autostart, restart, stop_timeout_ms,"
        " ready_timeout_ms, liveness_interval_ms, liveness_failures, start_retries,"
        " memory_limit_mb FROM server_config WHERE id = 1"
    ).fetchone()
    if row is not None:
        body = {
            "name": "server",
            "command": json.loads(row[0]),
            "cwd": row[1],
            "env": json.loads(row[2]),
            "port": row[3],
            "readiness": {"http": row[4]},
            "liveness": {"http": row[4]},
            "autostart": bool(row[5]),
            "restart": row[6],
            "stopTimeoutMs": row[7],
            "readyTimeoutMs": row[8],
            "livenessIntervalMs": row[9],
            "livenessFailures": row[10],
            "startRetries": row[11],
            "memoryLimitMb": row[12],
            "after": [],
        }
        conn.execute(
            "INSERT INTO services (name, position, body) VALUES (?, 0, ?)",
            ("server", json.dumps(body, separators=(",", ":"))),
        )
    conn.execute("DROP TABLE server_config")


_V6 = sql_steps(
    "ALTER TABLE job_runs ADD COLUMN executor TEXT NOT NULL DEFAULT 'local'",
    "ALTER TABLE job_runs ADD COLUMN remote_ref TEXT",
    "ALTER TABLE job_runs ADD COLUMN log_cursor TEXT",
    "ALTER TABLE job_runs ADD COLUMN host TEXT",
)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "server config and settings", _V1),
    Migration(
        2,
        "server readiness/liveness/retry/memory columns, process records, "
        "opaque connections/jobs sections, dotted setting keys",
        _V2,
    ),
    Migration(3, "job run history, dataset allocations, job schedule state", _V3),
    Migration(4, "audit log of mutating API calls", _V4),
    Migration(5, "services: the server row becomes the service named server", _v5),
    Migration(6, "job runs: executor, remote reference, log cursor and worker host", _V6),
)
"""Every migration, in order: `MIGRATIONS[i].version == i + 1`."""

LATEST_VERSION = MIGRATIONS[-1].version
"""The schema version this code reads and writes."""


def schema_version(conn: sqlite3.Connection) -> int:
    """The `user_version` of the database behind `conn`."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    conn: sqlite3.Connection, label: str, migrations: Sequence[Migration] = MIGRATIONS
) -> int:
    """Bring the database up to the last of `migrations`; returns the version found first.

    `label` names the database in errors. Each step commits on its own, so an
    interrupted upgrade resumes from the last completed version.
    """
    latest = migrations[-1].version if migrations else 0
    found: int | None = None
    while True:
        with begin(conn, "IMMEDIATE"):
            current = schema_version(conn)
            found = current if found is None else found
            if current > latest:
                raise WorkspaceVersionError(label, current, latest)
            if current == latest:
                return found
            step = migrations[current]
            if step.version != current + 1:
                raise RuntimeError(f"migration list out of order at version {step.version}")
            step.apply(conn)
            conn.execute(f"PRAGMA user_version = {int(step.version)}")
