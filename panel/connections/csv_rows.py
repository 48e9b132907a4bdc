"""Reading one CSV file into rows of cells, naming every broken spot by file, line and column.

Bad UTF-8, a quote that is never closed (or closed lines later, which would merge rows)
and rows with fewer or more cells than the header are problems, not silent data.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

Row = tuple[int, dict[str, str]]


def read_rows(path: Path, problems: list[str]) -> list[Row]:
    """The rows of `path` as (line, {column: cell}); problems are appended to `problems`."""
    text = read_text(path, problems)
    return [] if text is None else parse_rows(path.name, text, problems)


def read_text(path: Path, problems: list[str]) -> str | None:
    """The text of a UTF-8 CSV file (None, with the problem appended, when it has none)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(f"{path.name}: cannot read: {exc.strerror or exc}")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(_bad_utf8(path.name, data, exc))
        return None


def parse_rows(name: str, text: str, problems: list[str]) -> list[Row]:
    """The rows of CSV `text` (file `name`, for the problems) as (line, {column: cell})."""
    return _parse(name, text.removeprefix("\ufeff"), problems)


def _bad_utf8(name: str, data: bytes, exc: UnicodeDecodeError) -> str:
    start = data.rfind(b"\n", 0, exc.start) + 1
    line = data.count(b"\n", 0, exc.start) + 1
    before = data[start : exc.start].decode("utf-8", errors="replace")
    column = _column_at(_header(data.decode("utf-8-sig", errors="replace")), before)
    why = f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8"
    return f"{name}:{line}: column {column}: {why}"


def _header(text: str) -> list[str]:
    first = next(csv.reader(io.StringIO(text.split("\n", 1)[0])), [])
    return [cell.strip() for cell in first]


def _column_at(header: list[str], line_prefix: str) -> str:
    """The header name of the cell that `line_prefix` (the line up to a spot) ends in."""
    index = len(next(csv.reader([line_prefix]), [""])) - 1
    return header[index] if 0 <= index < len(header) else str(index + 1)


def _parse(name: str, text: str, problems: list[str]) -> list[Row]:
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] = []
    rows: list[Row] = []
    start = 1
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not cells:
                continue
            if not header:
                header = [cell.strip() for cell in cells]
                continue
            if reader.line_num > line:
                end = f"closes only on line {reader.line_num}: a cell cannot span lines"
                problems.append(_unclosed(name, header, lines, line, end))
                return rows
            row = _row(name, header, cells, line, problems)
            if row is not None:
                rows.append((line, row))
    except csv.Error:
        problems.append(_unclosed(name, header, lines, start, "is never closed"))
    return rows


def _unclosed(name: str, header: list[str], lines: list[str], line: int, how: str) -> str:
    text = lines[line - 1] if line <= len(lines) else ""
    column = _column_at(header, text[: text.rfind('"')])
    return f"{name}:{line}: column {column}: the quote opened here {how}"


def _row(
    name: str, header: list[str], cells: list[str], line: int, problems: list[str]
) -> dict[str, str] | None:
    if len(cells) < len(header):
        problems.append(
            f"{name}:{line}: column {header[len(cells)]}: missing cell"
            f" ({len(cells)} cells, the header has {len(header)})"
        )
        return None
    if len(cells) > len(header):
        problems.append(f"{name}:{line}: more cells than columns")
        return None
    return dict(zip(header, cells, strict=True))
