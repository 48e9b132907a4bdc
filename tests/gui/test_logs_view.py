"""The Logs page, embedded and attached: follow-tail, pausing on scroll-up, filters, search,
clear, copy, save, a flood; attached, a restarted engine's lines follow the old ones."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from panel.logs import TextRole
from panel.viewmodels.models import EngineModels, remote_models
from panel.viewmodels.remote.endpoint import workspace_endpoint
from panel.viewmodels.remote.link import RemoteLink
from panel.views.logs_view import LogsView
from panel.views.main_window import MainWindow
from tests.gui.attached import HeadlessProcess
from tests.gui.logs_jobs import add_log_jobs, print_numbered, say

TIMEOUT_MS = 30_000
LINES = "job:lines"


@pytest.fixture
def view(any_window: MainWindow, models: EngineModels, qtbot: QtBot) -> LogsView:
    """The window's Logs page, shown, with the jobs that print lines on demand."""
    add_log_jobs(qtbot, models)
    any_window.show_logs_action.trigger()
    assert any_window.pages.currentWidget() is any_window.logs_view
    return any_window.logs_view


def shown(view: LogsView) -> list[str]:
    model = view.model
    return [model.data(model.index(r), TextRole) for r in range(model.rowCount())]


def only_source(view: LogsView, qtbot: QtBot, source: str) -> None:
    qtbot.waitUntil(lambda: view.source_combo.findData(source) >= 0, timeout=TIMEOUT_MS)
    view.source_combo.setCurrentIndex(view.source_combo.findData(source))


def wait_shown(view: LogsView, qtbot: QtBot, last: str) -> None:
    """Until `last` is the list's last line."""
    qtbot.waitUntil(lambda: bool(shown(view)) and shown(view)[-1] == last, timeout=TIMEOUT_MS)


def bottom_visible(view: LogsView) -> bool:
    bar = view.list_view.verticalScrollBar()
    return bar.value() == bar.maximum()


