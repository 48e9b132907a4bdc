"""Schema versions: upgrading a version 1 database, refusing newer ones, atomic steps."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from panel.workspace import Workspace, WorkspaceVersionError
from panel.workspace.database import connect_workspace
from panel.workspace.migrations import LATEST_VERSION, MIGRATIONS, Migration, migrate, sql_steps


def test_migrations_are_numbered_in_order() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))


def test_version_1_database_upgrades_keeping_its_data(workspace_dir: Path, db: Any) -> None:
    db.build_from_sql(workspace_dir / "workspace.db", db.fixtures / "v1_workspace.sql")
    with Workspace.open(workspace_dir) as ws:
        assert ws.schema_version == LATEST_VERSION
        cfg = ws.server_config()
        assert cfg.command == ["{python}", "-m", "myapp.server", "--port", "{port}"]
        assert cfg.cwd == "/srv/myapp"
        assert cfg.env == {"MYAPP_ENV": "production", "PYTHONUNBUFFERED": "1"}
        assert cfg.port == 9000
        assert cfg.health_url == "http://127.0.0.1:{port}/healthz"
        assert cfg.autostart is False
        assert cfg.restart == "always"
        assert cfg.stop_timeout_ms == 12000
        # Columns new in version 2 take their defaults.
        assert (cfg.ready_timeout_ms, cfg.liveness_interval_ms) == (20000, 2000)
        assert (cfg.liveness_failures, cfg.start_retries, cfg.memory_limit_mb) == (3, 3, None)
        # Setting keys were renamed; unknown keys kept as they were.
        assert ws.get_setting("logs.capacity") == 50000
        assert ws.get_setting("logs.backups") == 9
        assert ws.get_setting("log_ring_capacity") is None
        assert ws.get_setting("window_geometry") == {"w": 1200, "h": 800}
        assert ws.recorded() == []
        assert ws.config_section("connections") == []
        ws.record("server", 10, 1.0, 10)  # the new table works
        assert len(ws.recorded()) == 1


def test_upgraded_and_new_databases_have_the_same_schema(tmp_path: Path, db: Any) -> None:
    db.build_from_sql(tmp_path / "old" / "workspace.db", db.fixtures / "v1_workspace.sql")
    Workspace.open(tmp_path / "old").close()
    Workspace.open(tmp_path / "new").close()

    def schema(path: Path) -> list[str]:
        lines = [line for line in db.dump(path) if line.startswith(("CREATE", "user_version"))]
        return ["".join(line.split()) for line in lines]  # layout of the SQL text aside

    assert schema(tmp_path / "old" / "workspace.db") == schema(tmp_path / "new" / "workspace.db")


def test_newer_database_is_refused_and_left_alone(workspace_dir: Path, db: Any) -> None:
    Workspace.open(workspace_dir).close()
    db_file = workspace_dir / "workspace.db"
    db.run_sql(
        db_file,
        "CREATE TABLE from_the_future (x INTEGER)",
        f"PRAGMA user_version = {LATEST_VERSION + 1}",
    )
    before = db.dump(db_file)
    with pytest.raises(WorkspaceVersionError) as caught:
        Workspace.open(workspace_dir)
    assert caught.value.found == LATEST_VERSION + 1 and caught.value.known == LATEST_VERSION
    assert f"schema version {LATEST_VERSION + 1}" in str(caught.value)
    assert "newer OpsPanel" in str(caught.value)
    assert db.dump(db_file) == before


def _fail(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE half_done (x INTEGER)")
    raise RuntimeError("migration failed half-way")


def test_a_failing_step_rolls_back_to_the_previous_version(tmp_path: Path, db: Any) -> None:
    db_file = tmp_path / "steps.db"
    steps = [
        Migration(1, "one", sql_steps("CREATE TABLE one (x INTEGER)")),
        Migration(2, "two", _fail),
    ]
    conn = connect_workspace(db_file)
    try:
        with pytest.raises(RuntimeError, match="half-way"):
            migrate(conn, str(db_file), steps)
    finally:
        conn.close()
    dump = db.dump(db_file)
    assert dump[0] == "user_version=1"
    assert any("CREATE TABLE one" in line for line in dump)
    assert not any("half_done" in line for line in dump)


def test_migrate_reports_the_version_it_found(tmp_path: Path) -> None:
    db_file = tmp_path / "found.db"
    conn = connect_workspace(db_file)
    try:
        assert migrate(conn, str(db_file)) == 0
        assert migrate(conn, str(db_file)) == LATEST_VERSION
    finally:
        conn.close()


def test_version_5_job_runs_gain_executor_remote_ref_cursor_and_host(
    workspace_dir: Path, db: Any
) -> None:
    db.build_from_sql(workspace_dir / "workspace.db", db.fixtures / "v5_workspace.sql")
    Workspace.open(workspace_dir).close()
    from panel.jobs.store import JobStore

    store = JobStore(workspace_dir / "workspace.db")
    try:
        old = store.run(2)
        assert old is not None
        # The rows of version 5 are kept, and ran on this machine.
        assert (old["job"], old["status"], old["exitCode"], old["error"]) == (
            "report",
            "failed",
            3,
            "exit code 3",
        )
        assert old["options"] == {"day": "mon"}
        assert (old["executor"], old["remoteRef"], old["logCursor"], old["host"]) == (
            "local",
            None,
            None,
            None,
        )
        # A new run records its executor; the cluster columns are written like the rest.
        new = store.insert_run("backup", 3, "manual", {}, 1, "queued", executor="cluster")
        store.update_run(new, remote_ref="abc", log_cursor="1-0", host="w1")
        row = store.run(new)
        assert row is not None
        assert (row["executor"], row["remoteRef"], row["logCursor"], row["host"]) == (
            "cluster",
            "abc",
            "1-0",
            "w1",
        )
        assert new == 3  # ids go on after the upgraded rows
    finally:
        store.close()
