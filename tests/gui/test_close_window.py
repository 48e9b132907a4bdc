"""Closing the window is not quitting: keep the engine running in the background, or quit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QAbstractButton, QMessageBox
from pytestqt.qtbot import QtBot

from panel.server.status import ServerStatus
from panel.views.close_choice import ASK, BACKGROUND, CLOSE_ACTION_KEY, QUIT
from panel.views.main_window import MainWindow
from panel.views.tray import TrayIcon
from tests.gui.dialogs import (
    answer_next_message_box,
    button_with_text,
    message_boxes_answered,
    standard_button,
)

TIMEOUT_MS = 30_000
KEEP = "Keep running in the background"
STOP = "Stop everything and quit"


@pytest.fixture(autouse=True)
def nothing_remembered() -> Iterator[None]:
    """Each test starts as a first run: closing the window has not been answered yet."""
    QSettings().remove(CLOSE_ACTION_KEY)
    yield
    QSettings().remove(CLOSE_ACTION_KEY)


@pytest.fixture
def tray(monkeypatch: pytest.MonkeyPatch) -> None:
    """A desktop with a tray. The offscreen platform has none (and a real
    QSystemTrayIcon warns there), so the window is told that its icon is shown."""
    monkeypatch.setattr(TrayIcon, "available", property(lambda self: True))


def _start_server(window: MainWindow, qtbot: QtBot) -> int:
    window.start_action.trigger()
    engine = window.models.embedded
    qtbot.waitUntil(lambda: engine.server.status() == ServerStatus.RUNNING, timeout=TIMEOUT_MS)
    pid = engine.server_snapshot().pid
    assert pid is not None
    return pid


def _untick_remember_and(text: str):  # type: ignore[no-untyped-def]
    def choose(box: QMessageBox) -> QAbstractButton | None:
        remember = box.checkBox()
        assert remember is not None and remember.isChecked()  # remembering is the default
        remember.setChecked(False)
        return button_with_text(text)(box)

    return choose


def _tray_entry(window: MainWindow, text: str) -> None:
    next(a for a in window.tray.menu.actions() if a.text() == text).trigger()


@pytest.mark.usefixtures("tray")
def test_keep_running_hides_the_window_and_the_server_goes_on(
    window: MainWindow, qtbot: QtBot
) -> None:
    pid = _start_server(window, qtbot)
    with message_boxes_answered(button_with_text(KEEP)) as asked:
        window.close()
    assert asked == ["Close the window?"]
    assert not window.isVisible()
    assert window.models.embedded.server.status() == ServerStatus.RUNNING
    assert window.models.embedded.server_snapshot().pid == pid

    _tray_entry(window, "Open window")
    assert window.isVisible()

    with message_boxes_answered() as asked:  # remembered: no question the second time
        window.close()
    assert asked == []
    assert not window.isVisible()
    assert window.models.embedded.server_snapshot().pid == pid
    window.close_menu.aboutToShow.emit()  # what opening File › When the window closes does
    assert window.close_menu.choices[BACKGROUND].isChecked()


@pytest.mark.usefixtures("tray")
def test_stop_everything_and_quit_asks_nothing_more(window: MainWindow, qtbot: QtBot) -> None:
    _start_server(window, qtbot)
    with (
        message_boxes_answered(button_with_text(STOP)) as asked,
        qtbot.waitSignal(window.sig_quit_requested, timeout=TIMEOUT_MS),
    ):
        window.close()
    assert asked == ["Close the window?"]  # not "Quit OpsPanel?" on top of it
    assert QSettings().value(CLOSE_ACTION_KEY) == QUIT


@pytest.mark.usefixtures("tray")
def test_cancel_keeps_the_window_and_remembers_nothing(window: MainWindow, qtbot: QtBot) -> None:
    with (
        message_boxes_answered(standard_button(QMessageBox.StandardButton.Cancel)) as asked,
        qtbot.assertNotEmitted(window.sig_quit_requested),
    ):
        window.close()
    assert asked == ["Close the window?"]
    assert window.isVisible()
    assert str(QSettings().value(CLOSE_ACTION_KEY, ASK)) == ASK


@pytest.mark.usefixtures("tray")
def test_an_unremembered_choice_is_asked_again(window: MainWindow, qtbot: QtBot) -> None:
    with message_boxes_answered(_untick_remember_and(KEEP)) as asked:
        window.close()
    assert asked == ["Close the window?"] and not window.isVisible()
    window.bring_to_front()
    with message_boxes_answered(standard_button(QMessageBox.StandardButton.Cancel)) as asked:
        window.close()
    assert asked == ["Close the window?"] and window.isVisible()


@pytest.mark.usefixtures("tray")
def test_the_file_menu_changes_what_closing_does(window: MainWindow, qtbot: QtBot) -> None:
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    assert window.close_menu.menuAction() in file_menu.actions()
    assert window.close_menu.title() == "When the window &closes"
    choices = window.close_menu.choices
    assert [choices[a].text() for a in (ASK, BACKGROUND, QUIT)] == [
        "&Ask every time",
        "Keep running in the &background",
        "Stop everything and &quit",
    ]
    window.close_menu.aboutToShow.emit()
    assert choices[ASK].isChecked() and choices[BACKGROUND].isEnabled()

    choices[QUIT].trigger()
    with (
        message_boxes_answered() as asked,
        qtbot.waitSignal(window.sig_quit_requested, timeout=TIMEOUT_MS),
    ):
        window.close()  # nothing runs: quits without a question
    assert asked == []

    choices[BACKGROUND].trigger()
    with message_boxes_answered() as asked:
        window.close()
    assert asked == [] and not window.isVisible()

    window.bring_to_front()
    choices[ASK].trigger()
    with message_boxes_answered(standard_button(QMessageBox.StandardButton.Cancel)) as asked:
        window.close()
    assert asked == ["Close the window?"] and window.isVisible()


@pytest.mark.usefixtures("tray")
def test_a_remembered_quit_still_asks_while_processes_run(window: MainWindow, qtbot: QtBot) -> None:
    _start_server(window, qtbot)
    window.close_menu.choices[QUIT].trigger()
    with (
        message_boxes_answered(standard_button(QMessageBox.StandardButton.Cancel)) as asked,
        qtbot.assertNotEmitted(window.sig_quit_requested),
    ):
        window.close()
    assert asked == ["Quit OpsPanel?"] and window.isVisible()


def test_without_a_tray_closing_asks_every_time(window: MainWindow, qtbot: QtBot) -> None:
    assert not window.tray.available  # the offscreen platform has no tray
    QSettings().setValue(CLOSE_ACTION_KEY, BACKGROUND)  # remembered on a desktop with one
    choices = window.close_menu.choices
    window.close_menu.aboutToShow.emit()
    assert choices[ASK].isChecked()
    assert not choices[BACKGROUND].isEnabled() and not choices[QUIT].isEnabled()
    assert "no tray icon" in window.close_menu.menuAction().toolTip()
    pid = _start_server(window, qtbot)

    for _ in range(2):
        texts: list[str] = []

        def keep(box: QMessageBox, seen: list[str] = texts) -> QAbstractButton | None:
            assert box.checkBox() is None  # nothing to remember
            seen.append(box.informativeText())
            return button_with_text(KEEP)(box)

        with message_boxes_answered(keep) as asked:
            window.close()
        assert asked == ["Close the window?"]
        assert "open OpsPanel again to bring the window back" in texts[0]
        assert not window.isVisible()
        assert window.models.embedded.server_snapshot().pid == pid
        window.bring_to_front()  # what a second launch on the workspace does


def test_file_quit_stops_everything_after_asking(window: MainWindow, qtbot: QtBot) -> None:
    assert window.quit_action.text() == "Stop everything and &quit"
    _start_server(window, qtbot)
    answer_next_message_box(standard_button(QMessageBox.StandardButton.Cancel))
    with qtbot.assertNotEmitted(window.sig_quit_requested):
        window.quit_action.trigger()
    assert window.isVisible()
    asked = answer_next_message_box(button_with_text("Stop all and quit"))
    with qtbot.waitSignal(window.sig_quit_requested, timeout=TIMEOUT_MS):
        window.quit_action.trigger()
    assert asked[0] == "Quit OpsPanel?"


def test_the_tray_menu_opens_the_window_and_stops_the_engine(
    window: MainWindow, qtbot: QtBot
) -> None:
    menu = window.tray.menu
    assert [a.text() for a in menu.actions() if not a.isSeparator()] == [
        "Open window",
        "Start server",
        "Stop server",
        "Restart server",
        "server: Stopped",  # every service, with its state
        "Stop engine and quit",
    ]
    window.hide()
    _tray_entry(window, "Open window")
    assert window.isVisible()

    _start_server(window, qtbot)
    enabled = {a.text(): a.isEnabled() for a in menu.actions() if not a.isSeparator()}
    assert not enabled["Start server"] and enabled["Stop server"]
    window.hide()  # kept running in the background
    with (
        message_boxes_answered(standard_button(QMessageBox.StandardButton.Cancel)) as asked,
        qtbot.assertNotEmitted(window.sig_quit_requested),
    ):
        _tray_entry(window, "Stop engine and quit")
    assert asked == ["Quit OpsPanel?"]
    with (
        message_boxes_answered(button_with_text("Stop all and quit")) as asked,
        qtbot.waitSignal(window.sig_quit_requested, timeout=TIMEOUT_MS),
    ):
        _tray_entry(window, "Stop engine and quit")
    assert asked == ["Quit OpsPanel?"]
