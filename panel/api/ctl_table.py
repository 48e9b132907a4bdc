"""The one table every `opspanel ctl` listing prints: a header row, aligned columns."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

GAP = "  "


def format_table(
    headers: Sequence[str], rows: Iterable[Sequence[object]], right: Sequence[int] = ()
) -> list[str]:
    """Lines of a table: `headers` then each row, every column as wide as its widest cell.

    Cells are `str()`-ed (None shows as `-`); columns whose index is in `right` are
    right-aligned (figures), the others left-aligned. No line ends in spaces.
    """
    cells = [[_cell(value) for value in row] for row in rows]
    table = [list(headers), *cells]
    widths = [max(len(row[i]) for row in table if i < len(row)) for i in range(len(headers))]
    lines = []
    for row in table:
        parts = [
            text.rjust(widths[i]) if i in right else text.ljust(widths[i])
            for i, text in enumerate(row)
        ]
        lines.append(GAP.join(parts).rstrip())
    return lines


def print_table(
    headers: Sequence[str], rows: Iterable[Sequence[object]], right: Sequence[int] = ()
) -> None:
    """`format_table` on stdout."""
    for line in format_table(headers, rows, right):
        print(line)


def _cell(value: object) -> str:
    return "-" if value is None else str(value)
