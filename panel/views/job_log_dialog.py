"""A read-only viewer of one run's log."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from panel.jobs.snapshots import RunLog


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
