"""CSV loading (errors name file, line, column) and validation by the worker's parser."""

from __future__ import annotations

from pathlib import Path

import pytest

from panel.connections.csv_loader import CsvError, load_csv_folder
from panel.connections.lines import LineSplitter, parse_message
from panel.connections.validation import check_connections

CONNS = (
    "id,driver,host,port,enabled\nplc1,modbus_tcp,127.0.0.1,1502,true\nua,opcua,127.0.0.1,4840,no\n"
)
BLOCKS = (
    "connection,name,kind,area,start,count,periodMs,nodes\n"
    "plc1,main,read,holding,0,8,100,\n"
    "ua,sub,subscribe,,,,500,ns=2;i=2;ns=2;i=3\n"
)
TAGS = (
    "connection,block,name,offset,type,unit,writable\n"
    "plc1,main,speed,0,uint16,rpm,\n"
    "plc1,main,temp,2,float32,C,true\n"
    "ua,sub,level,0,auto,,\n"
)


def write(folder: Path, conns: str = CONNS, blocks: str = BLOCKS, tags: str = TAGS) -> Path:
    (folder / "connections.csv").write_text(conns)
    (folder / "blocks.csv").write_text(blocks)
    (folder / "tags.csv").write_text(tags)
    return folder


def test_a_good_folder_loads(tmp_path: Path) -> None:
    items = load_csv_folder(write(tmp_path))
    assert [c["id"] for c in items] == ["plc1", "ua"]
    assert items[0]["port"] == 1502 and items[1]["enabled"] is False
    main = items[0]["blocks"][0]
    assert main["count"] == 8 and [t["name"] for t in main["tags"]] == ["speed", "temp"]
    assert main["tags"][1]["writable"] is True
    # `;` separates node ids, so an OPC UA id with `;` must be written with its own node column
    assert items[1]["blocks"][0]["periodMs"] == 500


def test_problems_name_file_line_and_column(tmp_path: Path) -> None:
    tags = TAGS.replace("plc1,main,temp,2,float32", "plc1,main,temp,7,float32")
    blocks = BLOCKS.replace("plc1,main,read,holding,0,8", "plc1,main,read,holding,0,x")
    with pytest.raises(CsvError) as caught:
        load_csv_folder(write(tmp_path, blocks=blocks))
    assert caught.value.problems == ["blocks.csv:2: column count: 'x' is not a number"]
    with pytest.raises(CsvError) as caught:
        load_csv_folder(write(tmp_path, tags=tags))
    assert caught.value.problems == [
        "tags.csv:3: column offset: 7 (+2) runs past the block's count 8"
    ]


def test_unknown_references_and_duplicate_ids(tmp_path: Path) -> None:
    conns = CONNS + "plc1,modbus_tcp,10.0.0.1,502,true\n"
    tags = TAGS + "plc9,main,x,0,uint16,,\n"
    with pytest.raises(CsvError) as caught:
        load_csv_folder(write(tmp_path, conns=conns, tags=tags))
    assert caught.value.problems == [
        "tags.csv:5: column connection: unknown block 'main' of 'plc9'"
    ]
    with pytest.raises(CsvError) as caught:
        load_csv_folder(write(tmp_path, conns=conns))
    assert caught.value.problems == ["connections.csv:4: column id: 'plc1' is also used by [0]"]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CsvError) as caught:
        load_csv_folder(tmp_path)
    assert caught.value.problems[0].startswith("connections.csv: cannot read")


def test_check_connections_paths() -> None:
    problems = check_connections(
        [{"id": "a", "blocks": [{"name": "b", "count": 0}]}, {"id": "../x"}, 5]
    )
    assert ("$.connections[0].blocks[0].count", "0 must be >= 1") in problems
    assert any(p[0] == "$.connections[1].id" and "letters" in p[1] for p in problems)
    assert ("$.connections[2]", "must be an object") in problems


def test_line_splitter_and_messages() -> None:
    splitter = LineSplitter()
    assert splitter.feed(b'{"t":"log"') == []
    assert splitter.feed(b',"msg":"x"}\nplain\n{"t"') == [b'{"t":"log","msg":"x"}', b"plain"]
    assert splitter.flush() == [b'{"t"']
    assert parse_message(b'{"t":"state","state":"EXECUTE"}') == {"t": "state", "state": "EXECUTE"}
    assert parse_message(b"plain") is None
    assert parse_message(b"[1]") is None
    assert parse_message(b'{"x":1}') is None
