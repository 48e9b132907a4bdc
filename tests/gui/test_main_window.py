"""The window as an operator uses it: buttons drive a real server, labels follow its state."""

from __future__ import annotations

import os
import signal

import psutil
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox, QToolButton
from pytestqt.qtbot import QtBot

from panel.logs import TextRole
from panel.server.status import ServerStatus
from panel.util.ports import port_is_free
from panel.views.main_window import MainWindow
from tests.gui.dialogs import answer_next_message_box, standard_button

TIMEOUT_MS = 30_000


def test_buttons_drive_the_server_and_labels_follow(
    any_window: MainWindow, qtbot: QtBot, free_port: int
) -> None:
    window = any_window
    assert window.pages.currentWidget() is window.overview_view  # home
    window.show_server_action.trigger()
    view = window.server_view
    assert window.pages.currentWidget() is view
    assert view.status_label.text() == "Stopped"
    assert view.start_button.isEnabled() and not view.stop_button.isEnabled()

    view.start_button.click()
    qtbot.waitUntil(lambda: view.status_label.text() != "Stopped", timeout=TIMEOUT_MS)
    assert view.status_label.text() == "Starting" and view.busy.isVisible()
    assert not view.start_button.isEnabled()
    qtbot.waitUntil(lambda: view.status_label.text() == "Running", timeout=TIMEOUT_MS)
    assert not view.busy.isVisible()
    assert view.pid_label.text().isdigit()
    assert view.port_label.text() == str(free_port)
    assert "uvicorn" in view.command_label.text()
    assert view.stop_button.isEnabled() and view.restart_button.isEnabled()

    asked = answer_next_message_box(standard_button(QMessageBox.StandardButton.Yes))
    view.stop_button.click()
    assert asked and asked[0] == "Stop the server?"
    qtbot.waitUntil(lambda: view.status_label.text() == "Stopped", timeout=TIMEOUT_MS)
    assert view.pid_label.text() == "-"
    assert port_is_free(free_port)


def test_cancelled_confirmation_keeps_the_server_running(
    any_window: MainWindow, qtbot: QtBot
) -> None:
    view = any_window.server_view
    view.start_button.click()
    qtbot.waitUntil(lambda: view.status_label.text() == "Running", timeout=TIMEOUT_MS)
    pid = view.pid_label.text()
    answer_next_message_box(standard_button(QMessageBox.StandardButton.Cancel))
    view.restart_button.click()
    assert any_window.models.server.snapshot().status == ServerStatus.RUNNING
    assert view.pid_label.text() == pid


def test_server_lines_reach_the_log_view(any_window: MainWindow, qtbot: QtBot) -> None:
    window = any_window
    window.show_logs_action.trigger()
    assert window.pages.currentWidget() is window.logs_view
    window.server_view.start_button.click()
    model = window.logs_view.model

    def uvicorn_line_shown() -> bool:
        texts = (model.data(model.index(r), TextRole) for r in range(model.rowCount()))
        return any("Uvicorn running on" in text for text in texts)

    qtbot.waitUntil(uvicorn_line_shown, timeout=TIMEOUT_MS)
    sources = window.logs_view.source_combo
    assert sources.findData("server") >= 0


def test_overview_answers_is_everything_all_right(any_window: MainWindow, qtbot: QtBot) -> None:
    window = any_window
    overview = window.overview_view
    assert window.pages.currentWidget() is overview
    assert overview.server_card.summary.text().startswith("Stopped")
    qtbot.waitUntil(
        lambda: (
            "0 connected" in overview.connections_card.summary.text()
            and overview.jobs_card.summary.text().startswith("Today: 0 runs")
        ),
        timeout=TIMEOUT_MS,
    )
    start = next(
        b
        for b in overview.server_card.findChildren(QToolButton)
        if b.defaultAction() is window.start_action
    )
    assert start.isEnabled()
    start.click()
    qtbot.waitUntil(
        lambda: overview.server_card.summary.text().startswith("Running"), timeout=TIMEOUT_MS
    )
    assert "port" in overview.server_card.summary.text()
    overview.jobs_card.open_button.click()
    assert window.pages.currentWidget() is window.jobs_view


def test_the_trays_stop_and_restart_ask_first(any_window: MainWindow, qtbot: QtBot) -> None:
    window = any_window
    server = window.models.server
    window.server_view.start_button.click()
    qtbot.waitUntil(lambda: server.snapshot().status == ServerStatus.RUNNING, timeout=TIMEOUT_MS)
    pid = server.snapshot().pid
    for chosen, title in (
        (window.tray.sig_restart, "Restart the server?"),
        (window.tray.sig_stop, "Stop the server?"),
    ):
        asked = answer_next_message_box(standard_button(QMessageBox.StandardButton.Cancel))
        chosen.emit()  # what the tray menu's entry does
        qtbot.waitUntil(lambda seen=asked: bool(seen), timeout=TIMEOUT_MS)
        assert asked[0] == title
        assert server.snapshot().status == ServerStatus.RUNNING
        assert server.snapshot().pid == pid
    asked = answer_next_message_box(standard_button(QMessageBox.StandardButton.Yes))
    window.tray.sig_stop.emit()
    qtbot.waitUntil(lambda: server.snapshot().status == ServerStatus.STOPPED, timeout=TIMEOUT_MS)
    assert asked[0] == "Stop the server?"


