"""The last 24 hours of job runs on one strip: a tick per run, coloured by how it went."""

from __future__ import annotations

import time

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from panel.jobs.snapshots import RunSnapshot
from panel.views.job_states import run_color

SPAN_S = 24 * 3600.0
HOUR_MARKS = 6
"""A labelled mark every 24 / 6 = 4 hours."""


class RunTimeline(QWidget):
    """Runs queued in the last 24 hours, left (24 h ago) to right (now); failures drawn
    taller so they stand out. Its accessible description counts them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runs: list[RunSnapshot] = []
        self.now = time.time()
        self.setMinimumHeight(44)
        self.setAccessibleName(self.tr("Job runs in the last 24 hours"))

    def sizeHint(self) -> QSize:
        return QSize(360, 48)

    def set_runs(self, runs: list[RunSnapshot], now: float | None = None) -> None:
        """Show `runs` (any order) up to `now`."""
        self.now = time.time() if now is None else now
        self.runs = [r for r in runs if self.now - SPAN_S <= (r.start or r.queued) <= self.now]
        failed = sum(1 for r in self.runs if r.is_failure)
        self.setAccessibleDescription(
            self.tr("%1 runs, %2 failed")
            .replace("%1", str(len(self.runs)))
            .replace("%2", str(failed))
        )
        self.update()

    def x_of(self, when: float) -> float:
        """The x of a moment within the strip."""
        area = self._strip()
        return area.left() + area.width() * (1 - (self.now - when) / SPAN_S)

    def _strip(self) -> QRectF:
        return QRectF(4, 4, max(1, self.width() - 8), max(1, self.height() - 22))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = self._strip()
        palette = self.palette()
        painter.setPen(QPen(palette.mid().color(), 1))
        painter.drawLine(QPointF(area.left(), area.bottom()), QPointF(area.right(), area.bottom()))
        painter.setPen(QPen(palette.windowText().color(), 1))
        for i in range(HOUR_MARKS + 1):
            when = self.now - SPAN_S + i * SPAN_S / HOUR_MARKS
            x = self.x_of(when)
            painter.drawLine(QPointF(x, area.bottom()), QPointF(x, area.bottom() + 3))
            label = (
                self.tr("now") if i == HOUR_MARKS else time.strftime("%H:%M", time.localtime(when))
            )
            flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
            if i == 0:
                flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
            elif i == HOUR_MARKS:
                flags = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
            box = QRectF(x - 40, area.bottom() + 4, 80, 14)
            if i == 0:
                box = QRectF(x, area.bottom() + 4, 80, 14)
            elif i == HOUR_MARKS:
                box = QRectF(x - 80, area.bottom() + 4, 80, 14)
            painter.drawText(box, int(flags), label)
        for run in sorted(self.runs, key=lambda r: r.is_failure):  # failures on top
            x = self.x_of(run.start or run.queued)
            top = area.top() if run.is_failure else area.top() + area.height() * 0.35
            painter.setPen(QPen(run_color(run.status), 3 if run.is_failure else 2))
            painter.drawLine(QPointF(x, top), QPointF(x, area.bottom() - 1))
        painter.end()
