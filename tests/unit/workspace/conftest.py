"""Helpers for the workspace tests: real SQLite files in tmp_path, read with plain sqlite3."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from panel.workspace import Workspace

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "workspace"


def dump_db(db_path: Path) -> list[str]:
    """Every statement that rebuilds the database (schema and rows), plus its user_version."""
    with closing(sqlite3.connect(db_path)) as conn:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        return [f"user_version={version}", *conn.iterdump()]


def build_db_from_sql(db_path: Path, script: Path) -> None:
    """Create `db_path` by running the SQL `script` (fixtures are committed as SQL, not .db)."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(db_path)) as conn:
        conn.executescript(script.read_text(encoding="utf-8"))
        conn.commit()


def run_sql(db_path: Path, *statements: str) -> None:
    """Run `statements` on the file with a separate plain connection (another writer)."""
    with closing(sqlite3.connect(db_path)) as conn:
        for statement in statements:
            conn.execute(statement)
        conn.commit()


class DbTools:
    """The helpers above, handed to tests as the `db` fixture (conftest is not importable)."""

    fixtures = FIXTURES
    dump = staticmethod(dump_db)
    build_from_sql = staticmethod(build_db_from_sql)
    run_sql = staticmethod(run_sql)


@pytest.fixture
def db() -> type[DbTools]:
    """Plain-sqlite3 helpers: `db.dump(path)`, `db.build_from_sql(path, script)`, `db.run_sql`."""
    return DbTools


@pytest.fixture
def ws(workspace_dir: Path) -> Iterator[Workspace]:
    """A freshly created workspace, closed after the test."""
    with Workspace.open(workspace_dir) as workspace:
        yield workspace
