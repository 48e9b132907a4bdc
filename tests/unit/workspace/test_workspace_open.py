"""Opening, creating, reopening and closing a workspace folder."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from panel.workspace import Workspace, WorkspaceError, demo_server_config, store
from panel.workspace.migrations import LATEST_VERSION
from panel.workspace.models import TABLES


def test_open_creates_folder_logs_and_database(tmp_path: Path) -> None:
    root = tmp_path / "a" / "b" / "ws"
    with Workspace.open(root) as ws:
        assert ws.root == root.resolve()
        assert ws.db_path == root / "workspace.db"
        assert ws.logs_dir == root / "logs"
        assert ws.api_file == root / "api.json"
        assert ws.db_path.is_file()
        assert ws.logs_dir.is_dir()
        assert not ws.api_file.exists()  # written by the API, not by the workspace
        assert ws.schema_version == LATEST_VERSION
        assert (root.stat().st_mode & 0o777) == 0o700


def test_new_workspace_gets_the_demo_server(ws: Workspace) -> None:
    assert ws.server_config() == demo_server_config()


def test_wal_foreign_keys_and_busy_timeout_are_on(ws: Workspace) -> None:
    with ws.snapshot() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    with closing(sqlite3.connect(ws.db_path)) as plain:  # WAL is a property of the file
        assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopen_keeps_data(workspace_dir: Path) -> None:
    with Workspace.open(workspace_dir) as ws:
        cfg = demo_server_config()
        ws.save_server_config(type(cfg)(command=["{python}", "-m", "app"], port=9100))
        ws.set_setting("logs.backups", 7)
        ws.record("server", 4242, 1700000000.25, 4242)
    with Workspace.open(workspace_dir) as again:
        assert again.server_config().command == ["{python}", "-m", "app"]
        assert again.server_config().port == 9100
        assert again.get_setting("logs.backups") == 7
        assert [r.pid for r in again.recorded()] == [4242]


def test_lock_name_is_short_safe_and_stable(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "one") as one, Workspace.open(tmp_path / "two") as two:
        assert re.fullmatch(r"opspanel-[0-9a-f]{16}", one.lock_name)
        assert one.lock_name != two.lock_name
        name = one.lock_name
    # The same folder, named another way, gives the same name.
    with Workspace.open(tmp_path / "x" / ".." / "one") as same:
        assert same.lock_name == name


def test_closed_workspace_refuses_work(workspace_dir: Path) -> None:
    ws = Workspace.open(workspace_dir)
    ws.close()
    ws.close()  # twice is fine
    with pytest.raises(WorkspaceError, match="closed"):
        ws.server_config()


def test_not_a_database_is_a_clear_error(workspace_dir: Path) -> None:
    (workspace_dir / "workspace.db").write_bytes(b"this is not SQLite at all" * 100)
    with pytest.raises(WorkspaceError, match=r"workspace\.db: cannot open the database"):
        Workspace.open(workspace_dir)


def test_folder_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(WorkspaceError, match="cannot create the workspace folder"):
        Workspace.open(blocker / "ws")


def test_models_match_the_migrated_schema(ws: Workspace) -> None:
    with ws.snapshot() as conn:
        names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        assert {name for (name,) in names} == set(TABLES)
        for table, columns in TABLES.items():
            # (cid, name, type, notnull, default, pk) per column, in their order
            info = conn.execute(f"PRAGMA table_info({table})").fetchall()
            found = [(row[1], row[2], not row[3] and not row[5], bool(row[5])) for row in info]
            assert found == [(c.name, c.type, c.nullable, c.primary_key) for c in columns], table


def test_a_failed_transaction_writes_nothing(ws: Workspace) -> None:
    with pytest.raises(RuntimeError), ws.transaction() as conn:
        store.store_setting(conn, "a", 1)
        raise RuntimeError("boom")
    assert ws.get_setting("a") is None


def test_readers_are_not_blocked_by_a_writer(workspace_dir: Path) -> None:
    with Workspace.open(workspace_dir) as writer, Workspace.open(workspace_dir) as reader:
        with writer.transaction() as conn:
            store.store_setting(conn, "k", 1)
            assert reader.get_setting("k") is None  # WAL: the old snapshot, no waiting
        assert reader.get_setting("k") == 1
