"""The CURRENT database schema (version `migrations.LATEST_VERSION`), table by table.

The tables are created and changed only by `migrations.py` (frozen SQL per
version); this mirrors the latest result for readers of the code, and a test
checks that they agree. JSON-valued columns hold text written with `json.dumps`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    """One column: its name, its declared SQLite type, NULL allowed, part of the key."""

    name: str
    type: str
    nullable: bool = False
    primary_key: bool = False


def _key(name: str, type_: str = "INTEGER") -> Column:
    return Column(name, type_, primary_key=True)


def _null(name: str, type_: str) -> Column:
    return Column(name, type_, nullable=True)


TABLES: dict[str, tuple[Column, ...]] = {
    # One setting: a key and its JSON-encoded value.
    "settings": (_key("key", "TEXT"), Column("value", "TEXT")),
    # A child the panel started and has not yet seen finish (for the start-up sweep).
    "process_records": (
        _key("id"),
        Column("pid", "INTEGER"),  # unique
        Column("name", "TEXT"),
        Column("create_time", "REAL"),
        Column("sid", "INTEGER"),
    ),
    # A configuration section kept as opaque JSON (`connections`, `jobs`: arrays) until
    # it gets tables of its own, so that an export returns exactly what was imported.
    "config_sections": (_key("name", "TEXT"), Column("body", "TEXT")),
    # One attempt of a job: appended when queued, its status updated in its own transaction.
    "job_runs": (
        _key("id"),
        Column("job_id", "TEXT"),
        _null("graph_id", "INTEGER"),
        Column("trigger", "TEXT"),
        Column("options", "TEXT"),  # JSON object
        Column("attempt", "INTEGER"),
        Column("status", "TEXT"),
        Column("queued_at", "REAL"),
        _null("started_at", "REAL"),
        _null("ended_at", "REAL"),
        _null("exit_code", "INTEGER"),
        _null("error", "TEXT"),
        _null("log_path", "TEXT"),
        _null("pid", "INTEGER"),
        _null("create_time", "REAL"),
        _null("waiting_on", "TEXT"),
        Column("executor", "TEXT"),  # `local` or a name from the `executors` section
        _null("remote_ref", "TEXT"),  # the cluster's id of the run (a Celery task id)
        _null("log_cursor", "TEXT"),  # the last log entry read (a Redis Stream id)
        _null("host", "TEXT"),  # the machine the run ran on (cluster runs)
    ),
    # A dataset path held by an owner (a job run or a session), exclusive or shared.
    "dataset_allocations": (
        _key("id"),
        Column("name", "TEXT"),
        Column("path", "TEXT"),
        Column("mode", "TEXT"),
        Column("owner_kind", "TEXT"),
        Column("owner_id", "TEXT"),
        _null("pid", "INTEGER"),
        _null("create_time", "REAL"),
        Column("acquired_at", "REAL"),
    ),
    # When each scheduled job last fired (for the missed-run policy after downtime).
    "job_schedule_state": (_key("job_id", "TEXT"), Column("last_fire", "REAL")),
    # One mutating API call: when, which client, method, a params summary and the outcome.
    "audit_log": (
        _key("id"),
        Column("ts", "REAL"),
        Column("client", "TEXT"),
        Column("method", "TEXT"),
        Column("params", "TEXT"),  # a short, redacted JSON summary
        Column("outcome", "TEXT"),  # "ok" or "error: <message>"
        _null("error_code", "INTEGER"),
        Column("duration_ms", "REAL"),
    ),
    # One service: its name, its place in the list and its JSON body (`ServiceConfig`,
    # camelCase keys).
    "services": (_key("name", "TEXT"), Column("position", "INTEGER"), Column("body", "TEXT")),
}
"""Every table of the current schema and its columns, in their order in the database."""
