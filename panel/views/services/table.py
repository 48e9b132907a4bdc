"""The services table: one row per service, its state in colour and words, its figures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from panel.server.status import ServiceSnapshot
from panel.views.format import format_duration
from panel.views.services.history import CAPACITY
from panel.views.sparkline import paint_line
from panel.views.state_colors import SERVER_COLORS, dot_icon, server_status_label
from panel.views.table_model import RowTableModel

NAME, STATE, PID, PORT, UPTIME, RESTARTS, CPU, MEMORY = range(8)

SamplesRole = Qt.ItemDataRole.UserRole + 1
"""tuple[float, ...]: the readings a sparkline cell plots (CPU and Memory columns)."""

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
    """Paints a cell's readings as a small line behind its latest value (CPU, Memory)."""

    def __init__(self, color: QColor, floor_max: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._color = color
        self._floor_max = floor_max

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """The selection background, the line, then the value on top."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        samples = index.data(SamplesRole) or ()
        rect = QRectF(opt.rect).adjusted(3, 4, -3, -4)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        paint_line(painter, rect, samples, CAPACITY, self._floor_max, self._color)
        painter.restore()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = opt.palette.ColorRole.HighlightedText if selected else opt.palette.ColorRole.Text
        painter.setPen(opt.palette.color(role))
        painter.drawText(
            opt.rect.adjusted(4, 0, -4, 0),
            int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
            text,
        )
