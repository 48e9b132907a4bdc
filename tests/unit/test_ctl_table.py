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
