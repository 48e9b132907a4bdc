"""The one table formatter of `opspanel ctl` listings."""

from __future__ import annotations

from panel.api.ctl_table import format_table
from tests.ctl_output import table


def test_columns_are_as_wide_as_their_widest_cell() -> None:
    lines = format_table(
        ("ID", "STATE", "PID"), [("plc1", "connected", 12), ("a-long-id", None, 123456)], right=(2,)
    )
    assert lines == [
        "ID         STATE         PID",
        "plc1       connected      12",
        "a-long-id  -          123456",
    ]


def test_no_trailing_spaces_and_the_reader_gets_the_cells_back() -> None:
    lines = format_table(("NAME", "ERROR"), [("api", ""), ("db", "exited with code 1")])
    assert all(line == line.rstrip() for line in lines)
    assert table("\n".join(lines)) == [
        {"NAME": "api", "ERROR": ""},
        {"NAME": "db", "ERROR": "exited with code 1"},
    ]


def test_the_runs_table_says_where_a_cluster_run_ran() -> None:
    from panel.api.ctl_jobs import _runs_table
    from panel.api.ctl_table import format_table as fmt

    runs = [
        {
            "id": 2,
            "job": "etl",
            "status": "success",
            "trigger": "manual",
            "attempt": 1,
            "exitCode": 0,
            "host": "opspanel@node-a",
            "error": None,
        },
        {
            "id": 1,
            "job": "backup",
            "status": "failed",
            "trigger": "scheduled",
            "attempt": 1,
            "exitCode": 3,
            "host": None,
            "error": "exit code 3",
        },
    ]
    rows = table("\n".join(fmt(*_runs_table(runs))))
    assert [(r["RUN"], r["HOST"], r["ERROR"]) for r in rows] == [
        ("#2", "opspanel@node-a", ""),
        ("#1", "-", "exit code 3"),
    ]
