"""One tray icon per application: the oldest window's, handed on when it closes."""

from __future__ import annotations

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from panel.views.tray import TrayIcon


def _window_with_tray(qtbot: QtBot) -> tuple[QWidget, TrayIcon]:
    window = QWidget()
    qtbot.addWidget(window)
    return window, TrayIcon(QIcon(), window)


def test_the_next_window_shows_the_icon_when_the_first_retires(qtbot: QtBot) -> None:
    _first_window, first = _window_with_tray(qtbot)
    _second_window, second = _window_with_tray(qtbot)
    _third_window, third = _window_with_tray(qtbot)
    assert [first.owns_icon, second.owns_icon, third.owns_icon] == [True, False, False]

    first.retire()
    assert not first.owns_icon and second.owns_icon and not third.owns_icon
    first.retire()  # twice is harmless
    assert second.owns_icon

    second.retire()
    third.retire()


def test_a_deleted_window_does_not_keep_the_icon(qtbot: QtBot) -> None:
    first_window, first = _window_with_tray(qtbot)
    _second_window, second = _window_with_tray(qtbot)
    assert first.owns_icon
    first_window.deleteLater()
    qtbot.waitUntil(lambda: second.owns_icon)
    second.retire()
