"""Bars of the durations of a job's last runs, coloured by each run's state (QPainter)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from panel.views.chart_frame import paint_chart_frame
from panel.views.format import format_run_duration
from panel.views.job_states import run_color

MAX_BARS = 30


class DurationChart(QWidget):
    """One bar per run (oldest left), height = how long it ran; the longest is labelled."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runs: list[tuple[float, str]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(90)

    def sizeHint(self) -> QSize:
        return QSize(300, 100)

    def set_runs(self, runs: list[tuple[float, str]]) -> None:
        """(duration in seconds, state) per run, oldest first; the last `MAX_BARS` are shown."""
        self._runs = runs[-MAX_BARS:]
        self.update()

    def bars(self) -> list[tuple[float, str]]:
        """What is drawn."""
        return list(self._runs)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = paint_chart_frame(painter, self)
        pal = self.palette()
        painter.setPen(pal.text().color())
        title = self.tr("Duration of the last %n runs", "", len(self._runs))
        if not self._runs:
            title = self.tr("No finished runs yet")
        painter.drawText(rect.adjusted(6, 3, -6, -3), Qt.AlignmentFlag.AlignLeft, title)
        if not self._runs:
            painter.end()
            return
        longest = max(d for d, _ in self._runs) or 1.0
        painter.drawText(
            rect.adjusted(6, 3, -6, -3), Qt.AlignmentFlag.AlignRight, format_run_duration(longest)
        )
        plot = rect.adjusted(6, 22, -6, -6)
        slot = plot.width() / MAX_BARS
        painter.setPen(Qt.PenStyle.NoPen)
        for i, (duration, state) in enumerate(self._runs):
            height = max(2.0, plot.height() * duration / longest)
            x = plot.left() + i * slot
            painter.setBrush(run_color(state))
            painter.drawRect(QRectF(x + 1, plot.bottom() - height, max(1.0, slot - 2), height))
        painter.end()
