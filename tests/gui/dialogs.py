"""Answer a modal dialog the way a person would: wait for it, then click a button."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication, QFileDialog, QMessageBox, QWidget


def answer_next_message_box(choose: Callable[[QMessageBox], QAbstractButton | None]) -> list[str]:
    """When the next QMessageBox opens, click the button `choose` picks; returns its texts.

    The returned list is filled with the box's title and text once it was answered,
    so a test can check what the operator was asked.
    """
    seen: list[str] = []

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.extend([box.windowTitle(), box.text()])
            button = choose(box)
            if button is not None:
                button.click()
            return
        QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)
    return seen


@contextmanager
def message_boxes_answered(
    choose: Callable[[QMessageBox], QAbstractButton | None] | None = None,
) -> Iterator[list[str]]:
    """Inside the block, answer every QMessageBox that opens; yields their titles.

    `choose` picks the button to click; without one (or when it picks none) the box
    is dismissed like Escape does. A test checks that it was asked nothing (`== []`)
    or exactly one question, without waiting for a dialog that may never come.
    """
    seen: list[str] = []

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isVisible():
            return
        seen.append(box.windowTitle())
        button = choose(box) if choose is not None else None
        if button is not None:
            button.click()
        else:
            box.reject()

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(poll)
    timer.start()
    try:
        yield seen
    finally:
        timer.stop()


def button_with_text(text: str) -> Callable[[QMessageBox], QAbstractButton | None]:
    """A chooser that picks the button whose label is `text`."""

    def choose(box: QWidget) -> QAbstractButton | None:
        assert isinstance(box, QMessageBox)
        for button in box.buttons():
            if button.text().replace("&", "") == text:
                return button
        return None

    return choose


def standard_button(
    which: QMessageBox.StandardButton,
) -> Callable[[QMessageBox], QAbstractButton | None]:
    """A chooser that picks a standard button (Yes, Cancel...)."""
    return lambda box: box.button(which)


def answer_next_file_dialog(path: Path) -> list[str]:
    """When the next QFileDialog opens, choose `path` in it and accept; returns its title.

    Works with Qt's own (non-native) dialog, the one the offscreen platform shows.
    """
    seen: list[str] = []

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QFileDialog):
            seen.append(dialog.windowTitle())
            dialog.setDirectory(str(path.parent))
            dialog.selectFile(str(path))
            dialog.accept()
            return
        QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)
    return seen
