"""A read-only viewer of one run's log file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

MAX_BYTES = 2 * 1024 * 1024
"""Only the last 2 MB of a long log are shown (the file is left as it is)."""


def read_tail(path: Path, limit: int = MAX_BYTES) -> tuple[str, bool]:
    """The last `limit` bytes of `path` as text, and whether the start was cut off."""
    with path.open("rb") as handle:
        size = handle.seek(0, 2)
        handle.seek(max(0, size - limit))
        data = handle.read()
    return data.decode("utf-8", errors="replace"), size > limit


class RunLogDialog(QDialog):
    """Shows a run's log file, read-only, in a fixed-width font."""

    def __init__(self, path: Path, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(760, 480)
        self.path = path
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.note = QLabel(str(path))
        try:
            content, cut = read_tail(path)
        except OSError as exc:
            content, cut = "", False
            self.note.setText(
                self.tr("Cannot read %1: %2")
                .replace("%1", str(path))
                .replace("%2", exc.strerror or str(exc))
            )
        else:
            if cut:
                self.note.setText(
                    self.tr("%1 (only the last 2 MB are shown)").replace("%1", str(path))
                )
            elif not content:
                self.note.setText(self.tr("%1 (empty)").replace("%1", str(path)))
        self.text.setPlainText(content)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.note)
        column.addWidget(self.text, 1)
        column.addWidget(buttons)
