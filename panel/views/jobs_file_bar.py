"""A compact bar on the Jobs page: the watched jobs file, its state, last import and error."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from panel.jobs.watch_status import ERROR, IMPORTED, MISSING, OFF, WATCHING, WatchStatus
from panel.views.jobs_history import format_when
from panel.views.state_colors import BAD, BUSY, GOOD, IDLE, show_dot

if TYPE_CHECKING:
    from panel.viewmodels.jobs import JobsModel

STATE_COLORS: dict[str, QColor] = {
    OFF: IDLE,
    WATCHING: IDLE,
    IMPORTED: GOOD,
    MISSING: BUSY,
    ERROR: BAD,
}

ERROR_LINES = 6
"""Lines of the last error shown under the bar; all of them are in its tooltip."""


class JobsFileBar(QWidget):
    """The watched jobs file: path, state (dot and word), last import, full error; choose/stop.

    Everything shown comes from the jobs model's `watch_status()`; the buttons set
    the watched file through it, as the API and `ctl jobs watch` do.
    """

    def __init__(self, model: JobsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.dialog: QFileDialog | None = None
        self.title = QLabel(self.tr("Jobs file:"))
        self.dot = QLabel()
        self.state_label = QLabel()
        self.path_label = QLabel()
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.path_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.when_label = QLabel()
        self.watch_button = QPushButton(self.tr("Watch file…"))
        self.watch_button.setToolTip(
            self.tr(
                "Re-import the jobs from a JSON file whenever it changes (a workspace export, "
                '{"jobs": [...]} or a list of jobs). Only the jobs are imported: connections, '
                "server and settings are never touched."
            )
        )
        self.watch_button.clicked.connect(self.choose_file)
        self.stop_button = QPushButton(self.tr("Stop watching"))
        self.stop_button.setToolTip(self.tr("Stop watching the file; the jobs stay as they are"))
        self.stop_button.clicked.connect(self.stop_watching)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setStyleSheet(f"color: {BAD.name()};")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for label in (self.title, self.dot, self.state_label):
            row.addWidget(label)
        row.addSpacing(8)
        row.addWidget(self.path_label, 1)
        row.addWidget(self.when_label)
        row.addWidget(self.watch_button)
        row.addWidget(self.stop_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(6, 4, 6, 2)
        column.setSpacing(2)
        column.addLayout(row)
        column.addWidget(self.error_label)
        model.sig_watch_status.connect(self.show_status)
        self.show_status(model.watch_status())

    def state_text(self, state: str) -> str:
        """The translated word for a watch state."""
        words = {
            OFF: self.tr("Not watching"),
            WATCHING: self.tr("Watching"),
            IMPORTED: self.tr("Imported"),
            MISSING: self.tr("File missing"),
            ERROR: self.tr("Error"),
        }
        return words.get(state, state)

    def show_status(self, status: WatchStatus) -> None:
        """Show `status`: path, state, last import, error."""
        state = status.state
        path = status.path
        show_dot(self.dot, STATE_COLORS.get(state, IDLE), self.state_text(state))
        self.state_label.setText(self.state_text(state))
        self.path_label.setText(path or "")
        self.path_label.setToolTip(path or "")
        when = status.last_import
        count = status.jobs or 0
        self.when_label.setText(
            self.tr("%n job(s) imported %1", "", count).replace("%1", format_when(when))
            if when
            else ""
        )
        error = status.error or ""
        self.error_label.setText(self._shortened(error))
        self.error_label.setToolTip(error)
        self.error_label.setVisible(bool(error))
        self.state_label.setToolTip(error)
        self.stop_button.setVisible(bool(path))
        self.watch_button.setText(self.tr("Change file…") if path else self.tr("Watch file…"))

    def _shortened(self, error: str) -> str:
        """The first `ERROR_LINES` lines of `error`; the rest is in the tooltip."""
        lines = error.splitlines()
        if len(lines) <= ERROR_LINES:
            return error
        more = len(lines) - ERROR_LINES
        rest = self.tr("… %n more line(s) in the tooltip", "", more)
        return "\n".join([*lines[:ERROR_LINES], rest])

    def choose_file(self) -> None:
        """Ask for a JSON file (window-modal, not blocking) and watch the one chosen."""
        current = self._model.watch_status().path
        dialog = QFileDialog(
            self,
            self.tr("Jobs file to watch"),
            str(Path(current).parent) if current is not None else str(Path.home()),
            self.tr("JSON files (*.json);;All files (*)"),
        )
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self.watch_file)
        dialog.finished.connect(self._forget_dialog)
        self.dialog = dialog
        dialog.open()

    def _forget_dialog(self) -> None:
        self.dialog = None

    def watch_file(self, path: str) -> None:
        """Watch `path` (chosen in the dialog)."""
        self._model.set_watch_file(path, self._answered)

    def stop_watching(self) -> None:
        """Stop watching; the jobs in effect stay."""
        self._model.set_watch_file(None, self._answered)

    def _answered(self, error: str | None) -> None:
        if error is not None:
            QMessageBox.warning(self, self.tr("Jobs file"), error)
