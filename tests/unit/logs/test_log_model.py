"""LogListModel: batched appends, drops from the ring, filters, search, export."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from panel.logs import LevelRole, LogHub, LogLevel, LogListModel, MatchRole, SeqRole, TextRole


@pytest.fixture
def hub(tmp_path: Path, qapp: object) -> Iterator[LogHub]:
    hub = LogHub(tmp_path / "logs", capacity=50)
    yield hub
    hub.close()


def shown(model: LogListModel) -> list[str]:
    return [model.data(model.index(r), TextRole) for r in range(model.rowCount())]


def settle(hub: LogHub, model: LogListModel, qtbot: QtBot) -> None:
    """Wait until the model has taken in everything the hub holds."""
    qtbot.waitUntil(lambda: model._end == hub.next_seq, timeout=2000)


def test_rows_arrive_in_one_insert_per_batch(hub: LogHub, qtbot: QtBot) -> None:
    model = LogListModel(hub)
    inserts: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, a, b: inserts.append((a, b)))
    for i in range(20):
        hub.feed("s", "stdout", f"line {i}\n".encode())
    settle(hub, model, qtbot)
    assert inserts == [(0, 19)]
    assert shown(model) == [f"line {i}" for i in range(20)]
    index = model.index(3)
    assert model.data(index, SeqRole) == 3
    assert model.data(index, Qt.ItemDataRole.DisplayRole).endswith(" s: line 3")
    assert model.data(model.index(99), TextRole) is None


def test_dropped_lines_leave_the_model(hub: LogHub, qtbot: QtBot, qtmodeltester) -> None:
    model = LogListModel(hub)
    qtmodeltester.check(model)
    removed: list[tuple[int, int]] = []
    model.rowsRemoved.connect(lambda _p, a, b: removed.append((a, b)))
    hub.feed("s", "stdout", b"".join(b"%d\n" % i for i in range(40)))
    settle(hub, model, qtbot)
    hub.feed("s", "stdout", b"".join(b"%d\n" % i for i in range(40, 70)))
    settle(hub, model, qtbot)
    assert removed == [(0, 19)]
    assert shown(model) == [str(i) for i in range(20, 70)]
    hub.feed("s", "stdout", b"".join(b"%d\n" % i for i in range(70, 200)))  # more than capacity
    settle(hub, model, qtbot)
    assert shown(model) == [str(i) for i in range(150, 200)]


def test_filters_by_source_level_and_text(hub: LogHub, qtbot: QtBot, qtmodeltester) -> None:
    hub.feed("api", "stdout", b"INFO:     started\nGET /health 200\n")
    hub.feed("api", "stderr", b"Traceback here\n")
    hub.feed("db", "stdout", b"ERROR:db:Connection LOST\nok\n")
    model = LogListModel(hub)
    qtmodeltester.check(model)
    settle(hub, model, qtbot)
    assert model.rowCount() == 5 and not model.filtered
    model.set_sources({"db"})
    assert shown(model) == ["ERROR:db:Connection LOST", "ok"]
    model.set_sources(None)
    model.set_min_level(LogLevel.WARNING)
    assert shown(model) == ["Traceback here", "ERROR:db:Connection LOST"]
    model.set_min_level(LogLevel.NONE)
    model.set_text_filter("connection lost")
    assert shown(model) == ["ERROR:db:Connection LOST"]
    model.set_text_filter("connection lost", case_sensitive=True)
    assert shown(model) == []
    model.set_text_filter(r"^(GET|ok)", regex=True)
    assert shown(model) == ["GET /health 200", "ok"]
    with pytest.raises(re.error):
        model.set_text_filter("(", regex=True)
    # live lines go through the filter too, also from a stream that appears later
    model.set_text_filter("")
    model.set_sources({"api"})
    hub.feed("db", "stdout", b"ok again\n")
    hub.feed("api", "log", b"new stream\n")
    settle(hub, model, qtbot)
    assert shown(model) == ["INFO:     started", "GET /health 200", "Traceback here", "new stream"]
    assert model.data(model.index(2), LevelRole) == LogLevel.WARNING
    assert model.total_lines == 7


def test_filtered_rows_drop_with_the_ring(hub: LogHub, qtbot: QtBot) -> None:
    model = LogListModel(hub)
    model.set_text_filter("7")
    hub.feed("s", "stdout", b"".join(b"%d\n" % i for i in range(120)))
    settle(hub, model, qtbot)
    assert shown(model) == [str(i) for i in range(70, 120) if "7" in str(i)]


def test_bulk_filter_on_many_lines(tmp_path: Path, qtbot: QtBot) -> None:
    hub = LogHub(tmp_path, capacity=200_000)
    chunk = b"".join(
        b"ERROR:x:%d\n" % i if i % 10 == 0 else b"line %d\n" % i for i in range(200_000)
    )
    hub.feed("s", "stdout", chunk)
    model = LogListModel(hub)
    settle(hub, model, qtbot)
    model.set_min_level(LogLevel.ERROR)
    assert model.rowCount() == 20_000
    model.set_text_filter("99", regex=False)
    assert all("99" in t for t in shown(model)[:50])
    hub.close()


def test_search_marks_and_finds_rows(hub: LogHub, qtbot: QtBot) -> None:
    model = LogListModel(hub)
    hub.feed("s", "stdout", b"alpha\nbeta\nALPHA two\ngamma\n")
    settle(hub, model, qtbot)
    assert model.find(0) == -1
    model.set_search("alpha")
    assert [model.data(model.index(r), MatchRole) for r in range(4)] == [True, False, True, False]
    assert model.find(0) == 2
    assert model.find(2) == 0  # wraps
    assert model.find(2, forward=False) == 0
    assert model.find(0, forward=False) == 2  # wraps backwards
    model.set_search("^g", regex=True)
    assert model.find(-1) == 3
    model.set_search("")
    assert model.data(model.index(0), MatchRole) is False


def test_clear_and_export(hub: LogHub, qtbot: QtBot, tmp_path: Path) -> None:
    model = LogListModel(hub)
    hub.feed("s", "stdout", b"keep me\ndrop me\n")
    settle(hub, model, qtbot)
    model.set_text_filter("keep")
    out = tmp_path / "export.txt"
    assert model.export(out) == 1
    assert out.read_text().endswith(" s: keep me\n")
    hub.clear()
    assert model.rowCount() == 0
    hub.feed("s", "stdout", b"keep after\n")
    settle(hub, model, qtbot)
    assert shown(model) == ["keep after"]
