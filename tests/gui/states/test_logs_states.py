"""The Logs page's empty state, and an error line shown in the error colour with the
legend's word for it; embedded and attached.

Its normal state (following, filters, search, copy and save) is in tests/gui/test_logs_view.py.
"""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from panel.viewmodels.models import EngineModels
from panel.views.logs_view import LogsView
from panel.views.main_window import MainWindow
from tests.gui.logs_jobs import add_log_jobs, say
from tests.gui.states.parts import TIMEOUT_MS
from tests.gui.test_logs_view import only_source, shown, wait_shown


def shown_page(window: MainWindow) -> LogsView:
    window.open_page("logs")
    return window.logs_view


def test_no_lines_yet_says_where_lines_come_from(any_window: MainWindow) -> None:
    view = shown_page(any_window)
    if view.model.rowCount():  # the engine said something already: start from an empty list
        view.clear_button.click()
    assert view.model.rowCount() == 0
    assert view.empty_label.isVisible()
    assert view.empty_label.text().startswith("No lines yet: ")
    assert "Server page" in view.empty_label.text()


def test_an_error_line_is_red_like_the_legends_error_and_a_filter_says_none_match(
    any_window: MainWindow, models: EngineModels, qtbot: QtBot
) -> None:
    add_log_jobs(qtbot, models)
    view = shown_page(any_window)
    say(models, "db", "ERROR:db:lost connection to 127.0.0.1:5432")
    only_source(view, qtbot, "job:db")
    wait_shown(view, qtbot, "ERROR:db:lost connection to 127.0.0.1:5432")
    assert not view.empty_label.isVisible()
    option = QStyleOptionViewItem()
    option.palette = view.list_view.palette()
    view.list_view.itemDelegate().initStyleOption(option, view.model.index(len(shown(view)) - 1))
    colour = option.palette.color(QPalette.ColorRole.Text)
    legend = {label.text(): label for label in view.legend_labels}
    assert "Error" in legend and legend["Error"].isVisible()
    assert f"color: {colour.name()}" in legend["Error"].styleSheet()
    assert colour != view.list_view.palette().color(QPalette.ColorRole.Text)

    view.filter_edit.setText("no line says this")
    qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=TIMEOUT_MS)
    assert view.empty_label.isVisible()
    assert view.empty_label.text() == "No line matches the filters."
    assert "0 of " in view.count_label.text()
