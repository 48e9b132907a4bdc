"""A read-only viewer of one run's log."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from panel.jobs.snapshots import RunLog, RunSnapshot

if TYPE_CHECKING:
    from panel.viewmodels.jobs import JobsModel


class RunLogDialog(QDialog):
    """Shows a run's log (as the engine read it: the last 2 MB), read-only, fixed width."""

    def __init__(self, log: RunLog, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(760, 480)
        self.log = log
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        path = log.path or ""
        self.note = QLabel(path)
        if log.cut:
            self.note.setText(self.tr("%1 (only the last 2 MB are shown)").replace("%1", path))
        elif not log.text:
            self.note.setText(self.tr("%1 (empty)").replace("%1", path))
        self.text.setPlainText(log.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.note)
        column.addWidget(self.text, 1)
        column.addWidget(buttons)


def open_run_log(
    parent: QWidget, model: JobsModel, run: RunSnapshot, read: Callable[[], None] | None = None
) -> None:
    """Read run `run`'s log through `model` and show it in a `RunLogDialog`; say so when
    it cannot be read or the run has none. `read()` runs once the answer is in (the
    caller's busy state ends there)."""

    def shown(log: RunLog | None, error: str | None) -> None:
        if read is not None:
            read()
        if error is not None or log is None:
            QMessageBox.warning(
                parent,
                QCoreApplication.translate("HistoryView", "Cannot open the log"),
                error or "",
            )
            return
        if not log.exists:
            text = QCoreApplication.translate(
                "HistoryView", "Run %1 has no log file (it never started)."
            ).replace("%1", str(run.id))
            QMessageBox.information(
                parent, QCoreApplication.translate("HistoryView", "No log"), text
            )
            return
        title = (
            QCoreApplication.translate("HistoryView", "Log of run %1 (%2)")
            .replace("%1", str(run.id))
            .replace("%2", run.job)
        )
        RunLogDialog(log, title, parent).exec()

    model.run_log(run.id, shown)
