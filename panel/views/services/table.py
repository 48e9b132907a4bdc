"""The services table: one row per service, its state in colour and words, its figures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from panel.server.status import ServiceSnapshot
from panel.views.format import format_duration
from panel.views.sparkline import paint_line
from panel.views.state_colors import SERVER_COLORS, dot_icon, server_status_label
from panel.views.table_model import RowTableModel

NAME, STATE, PID, PORT, UPTIME, RESTARTS, CPU, MEMORY = range(8)

SamplesRole = Qt.ItemDataRole.UserRole + 1
"""tuple[float, ...]: the readings a sparkline cell plots (CPU and Memory columns)."""

VALUE_WIDTH = 64
"""Pixels for a sparkline cell's value, before its line."""
SPARK_SAMPLES = 60
"""Readings a table cell's line shows (a minute)."""

CPU_COLOR = QColor("#3a7bd5")
RSS_COLOR = QColor("#8e5bd0")


class ServiceRow(NamedTuple):
    """One service as the table shows it: its snapshot and its recent readings."""

    snap: ServiceSnapshot
    cpu: tuple[float, ...]
    rss: tuple[float, ...]


class ServicesTableModel(RowTableModel[ServiceRow]):
    """The services in configured order; rows change in place while the names stay."""

    def headers(self) -> Sequence[str]:
        return [
            self.tr("Service"),
            self.tr("State"),
            self.tr("PID"),
            self.tr("Port"),
            self.tr("Uptime"),
            self.tr("Restarts"),
            self.tr("CPU"),
            self.tr("Memory"),
        ]

    def show(self, rows: list[ServiceRow]) -> None:
        """Show `rows`: changed in place when the same services, else a reset."""
        old = [r.snap.name for r in self.rows()]
        if old != [r.snap.name for r in rows]:
            self.replace_rows(rows)
            return
        self._rows = rows
        if rows:
            last = self.index(len(rows) - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def row_of(self, name: str) -> int:
        """The row of service `name` (-1 when not shown)."""
        for i, row in enumerate(self.rows()):
            if row.snap.name == name:
                return i
        return -1

    def cell(self, row: ServiceRow, column: int, role: int) -> Any:
        snap = row.snap
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.DecorationRole and column == STATE:
            return dot_icon(SERVER_COLORS[snap.status], 12)
        if role == Qt.ItemDataRole.ToolTipRole and column in (NAME, STATE) and snap.last_error:
            return snap.last_error
        if role == SamplesRole and column in (CPU, MEMORY):
            return row.cpu if column == CPU else row.rss
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (PID, PORT, RESTARTS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _text(self, row: ServiceRow, column: int) -> str | None:
        snap = row.snap
        if column == NAME:
            return snap.name
        if column == STATE:
            return server_status_label(snap.status)
        if column == PID:
            return str(snap.pid) if snap.pid else "-"
        if column == PORT:
            return str(snap.port) if snap.port is not None else "-"
        if column == UPTIME:
            return format_duration(snap.uptime) if snap.uptime is not None else "-"
        if column == RESTARTS:
            return str(snap.restarts)
        if column == CPU:
            return f"{row.cpu[-1]:.1f} %" if row.cpu and snap.pid else "-"
        if column == MEMORY:
            return f"{row.rss[-1]:.1f} MB" if row.rss and snap.pid else "-"
        return None


class SparkDelegate(QStyledItemDelegate):
    """Paints a cell's latest reading at its left and its recent readings as a line beside.

    The line covers the last `SPARK_SAMPLES` readings and is scaled to their largest (a
    steady value draws a steady line, not one lost against the top edge).
    """

    def __init__(self, color: QColor, unit_format: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._color = color
        self._format = unit_format

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """The selection background, the value, then the line."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setPen(opt.palette.color(role))
        value_rect = opt.rect.adjusted(6, 0, 0, 0)
        value_rect.setWidth(VALUE_WIDTH)
        align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(value_rect, int(align), text)
        samples = list(index.data(SamplesRole) or ())[-SPARK_SAMPLES:]
        plot = QRectF(opt.rect).adjusted(VALUE_WIDTH + 14, 5, -6, -5)
        if samples and plot.width() > 10:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            color = opt.palette.color(role) if selected else self._color
            top = max(max(samples) * 1.25, 1.0)
            paint_line(painter, plot, samples, SPARK_SAMPLES, top, color)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        """Room for the value and a short line."""
        hint = super().sizeHint(option, index)
        return QSize(max(hint.width(), VALUE_WIDTH + 70), hint.height())
