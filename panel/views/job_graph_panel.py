"""The Graph tab: zoom buttons, the job graph and its legend (states and edge kinds)."""

from __future__ import annotations

from PySide6.QtCore import QLineF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from panel.views.job_graph import (
    DEPENDS,
    EDGE_KINDS,
    ON_FAILURE,
    ON_SUCCESS,
    JobGraphView,
    edge_color,
    edge_pen_style,
)
from panel.views.job_states import RUN_COLORS, run_state_label
from panel.views.state_colors import show_dot

LEGEND_COLUMNS = 5
"""Narrow enough that the graph leaves two fifths of a 1100 px window to the details."""


class EdgeSample(QWidget):
    """A short line drawn the way the graph draws one kind of edge."""

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setFixedSize(QSize(28, 12))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        pen = QPen(edge_color(self.kind, self.palette()), 1.6)
        pen.setStyle(edge_pen_style(self.kind))
        painter.setPen(pen)
        painter.drawLine(QLineF(1, 6, 27, 6))
        painter.end()


class GraphLegend(QWidget):
    """Every run state (colour and word) and the three kinds of edges."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 2, 4, 2)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        cells: list[QWidget] = []
        for state, color in RUN_COLORS.items():
            cells.append(_entry(color, run_state_label(state)))
        words = {
            DEPENDS: self.tr("depends on"),
            ON_SUCCESS: self.tr("on success"),
            ON_FAILURE: self.tr("on failure"),
        }
        for kind in EDGE_KINDS:
            cell = QWidget()
            row = QHBoxLayout(cell)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(EdgeSample(kind))
            row.addWidget(QLabel(words[kind]))
            cells.append(cell)
        for i, cell in enumerate(cells):
            grid.addWidget(cell, i // LEGEND_COLUMNS, i % LEGEND_COLUMNS)


def _entry(color: QColor, text: str) -> QWidget:
    cell = QWidget()
    row = QHBoxLayout(cell)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(4)
    dot = QLabel()
    show_dot(dot, color, text, 10)
    row.addWidget(dot)
    row.addWidget(QLabel(text))
    row.addStretch(1)
    return cell


class JobGraphPanel(QWidget):
    """The graph with a small tool row (zoom out, zoom in, fit, the zoom level) and a legend."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = JobGraphView()
        self.zoom_out_button = QPushButton(self.tr("−"))
        self.zoom_out_button.setToolTip(self.tr("Zoom out (-)"))
        self.zoom_in_button = QPushButton(self.tr("+"))
        self.zoom_in_button.setToolTip(self.tr("Zoom in (+, Ctrl+wheel)"))
        self.fit_button = QPushButton(self.tr("Fit"))
        self.fit_button.setToolTip(self.tr("Show the whole graph (F)"))
        self.zoom_label = QLabel()
        for button in (self.zoom_out_button, self.zoom_in_button):
            button.setFixedWidth(32)
        self.zoom_out_button.clicked.connect(self.view.zoom_out)
        self.zoom_in_button.clicked.connect(self.view.zoom_in)
        self.fit_button.clicked.connect(self.view.fit)
        self.view.sig_zoom_changed.connect(self._on_zoom)
        tools = QHBoxLayout()
        tools.addWidget(self.zoom_out_button)
        tools.addWidget(self.zoom_in_button)
        tools.addWidget(self.fit_button)
        tools.addWidget(self.zoom_label)
        hint = QLabel(self.tr("Drag to pan; click a job for its details."))
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        tools.addWidget(hint, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(tools)
        column.addWidget(self.view, 1)
        column.addWidget(GraphLegend())
        self._on_zoom(1.0)

    def sizeHint(self) -> QSize:
        """A graph has no size of its own (it is fitted to its room): a modest one, so the
        page's splitter gives the job details beside it the width their runs table needs."""
        return QSize(480, 420)

    def _on_zoom(self, scale: float) -> None:
        self.zoom_label.setText(self.tr("%1 %").replace("%1", f"{scale * 100:.0f}"))
        self.zoom_label.setAlignment(Qt.AlignmentFlag.AlignVCenter)