def test_follows_the_tail_and_pauses_when_scrolled_up(
    view: LogsView, models: EngineModels, qtbot: QtBot
) -> None:
    print_numbered(models, 0, 500)
    only_source(view, qtbot, LINES)
    wait_shown(view, qtbot, "line 499")
    bar = view.list_view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bottom_visible(view), timeout=TIMEOUT_MS)
    assert view.following and view.follow_button.isChecked()

    bar.setValue(bar.maximum() // 2)  # the user scrolls up
    assert not view.following and not view.follow_button.isChecked()
    position = bar.value()
    print_numbered(models, 500, 600)
    wait_shown(view, qtbot, "line 599")
    assert bar.value() == position  # stays where the user is

    bar.setValue(bar.maximum())  # back to the bottom: follows again
    assert view.following
    print_numbered(models, 600, 700)
    wait_shown(view, qtbot, "line 699")
    qtbot.waitUntil(lambda: bottom_visible(view), timeout=TIMEOUT_MS)

    view.follow_button.click()  # the toggle stops following too
    assert not view.following
    view.follow_button.click()
    assert view.following and bottom_visible(view)


def test_reaching_the_bottom_as_new_lines_arrive_follows_again(
    view: LogsView, models: EngineModels, qtbot: QtBot
) -> None:
    """The user drags to the bottom in the instant a batch of lines lands, before the
    list has laid them out: that bottom is the bottom, and following resumes."""
    print_numbered(models, 0, 500)
    only_source(view, qtbot, LINES)
    wait_shown(view, qtbot, "line 499")
    bar = view.list_view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bottom_visible(view), timeout=TIMEOUT_MS)
    bar.setValue(bar.maximum() // 2)
    assert not view.following
    following_after_drag: list[bool] = []

    def drag_to_bottom() -> None:  # runs as the rows are inserted, before any event
        if not following_after_drag:
            bar.setValue(bar.maximum())
            following_after_drag.append(view.following)

    view.model.rowsInserted.connect(drag_to_bottom)
    print_numbered(models, 500, 600)
    qtbot.waitUntil(lambda: bool(following_after_drag), timeout=TIMEOUT_MS)
    view.model.rowsInserted.disconnect(drag_to_bottom)
    assert following_after_drag == [True]
    wait_shown(view, qtbot, "line 599")
    qtbot.waitUntil(lambda: bottom_visible(view), timeout=TIMEOUT_MS)


def test_count_label(view: LogsView, models: EngineModels, qtbot: QtBot) -> None:
    print_numbered(models, 0, 12)
    only_source(view, qtbot, LINES)
    wait_shown(view, qtbot, "line 11")
    view.filter_edit.setText("line 1")
    found = re.fullmatch(r"3 of ([\d,]+) lines shown", view.count_label.text())
    assert found and int(found[1].replace(",", "")) > 12  # the engine's own lines count too


def test_filters_by_source_level_and_text(
    view: LogsView, models: EngineModels, qtbot: QtBot
) -> None:
    say(models, "api", "INFO:     quokka up", "GET /quokka 200")
    only_source(view, qtbot, "job:api")
    wait_shown(view, qtbot, "GET /quokka 200")
    say(models, "db", "ERROR:db:lost connection", "WARNING:db:slow query")
    only_source(view, qtbot, "job:db")
    wait_shown(view, qtbot, "WARNING:db:slow query")
    assert shown(view) == ["ERROR:db:lost connection", "WARNING:db:slow query"]
    sources = [view.source_combo.itemText(i) for i in range(view.source_combo.count())]
    assert sources[0] == "All sources" and {"job:api", "job:db", "panel"} <= set(sources)

    view.level_combo.setCurrentIndex(view.level_combo.findText("Error and above"))
    assert shown(view) == ["ERROR:db:lost connection"]
    view.level_combo.setCurrentIndex(0)
    view.source_combo.setCurrentIndex(0)

    view.filter_edit.setText("QUOKKA UP")
    assert shown(view) == ["INFO:     quokka up"]
    view.case_check.setChecked(True)
    assert shown(view) == []
    view.case_check.setChecked(False)
    view.regex_check.setChecked(True)
    view.filter_edit.setText(r"^(GET /quokka|WARNING:db)")
    assert shown(view) == ["GET /quokka 200", "WARNING:db:slow query"]
    view.filter_edit.setText("(")  # invalid: flagged, rows unchanged
    assert "Invalid" in view.filter_edit.toolTip()
    assert shown(view) == ["GET /quokka 200", "WARNING:db:slow query"]
    view.filter_edit.setText("")
    assert len(shown(view)) > 4 and view.filter_edit.toolTip() == ""


def test_search_next_and_previous_move_the_selection(
    view: LogsView, models: EngineModels, qtbot: QtBot
) -> None:
    print_numbered(models, 0, 300)
    only_source(view, qtbot, LINES)
    wait_shown(view, qtbot, "line 299")
    view.list_view.setFocus()
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


def test_clear_copy_and_save(
    view: LogsView, models: EngineModels, qtbot: QtBot, tmp_path: Path
) -> None:
    print_numbered(models, 0, 20)
    only_source(view, qtbot, LINES)
    wait_shown(view, qtbot, "line 19")
    view.list_view.selectAll()
    view.copy_button.click()
    copied = QGuiApplication.clipboard().text().splitlines()
    assert len(copied) == 20 and copied[3].endswith("job:lines: line 3")

    view.filter_edit.setText("1")
    out = tmp_path / "saved.log"
    assert view.save_to(out) == 11
    assert len(out.read_text().splitlines()) == 11

    view.clear_button.click()
    assert view.model.rowCount() == 0 and view.count_label.text() == "0 of 0 lines shown"
    print_numbered(models, 20, 22)
    wait_shown(view, qtbot, "line 21")  # only "line 21" passes the filter still set
    assert shown(view) == ["line 21"]

    other = LogsView(models.logs)  # the lines stay with the engine: another list has them
    qtbot.addWidget(other)
    only_source(other, qtbot, LINES)
    assert shown(other)[:2] == ["line 0", "line 1"] and shown(other)[-1] == "line 21"


def test_stays_responsive_under_a_flood(view: LogsView, models: EngineModels, qtbot: QtBot) -> None:
    print_numbered(models, 0, 50_000)
    only_source(view, qtbot, LINES)
    wait_shown(view, qtbot, "line 49999")
    assert shown(view) == [f"line {i}" for i in range(50_000)]  # none lost, none twice
    qtbot.waitUntil(lambda: bottom_visible(view), timeout=TIMEOUT_MS)


def test_a_restarted_engines_lines_follow_the_old_ones(
    headless: HeadlessProcess, qtbot: QtBot
) -> None:
    link = RemoteLink(workspace_endpoint(headless.workspace))
    models = remote_models(link)
    window = MainWindow(models, None)
    qtbot.addWidget(window)
    with qtbot.waitSignal(link.sig_connected, timeout=TIMEOUT_MS):
        link.open()
    window.show()
    view = window.logs_view
    add_log_jobs(qtbot, models)
    print_numbered(models, 0, 100)
    only_source(view, qtbot, LINES)
    wait_shown(view, qtbot, "line 99")

    os.kill(headless.proc.pid if headless.proc else 0, signal.SIGKILL)
    qtbot.waitUntil(window.link_banner.isVisible, timeout=TIMEOUT_MS)
    headless.stop()
    headless.start()  # numbers its lines from 0 again
    qtbot.waitUntil(lambda: link.connected, timeout=TIMEOUT_MS)
    print_numbered(models, 100, 200)
    wait_shown(view, qtbot, "line 199")
    assert shown(view) == [f"line {i}" for i in range(200)]  # the old ones stay, none twice
    link.close()
