"""LogsView: follow-tail, pausing on scroll-up, filters, search, clear, copy, save."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from panel.logs import LogHub, TextRole
from panel.views.logs_view import LogsView

# The offscreen platform says so whenever a top-level window is shown.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def hub(tmp_path: Path, qapp: object) -> Iterator[LogHub]:
    hub = LogHub(tmp_path / "logs", capacity=10_000)
    yield hub
    hub.close()


@pytest.fixture
def view(hub: LogHub, qtbot: QtBot) -> LogsView:
    view = LogsView(hub)
    qtbot.addWidget(view)
    view.resize(800, 400)
    view.show()
    qtbot.waitExposed(view)
    return view


def feed_numbered(hub: LogHub, start: int, stop: int, source: str = "srv") -> None:
    hub.feed(source, "stdout", b"".join(b"line %d\n" % i for i in range(start, stop)))


def wait_rows(view: LogsView, qtbot: QtBot, rows: int) -> None:
    qtbot.waitUntil(lambda: view.model.rowCount() == rows, timeout=3000)


def shown(view: LogsView) -> list[str]:
    model = view.model
    return [model.data(model.index(r), TextRole) for r in range(model.rowCount())]


def bottom_visible(view: LogsView) -> bool:
    bar = view.list_view.verticalScrollBar()
    return bar.value() == bar.maximum()


def test_follows_the_tail_and_pauses_when_scrolled_up(
    view: LogsView, hub: LogHub, qtbot: QtBot
) -> None:
    feed_numbered(hub, 0, 500)
    wait_rows(view, qtbot, 500)
    bar = view.list_view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bottom_visible(view), timeout=3000)
    assert view.following and view.follow_button.isChecked()

    bar.setValue(bar.maximum() // 2)  # the user scrolls up
    assert not view.following and not view.follow_button.isChecked()
    position = bar.value()
    feed_numbered(hub, 500, 600)
    wait_rows(view, qtbot, 600)
    assert bar.value() == position  # stays where the user is

    bar.setValue(bar.maximum())  # back to the bottom: follows again
    assert view.following
    feed_numbered(hub, 600, 700)
    wait_rows(view, qtbot, 700)
    qtbot.waitUntil(lambda: bottom_visible(view), timeout=3000)

    view.follow_button.click()  # the toggle stops following too
    assert not view.following
    view.follow_button.click()
    assert view.following and bottom_visible(view)


def test_count_label(view: LogsView, hub: LogHub, qtbot: QtBot) -> None:
    feed_numbered(hub, 0, 12)
    qtbot.waitUntil(lambda: view.count_label.text() == "12 lines", timeout=3000)
    view.filter_edit.setText("line 1")
    assert view.count_label.text() == "3 of 12 lines shown"


def test_filters_by_source_level_and_text(view: LogsView, hub: LogHub, qtbot: QtBot) -> None:
    hub.feed("api", "stdout", b"INFO:     started\nGET / 200\n")
    hub.feed("db", "stdout", b"ERROR:db:lost connection\nWARNING:db:slow query\n")
    wait_rows(view, qtbot, 4)
    assert [view.source_combo.itemText(i) for i in range(3)] == ["All sources", "api", "db"]

    view.source_combo.setCurrentIndex(view.source_combo.findData("db"))
    assert shown(view) == ["ERROR:db:lost connection", "WARNING:db:slow query"]
    view.source_combo.setCurrentIndex(0)

    view.level_combo.setCurrentIndex(view.level_combo.findText("Error and above"))
    assert shown(view) == ["ERROR:db:lost connection"]
    view.level_combo.setCurrentIndex(0)

    view.filter_edit.setText("STARTED")
    assert shown(view) == ["INFO:     started"]
    view.case_check.setChecked(True)
    assert shown(view) == []
    view.case_check.setChecked(False)
    view.regex_check.setChecked(True)
    view.filter_edit.setText(r"^(GET|WARNING)")
    assert shown(view) == ["GET / 200", "WARNING:db:slow query"]
    view.filter_edit.setText("(")  # invalid: flagged, rows unchanged
    assert "Invalid" in view.filter_edit.toolTip()
    assert shown(view) == ["GET / 200", "WARNING:db:slow query"]
    view.filter_edit.setText("")
    assert len(shown(view)) == 4 and view.filter_edit.toolTip() == ""


def test_search_next_and_previous_move_the_selection(
    view: LogsView, hub: LogHub, qtbot: QtBot
) -> None:
    feed_numbered(hub, 0, 300)
    wait_rows(view, qtbot, 300)
    qtbot.keyClick(view.list_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.search_edit.hasFocus()
    qtbot.keyClicks(view.search_edit, "line 1")  # matches 1, 10-19, 100-199
    current = view.list_view.currentIndex
    qtbot.keyClick(view.search_edit, Qt.Key.Key_F3)
    assert current().row() == 1
    assert not view.following
    qtbot.keyClick(view.search_edit, Qt.Key.Key_F3)
    assert current().row() == 10
    qtbot.keyClick(view.search_edit, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert current().row() == 1
    qtbot.keyClick(view.search_edit, Qt.Key.Key_F3, Qt.KeyboardModifier.ShiftModifier)
    assert current().row() == 199  # wraps to the last match
    view.next_button.click()
    assert current().row() == 1
    assert view.selected_rows() == [1]
    view.prev_button.click()
    assert current().row() == 199


def test_clear_copy_and_save(view: LogsView, hub: LogHub, qtbot: QtBot, tmp_path: Path) -> None:
    feed_numbered(hub, 0, 20)
    wait_rows(view, qtbot, 20)
    view.list_view.selectAll()
    view.copy_button.click()
    copied = QGuiApplication.clipboard().text().splitlines()
    assert len(copied) == 20 and copied[3].endswith("srv: line 3")

    view.filter_edit.setText("1")
    out = tmp_path / "saved.log"
    assert view.save_to(out) == 11
    assert len(out.read_text().splitlines()) == 11

    view.clear_button.click()
    assert view.model.rowCount() == 0
    feed_numbered(hub, 20, 22)
    wait_rows(view, qtbot, 1)  # only "line 21" passes the filter still set
    assert shown(view) == ["line 21"]


def test_stays_responsive_under_a_flood(view: LogsView, hub: LogHub, qtbot: QtBot) -> None:
    for start in range(0, 50_000, 5_000):
        feed_numbered(hub, start, start + 5_000)
    qtbot.waitUntil(lambda: view.model.rowCount() == 10_000, timeout=5000)
    assert shown(view)[-1] == "line 49999"
    qtbot.waitUntil(lambda: bottom_visible(view), timeout=3000)
