"""The newest warnings and errors from the log, on the Overview."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from panel.logs.levels import LogLevel
from panel.logs.line import LogLine
from panel.views.state_colors import BAD, BUSY, GOOD

if TYPE_CHECKING:
    from panel.viewmodels.logs import LogsModel

SHOWN = 5
SCAN_MAX = 5000
"""At most this many new lines are looked at per refresh (a burst: its newest)."""
REFRESH_MS = 1000
TEXT_CHARS = 140


class RecentProblems(QWidget):
    """The last `SHOWN` lines at WARNING or above (time, source, level word, text), read
    at most once a second from the window's log lines; a click opens the Logs page."""

    sig_open_logs = Signal()
    """The operator clicked a line: show the Logs page."""

    sig_state = Signal(object, str)
    """(QColor, word) red when an error is among the lines shown, amber for warnings only,
    green for none."""

    def __init__(self, model: LogsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._scanned = model.store().first_seq
        self.problems: list[LogLine] = []
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.linkActivated.connect(lambda _link: self.sig_open_logs.emit())
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.label)
        self._timer = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._timer.timeout.connect(self.scan)
        store = model.store()
        store.sig_appended.connect(self._soon)
        store.sig_cleared.connect(self._cleared)
        self.scan()

    def _soon(self, _seq: int) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def _cleared(self) -> None:
        self.problems = []
        self._scanned = self._model.store().next_seq
        self._show()

    def scan(self) -> None:
        """Look at the lines that came since the last scan."""
        store = self._model.store()
        end = store.next_seq
        start = max(self._scanned, store.first_seq, end - SCAN_MAX)
        self._scanned = end
        if start < end:
            levels = store.ring.levels(start, end)
            found = [start + i for i, level in enumerate(levels) if level >= LogLevel.WARNING]
            if found:
                self.problems = [*self.problems, *store.lines(found[-SHOWN:])][-SHOWN:]
        self._show()

    def _show(self) -> None:
        if not self.problems:
            self.label.setText(self.tr("No warnings or errors in the log."))
            self.sig_state.emit(GOOD, self.tr("No warnings or errors"))
            return
        if any(line.level >= LogLevel.ERROR for line in self.problems):
            self.sig_state.emit(BAD, self.tr("Errors in the log"))
        else:
            self.sig_state.emit(BUSY, self.tr("Warnings in the log"))
        words = {
            LogLevel.WARNING: self.tr("Warning"),
            LogLevel.ERROR: self.tr("Error"),
            LogLevel.CRITICAL: self.tr("Critical"),
        }
        rows = []
        for line in reversed(self.problems):
            color = (BAD if line.level >= LogLevel.ERROR else BUSY).name()
            text = line.text if len(line.text) <= TEXT_CHARS else line.text[:TEXT_CHARS] + "…"
            text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            word = words.get(line.level, line.level.name)
            rows.append(
                f"<a href='logs' style='text-decoration:none'>"
                f"{time.strftime('%H:%M:%S', time.localtime(line.ts))}</a> "
                f"<span style='color:{color}'>●</span> <b>{word}</b> "
                f"{line.source}: {text}"
            )
        self.label.setText("<br>".join(rows))