def _theme_actions(window: MainWindow) -> dict[str, QAction]:
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    theme = next(a.menu() for a in view_menu.actions() if a.text() == "&Theme")
    return {a.text(): a for a in theme.actions()}


def test_view_theme_dark_and_light_really_apply(window: MainWindow, qtbot: QtBot) -> None:
    actions = _theme_actions(window)
    try:
        actions["Dark"].trigger()
        window_colour = QApplication.palette().color(QPalette.ColorRole.Window)
        text_colour = QApplication.palette().color(QPalette.ColorRole.WindowText)
        assert window_colour.lightness() < 100 < text_colour.lightness()
        qtbot.waitUntil(  # the window takes the application's palette on its next event
            lambda: window.palette().color(QPalette.ColorRole.Base).lightness() < 100
        )
        assert actions["Dark"].isChecked() and not actions["Light"].isChecked()

        actions["Light"].trigger()
        window_colour = QApplication.palette().color(QPalette.ColorRole.Window)
        text_colour = QApplication.palette().color(QPalette.ColorRole.WindowText)
        assert window_colour.lightness() > 180 > text_colour.lightness()
        assert actions["Light"].isChecked() and not actions["Dark"].isChecked()
        qtbot.waitUntil(lambda: window.palette().color(QPalette.ColorRole.Base).lightness() > 180)
    finally:
        actions["Follow the system"].trigger()
    assert actions["Follow the system"].isChecked()
    assert QSettings().value("theme") == "system"


def test_the_server_page_says_how_the_server_last_exited(
    any_window: MainWindow, qtbot: QtBot
) -> None:
    view = any_window.server_view
    assert view.last_exit_label.text() == "-"
    view.start_button.click()
    qtbot.waitUntil(lambda: view.status_label.text() == "Running", timeout=TIMEOUT_MS)
    os.kill(int(view.pid_label.text()), signal.SIGKILL)
    qtbot.waitUntil(lambda: view.last_exit_label.text() == "signal 9 (SIGKILL)", timeout=TIMEOUT_MS)


def test_the_status_bar_shows_the_engines_own_cpu_and_memory(
    any_window: MainWindow, qtbot: QtBot
) -> None:
    """Attached, the figures are the engine process's, not the window's: say "Engine"."""
    window = any_window
    pid = window.models.engine.identity().pid or os.getpid()
    embedded = window.models.embedded
    if embedded is not None:
        embedded.watch_stats(window)  # as the application does for its window
    try:
        qtbot.waitUntil(lambda: "RAM" in window.usage_label.text(), timeout=TIMEOUT_MS)
    finally:
        if embedded is not None:
            embedded.unwatch_stats(window)
    words = window.usage_label.text().split()
    assert words[:2] == ["Engine", "CPU"]
    shown_mb = float(words[words.index("RAM") + 1])
    actual_mb = psutil.Process(pid).memory_info().rss / 1e6
    assert abs(shown_mb - actual_mb) < 0.25 * actual_mb, (shown_mb, actual_mb, pid)
    assert window.overview_view.resources_card.summary.text().startswith("Engine: ")


def test_the_server_page_charts_its_cpu_and_memory_with_the_figures_beside(
    any_window: MainWindow, qtbot: QtBot
) -> None:
    view = any_window.server_view
    embedded = any_window.models.embedded
    if embedded is not None:
        embedded.watch_stats(any_window)  # as the app does for the window it shows
    any_window.show_page(view)
    chart = view.resource_chart
    assert chart.isVisible()
    assert chart.height() > view.height() / 3  # the chart takes the page's free room
    view.start_button.click()
    qtbot.waitUntil(lambda: len(chart.drawn("cpu")[0]) >= 2, timeout=TIMEOUT_MS)
    assert chart.drawn("cpu")[0][0] == view.resources.readings[0][0]
    assert view.resources is any_window.server_resources  # kept from the window's start
    assert chart.axis_units() == ["%", "MB"]
    assert min(chart.drawn("memory")[1]) > 1  # uvicorn holds more than 1 MB
    assert view.cpu_label.text().endswith(" %")
    assert view.memory_label.text().endswith("MB")
    qtbot.waitUntil(lambda: view.status_label.text() == "Running", timeout=TIMEOUT_MS)
    answer_next_message_box(standard_button(QMessageBox.StandardButton.Yes))
    view.stop_button.click()  # no process: no figures, the chart keeps its past
    qtbot.waitUntil(lambda: view.memory_label.text() == "-", timeout=TIMEOUT_MS)
    assert len(chart.drawn("cpu")[0]) >= 2
    if embedded is not None:
        embedded.unwatch_stats(any_window)
