"""A small multi-line time chart of selected tags over the last minutes (QPainter)."""

from __future__ import annotations

import time

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from panel.connections.tag_model import TagTableModel
from panel.views.chart_frame import paint_chart_frame

PALETTE = ("#3a7bd5", "#d6403a", "#2e9d48", "#d08a12", "#8e44ad", "#16a0a0")


class TrendChart(QWidget):
    """Plots the history the tag model keeps for its watched tags, newest at the right.

    Repaints after each batch of the model (at most its flush rate). The y axis spans
    the values in the window; each tag has its colour and its name in the legend.
    """

    def __init__(
        self, model: TagTableModel, window_s: float = 300.0, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._model = model
        self.window_s = window_s
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(120)
        model.sig_flushed.connect(self._on_flushed)
        model.modelReset.connect(self.update)

    def sizeHint(self) -> QSize:
        return QSize(400, 160)

    def _on_flushed(self, _count: int) -> None:
        if self._model.watched() and self.isVisible():
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = paint_chart_frame(painter, self)
        pal = self.palette()
        names = self._model.watched()
        if not names:
            painter.setPen(pal.placeholderText().color())
            painter.drawText(
                rect, Qt.AlignmentFlag.AlignCenter, self.tr("Select numeric tags to see a trend")
            )
            painter.end()
            return
        now = time.time()
        series = {
            n: [p for p in self._model.history(n) if p[0] >= now - self.window_s] for n in names
        }
        values = [v for points in series.values() for _, v in points]
        low, high = (min(values), max(values)) if values else (0.0, 1.0)
        if high - low < 1e-9:
            low, high = low - 1.0, high + 1.0
        plot = rect.adjusted(48, 22, -8, -18)
        painter.setPen(pal.text().color())
        painter.drawText(QRectF(rect.left() + 4, plot.top() - 6, 42, 14), f"{high:.4g}")
        painter.drawText(QRectF(rect.left() + 4, plot.bottom() - 8, 42, 14), f"{low:.4g}")
        painter.drawText(
            QRectF(plot.left(), plot.bottom() + 2, plot.width(), 14),
            Qt.AlignmentFlag.AlignRight,
            self.tr("last %n s", "", int(self.window_s)),
        )
        x_legend = plot.left()
        for i, name in enumerate(names):
            color = QColor(PALETTE[i % len(PALETTE)])
            painter.setPen(QPen(color, 1.6))
            painter.drawText(QRectF(x_legend, rect.top() + 3, 160, 16), "— " + name)
            x_legend += painter.fontMetrics().horizontalAdvance("— " + name) + 14
            path = _path(series[name], plot, now - self.window_s, self.window_s, low, high)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
        painter.end()


def _path(
    points: list[tuple[float, float]],
    plot: QRectF,
    start: float,
    span: float,
    low: float,
    high: float,
) -> QPainterPath:
    path = QPainterPath()
    for i, (when, value) in enumerate(points):
        x = plot.left() + plot.width() * (when - start) / span
        y = plot.bottom() - plot.height() * (value - low) / (high - low)
        if i == 0:
            path.moveTo(QPointF(x, y))
        else:
            path.lineTo(QPointF(x, y))
    return path
