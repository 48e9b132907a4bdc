"""Broken CSV files (bad UTF-8, an unterminated quote, missing cells) are named, not loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from panel.connections.csv_loader import CsvError, load_csv_folder

HEADER = b"id,driver,host,port,enabled\n"
GOOD = b"plc1,modbus_tcp,127.0.0.1,1502,true\n"


def problems_of(folder: Path, connections: bytes) -> list[str]:
    (folder / "connections.csv").write_bytes(connections)
    with pytest.raises(CsvError) as caught:
        load_csv_folder(folder)
    return caught.value.problems


def test_bad_utf8_names_file_line_and_column(tmp_path: Path) -> None:
    data = HEADER + GOOD + b"plc2,modbus_tcp,h\xf6st,1502,true\n"
    assert problems_of(tmp_path, data) == [
        "connections.csv:3: column host: not valid UTF-8 (byte 0xf6); save the file as UTF-8"
    ]


def test_unterminated_quote_names_where_it_opens(tmp_path: Path) -> None:
    data = HEADER + b'plc2,modbus_tcp,"127.0.0.1,1502,true\n' + GOOD
    assert problems_of(tmp_path, data) == [
        "connections.csv:2: column host: the quote opened here is never closed"
    ]


def test_a_quote_closed_lines_later_is_not_a_silent_merge(tmp_path: Path) -> None:
    data = HEADER + b'plc2,modbus_tcp,"127.0.0.1,1502,true\nplc3,modbus_tcp,x",1502,true\n'
    assert problems_of(tmp_path, data) == [
        "connections.csv:2: column host: the quote opened here closes only on line 3:"
        " a cell cannot span lines"
    ]


def test_missing_cells_are_named(tmp_path: Path) -> None:
    data = HEADER + GOOD + b"plc2,modbus_tcp,127.0.0.1\n"
    assert problems_of(tmp_path, data) == [
        "connections.csv:3: column port: missing cell (3 cells, the header has 5)"
    ]
