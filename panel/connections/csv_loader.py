"""Loading connections from three CSV files: connections.csv, blocks.csv and tags.csv.

Columns are the JSON field names of the workspace shape (camelCase); empty cells take
the default. `blocks.csv` names its connection in `connection`; `tags.csv` names its
connection and block in `connection` and `block`. `nodes` holds OPC UA node ids
separated by `;`. Every problem names the file, the line and the column:
`tags.csv:7: column offset: 9 (+1) runs past the block's count 8`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from panel.connections.csv_rows import parse_rows, read_text
from panel.connections.validation import check_connections

CONNECTIONS_CSV = "connections.csv"
BLOCKS_CSV = "blocks.csv"
TAGS_CSV = "tags.csv"
CSV_FILES = (CONNECTIONS_CSV, BLOCKS_CSV, TAGS_CSV)

_INT = {"port", "unitId", "timeoutMs", "reconnectMinMs", "reconnectMaxMs", "start", "count"}
_INT |= {"periodMs", "samplingMs", "maxGap", "offset", "bit"}
_FLOAT = {"scale", "offsetValue", "deadband"}
_BOOL = {"enabled", "writable"}
_LIST = {"nodes"}
_PATH = re.compile(r"^\$\.connections\[(\d+)\](?:\.blocks\[(\d+)\](?:\.tags\[(\d+)\])?)?(.*)$")

Where = tuple[str, int]


class CsvError(ValueError):
    """The CSV files cannot be loaded; `problems` lists `file:line: column c: message`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _cell(name: str, text: str) -> Any:
    text = text.strip()
    if name in _INT:
        return int(text, 10)
    if name in _FLOAT:
        return float(text)
    if name in _BOOL:
        lowered = text.lower()
        if lowered in ("true", "yes", "1"):
            return True
        if lowered in ("false", "no", "0"):
            return False
        raise ValueError(f"{text!r} is not true or false")
    if name in _LIST:
        return [part.strip() for part in text.split(";") if part.strip()]
    return text


def _read(name: str, text: str, problems: list[str]) -> list[tuple[int, dict[str, Any]]]:
    """Rows of CSV file `name` as (line, typed dict without empty cells)."""
    rows: list[tuple[int, dict[str, Any]]] = []
    for line, raw in parse_rows(name, text, problems):
        row: dict[str, Any] = {}
        for column, cell in raw.items():
            if not cell.strip():
                continue
            try:
                row[column] = _cell(column, cell)
            except ValueError as exc:
                why = str(exc) if column in _BOOL else f"{cell.strip()!r} is not a number"
                problems.append(f"{name}:{line}: column {column}: {why}")
        rows.append((line, row))
    return rows


def read_csv_folder(folder: str | Path) -> dict[str, str]:
    """The texts of the CSV files in `folder` by file name (`blocks.csv`, `tags.csv`
    only when present). Raises CsvError for a file that is missing or not UTF-8."""
    root = Path(folder)
    problems: list[str] = []
    texts: dict[str, str] = {}
    for name in CSV_FILES:
        path = root / name
        if name != CONNECTIONS_CSV and not path.exists():
            continue
        text = read_text(path, problems)
        if text is not None:
            texts[name] = text
    if problems:
        raise CsvError(problems)
    return texts


def load_csv_folder(folder: str | Path) -> list[dict[str, Any]]:
    """The connections described by the three CSV files in `folder` (validated).

    `blocks.csv` and `tags.csv` are optional. Raises CsvError with every problem.
    """
    return load_csv_texts(read_csv_folder(folder))


def load_csv_texts(texts: dict[str, str]) -> list[dict[str, Any]]:
    """The connections described by CSV texts by file name (`connections.csv` required,
    `blocks.csv` and `tags.csv` optional), validated. Raises CsvError with every problem."""
    problems: list[str] = []
    if CONNECTIONS_CSV not in texts:
        raise CsvError([f"{CONNECTIONS_CSV}: missing"])
    items, where = _assemble(texts, problems)
    if problems:
        raise CsvError(problems)
    for path, message in check_connections(items):
        problems.append(_locate(path, message, where))
    if problems:
        raise CsvError(problems)
    return items


def _assemble(
    texts: dict[str, str], problems: list[str]
) -> tuple[list[dict[str, Any]], dict[tuple[int, ...], Where]]:
    where: dict[tuple[int, ...], Where] = {}
    items: list[dict[str, Any]] = []
    by_id: dict[str, int] = {}
    for line, row in _read(CONNECTIONS_CSV, texts[CONNECTIONS_CSV], problems):
        conn_id = str(row.get("id", ""))
        where[(len(items),)] = (CONNECTIONS_CSV, line)
        by_id.setdefault(conn_id, len(items))
        items.append({**row, "blocks": []})
    blocks: dict[tuple[str, str], tuple[int, int]] = {}
    if BLOCKS_CSV in texts:
        for line, row in _read(BLOCKS_CSV, texts[BLOCKS_CSV], problems):
            conn = str(row.pop("connection", ""))
            if conn not in by_id:
                problems.append(
                    f"{BLOCKS_CSV}:{line}: column connection: unknown connection {conn!r}"
                )
                continue
            c = by_id[conn]
            b = len(items[c]["blocks"])
            where[(c, b)] = (BLOCKS_CSV, line)
            blocks.setdefault((conn, str(row.get("name", ""))), (c, b))
            items[c]["blocks"].append({**row, "tags": []})
    if TAGS_CSV in texts:
        for line, row in _read(TAGS_CSV, texts[TAGS_CSV], problems):
            conn, block = str(row.pop("connection", "")), str(row.pop("block", ""))
            if (conn, block) not in blocks:
                column = "connection" if conn not in by_id else "block"
                problems.append(
                    f"{TAGS_CSV}:{line}: column {column}: unknown block {block!r} of {conn!r}"
                )
                continue
            c, b = blocks[(conn, block)]
            tags = items[c]["blocks"][b]["tags"]
            where[(c, b, len(tags))] = (TAGS_CSV, line)
            tags.append(row)
    return items, where


def _locate(path: str, message: str, where: dict[tuple[int, ...], Where]) -> str:
    """`$.connections[0].blocks[1].count: m` -> `blocks.csv:3: column count: m`."""
    match = _PATH.match(path)
    if match is None:
        return f"{path}: {message}"
    key = tuple(int(g) for g in match.groups()[:3] if g is not None)
    file, line = where.get(key, ("?", 0))
    rest = match.group(4).lstrip(".")
    column = re.split(r"[.\[]", rest, maxsplit=1)[0] if rest else ""
    return f"{file}:{line}: column {column}: {message}" if column else f"{file}:{line}: {message}"
