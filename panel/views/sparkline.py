"""A small line chart of one number over the last minutes (CPU %, memory)."""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from panel.views.chart_frame import paint_chart_frame


class Sparkline(QWidget):
    """Plots the last `capacity` samples of a value with its title and latest reading.

    Samples come once a second; the newest is at the right. The y axis starts at
    zero and grows to the largest sample seen in the window (or `floor_max`).
    """

    def __init__(
        self,
        title: str,
        unit_format: str = "{:.1f}",
        color: QColor | None = None,
        capacity: int = 120,
        floor_max: float = 1.0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._title = title
        self._format = unit_format
        self._color = color or QColor("#3a7bd5")
        self._samples: deque[float] = deque(maxlen=capacity)
        self._floor_max = floor_max
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(64)

    def sizeHint(self) -> QSize:
        return QSize(240, 72)

    def add_sample(self, value: float) -> None:
        """Append one reading and repaint."""
        self._samples.append(value)
        self.update()

    def clear(self) -> None:
        """Forget every reading."""
        self._samples.clear()
        self.update()

    def latest(self) -> float | None:
        """The newest reading, if any."""
        return self._samples[-1] if self._samples else None

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = paint_chart_frame(painter, self)
        pal = self.palette()
        latest = self.latest()
        text = self._title + ("  " + self._format.format(latest) if latest is not None else "  -")
        painter.setPen(pal.text().color())
        painter.drawText(rect.adjusted(6, 4, -6, -4), Qt.AlignmentFlag.AlignLeft, text)
        if len(self._samples) < 2:
            painter.end()
            return
        plot = rect.adjusted(6, 22, -6, -6)
        paint_line(
            painter,
            plot,
            list(self._samples),
            self._samples.maxlen or 2,
            self._floor_max,
            self._color,
        )
        painter.end()


def paint_line(
    painter: QPainter,
    plot: QRectF,
    samples: Sequence[float],
    capacity: int,
    floor_max: float,
    color: QColor,
) -> None:
    """Draw `samples` as a line in `plot`, the newest at the right edge, one step per slot
    of `capacity`; the y axis runs from zero to the largest sample (at least `floor_max`)."""
    if len(samples) < 2:
        return
    top = max(max(samples), floor_max)
    step = plot.width() / max(1, capacity - 1)
    x0 = plot.right() - step * (len(samples) - 1)
    path = QPainterPath()
    for i, value in enumerate(samples):
        point = QPointF(x0 + i * step, plot.bottom() - plot.height() * value / top)
        if i == 0:
            path.moveTo(point)
        else:
            path.lineTo(point)
    painter.setPen(QPen(color, 1.6))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)
