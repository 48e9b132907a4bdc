"""The WHERE clause builder shared by the audit log and the job history."""

from __future__ import annotations

import sqlite3

from panel.util.sql import where


def test_filters_not_asked_for_are_left_out() -> None:
    assert where((("a = ?", None), ("b < ?", None))) == ("", [])
    assert where((("a = ?", 0), ("b < ?", None), ("c = ?", ""))) == (
        " WHERE a = ? AND c = ?",
        [0, ""],
    )


def test_the_clause_selects_what_it_says() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (id INTEGER, kind TEXT)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", [(1, "x"), (2, "y"), (3, "x")])
    clause, args = where((("kind = ?", "x"), ("id < ?", 3)))
    assert conn.execute(f"SELECT id FROM t{clause}", args).fetchall() == [(1,)]
    conn.close()
