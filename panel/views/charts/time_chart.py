"""`TimeChart`: lines over time with one y-axis per unit, a hover read-out and zoom/pan.

The plot (pyqtgraph) is made when the chart is first shown with lines to draw, so a
window that never shows a chart never imports pyqtgraph. New points go into the
lines' buffers at once; the plot is redrawn at most once per `REFRESH_MS` (coalesced),
and only while it is visible, so ten open charts fed at full rate cost a few repaints
a second each.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from panel.views.charts.buffer import SeriesBuffer
from panel.views.charts.pg import pyqtgraph
from panel.views.charts.throttle import Throttle, redraw_queue

REFRESH_MS = 500
"""At most one redraw per chart per this many milliseconds."""
FOLLOW_TICK_MS = 1000
"""While following, the time axis moves on at least this often (no new points needed)."""
KEEP_S = 600.0
SPANS_S = (60, 300, 600)
PALETTE = ("#3a7bd5", "#d6403a", "#2e9d48", "#d08a12", "#8e44ad", "#16a0a0")


@dataclass(frozen=True)
class Line:
    """One line of a chart: its key, the label in the legend and read-out, its unit."""

    key: str
    label: str
    unit: str = ""
    color: str | None = None
    """The line's colour (default: the next of `PALETTE`)."""
    symbol: str | None = None
    """Each point drawn as this pyqtgraph symbol ("o", "x", ...) too."""
    connect: bool = True
    """A line between the points (False: the points alone, events such as failed runs)."""


def _unit_order(lines: list[Line]) -> list[str]:
    units: list[str] = []
    for line in lines:
        if line.unit not in units:
            units.append(line.unit)
    return units


class TimeChart(QWidget):
    """Lines over time (Unix seconds on a date axis), newest at the right while following.

    `set_lines` chooses what is drawn (one axis per distinct unit, left then right);
    `buffer(key)` holds a line's points; call `changed()` after adding some.
    """

    def __init__(
        self,
        title: str,
        empty_text: str,
        span_s: int = 300,
        keep_s: float = KEEP_S,
        parent: QWidget | None = None,
        *,
        live: bool = True,
        floor: float | None = None,
    ) -> None:
        super().__init__(parent)
        self.keep_s = keep_s
        self.live = live
        self.floor = floor
        """The lowest value any axis shows (0 for what is never negative: durations, CPU %,
        memory), else None: the axes follow the values wherever they go."""
        """Live: the newest values at the right edge (Follow), the last value still current
        now. Otherwise the time axis spans the points (a history of events)."""
        self._title = title
        self._lines: list[Line] = []
        self._buffers: dict[str, SeriesBuffer] = {}
        self._plot: Any = None
        self._widget: Any = None
        self._built_for: list[Line] = []
        self._curves: dict[str, Any] = {}
        self._boxes: dict[str, Any] = {}
        self._axes: list[tuple[str, Any]] = []
        self._cursor: Any = None
        self._legend: Any = None
        self.redraws = 0
        """How many times the plot was redrawn (the throttle's effect, for tests and benches)."""
        self._throttle = Throttle(self._queue_redraw, REFRESH_MS, self)
        key = id(self)
        self.destroyed.connect(lambda: redraw_queue().cancel(key))
        self._tick = QTimer(self)
        self._tick.setInterval(FOLLOW_TICK_MS)
        self._tick.timeout.connect(self.changed)

        self.follow = QCheckBox(self.tr("Follow"))
        self.follow.setChecked(True)
        self.follow.setToolTip(
            self.tr("Keep the newest values in view (off while you zoom or pan)")
        )
        self.follow.toggled.connect(self._on_follow)
        self.span = QComboBox()
        for seconds in SPANS_S:
            # "%1", not a plural "%n": PySide6 looks a plural up in the context of the
            # class it runs in (ResourceChart...), not of this one, and left it in English.
            words = self.tr("Last %1 min").replace("%1", str(int(seconds / 60)))
            self.span.addItem(words, seconds)
        self.span.setCurrentIndex(max(0, self.span.findData(span_s)))
        self.span.setAccessibleName(self.tr("Time span"))
        self.span.currentIndexChanged.connect(self._on_span)
        self.readout = QLabel()
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.readout.setAccessibleName(self.tr("Values under the pointer"))
        self.readout.setMinimumHeight(self.readout.fontMetrics().height())  # no jump on hover
        self.title_label = QLabel(title)
        self.title_label.setObjectName("chartTitle")
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.title_label, 1)
        bar.addWidget(self.span)
        bar.addWidget(self.follow)
        self.span.setVisible(live)
        self.follow.setVisible(live)
        self.placeholder = QLabel(empty_text)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self._stack = QStackedLayout()
        self._stack.addWidget(self.placeholder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addLayout(self._stack, 1)
        layout.addWidget(self.readout)
        self.setMinimumHeight(160)
        self._describe()

    # ----------------------------------------------------------------- feeding

    def set_lines(self, lines: list[Line]) -> None:
        """Draw these lines (their buffers start empty); one y-axis per unit."""
        self._lines = list(lines)
        self._buffers = {line.key: SeriesBuffer(self.keep_s) for line in lines}
        self.readout.clear()
        self._describe()
        if self._plot is not None and _unit_order(lines) == self.axis_units() and lines:
            self._swap_curves()
        elif self._plot is not None or (self.isVisible() and lines):
            self._build()
        self._show_plot_or_placeholder()
        self.changed()

    def clear_points(self) -> None:
        """Empty every line's buffer (the lines and the plot stay)."""
        self._buffers = {line.key: SeriesBuffer(self.keep_s) for line in self._lines}
        self.changed()

    def lines(self) -> list[Line]:
        """What is drawn."""
        return list(self._lines)

    def buffer(self, key: str) -> SeriesBuffer:
        """The points of line `key` (KeyError when it is not drawn)."""
        return self._buffers[key]

    def changed(self) -> None:
        """Points were added: redraw at the end of the current interval."""
        if self._plot is not None and self.isVisible():
            self._throttle.request()

    def redraw_due(self) -> bool:
        """Whether a redraw is waiting for the end of its interval."""
        return self._throttle.pending()

    def _queue_redraw(self) -> None:
        redraw_queue().request(id(self), self._redraw)

    def set_empty_text(self, text: str) -> None:
        """What the chart says while it has no lines."""
        self.placeholder.setText(text)

    # ----------------------------------------------------------------- reading

    def axis_units(self) -> list[str]:
        """The unit of each y-axis, left first (empty before the plot is made)."""
        return [unit for unit, _axis in self._axes]

    def plot_item(self) -> Any:
        """The pyqtgraph PlotItem (None before the chart was first shown with lines)."""
        return self._plot

    def drawn(self, key: str) -> tuple[list[float], list[float]]:
        """The times and values the line of `key` draws now (empty before it is drawn)."""
        curve = self._curves.get(key)
        ts, values = curve.getOriginalDataset() if curve is not None else (None, None)
        if ts is None or values is None:
            return [], []
        return [float(t) for t in ts], [float(v) for v in values]

    def plot_widget(self) -> Any:
        """The pyqtgraph PlotWidget (None before the chart was first shown with lines)."""
        return self._widget

    def x_range(self) -> tuple[float, float] | None:
        """The times shown, left and right edge."""
        if self._plot is None:
            return None
        low, high = self._plot.getViewBox().viewRange()[0]
        return float(low), float(high)

    def y_range(self, unit: str | None = None) -> tuple[float, float] | None:
        """The values the axis of `unit` shows (default: the left one), bottom and top."""
        if self._plot is None:
            return None
        box = self._boxes[unit] if unit is not None else self._plot.getViewBox()
        low, high = box.viewRange()[1]
        return float(low), float(high)

    def read_out(self, when: float) -> str:
        """The read-out at time `when`: the time, then each line's value and unit."""
        parts = [time.strftime("%H:%M:%S", time.localtime(when))]
        for line in self._lines:
            value = self._buffers[line.key].value_at(when)
            shown = "-" if value is None else f"{value:.4g}"
            parts.append(f"{line.label} {shown}{' ' + line.unit if line.unit else ''}")
        return "   ".join(parts)

    def hover_at(self, when: float) -> None:
        """Show the cursor and the read-out at time `when` (what hovering there does)."""
        if self._cursor is not None:
            self._cursor.setPos(when)
            self._cursor.show()
        self.readout.setText(self.read_out(when))

    # ----------------------------------------------------------------- events

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._plot is None and self._lines:
            self._build()
            self._show_plot_or_placeholder()
        if self._plot is not None:
            self._redraw()
        self._on_follow(self.follow.isChecked())

    def hideEvent(self, event: Any) -> None:
        super().hideEvent(event)
        self._tick.stop()
        self._throttle.cancel()  # drawn again when shown
        redraw_queue().cancel(id(self))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._plot is not None:
            self._apply_palette()

    # ----------------------------------------------------------------- plot

    def _build(self) -> None:
        """Make the plot for the current lines (again: a new set of lines, a new plot)."""
        pg = pyqtgraph()
        if self._widget is not None:
            self._stack.removeWidget(self._widget)
            self._widget.deleteLater()
        widget = self._widget = pg.PlotWidget(
            axisItems={"bottom": pg.DateAxisItem(orientation="bottom")}
        )
        widget.setAccessibleName(self.accessibleName())
        widget.setAccessibleDescription(self.accessibleDescription())
        self._stack.addWidget(widget)
        plot = widget.getPlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        self._plot = plot
        self._built_for = list(self._lines)
        self._curves, self._boxes, self._axes = {}, {}, []
        units = _unit_order(self._lines)
        main = plot.getViewBox()
        if units:
            plot.getAxis("left").setLabel(units[0] or self.tr("(no unit)"))
            self._axes.append((units[0], plot.getAxis("left")))
        for index, unit in enumerate(units):
            self._boxes[unit] = main if index == 0 else self._extra_box(pg, plot, index, unit)
        self._legend = plot.addLegend(offset=(8, 4))
        self._add_curves(pg)
        for box in self._boxes.values():
            box.enableAutoRange(axis="y")
            box.setAutoVisible(y=True)
            if self.floor is not None:
                box.setLimits(yMin=self.floor)
        main.sigRangeChangedManually.connect(self._on_manual_range)
        if not self.live:
            main.enableAutoRange(axis="x")  # until the user zooms or pans
        self._cursor = pg.InfiniteLine(angle=90, movable=False)
        self._cursor.hide()
        plot.addItem(self._cursor, ignoreBounds=True)
        widget.scene().sigMouseMoved.connect(self._on_mouse)
        self._apply_palette()

    def _add_curves(self, pg: Any) -> None:
        """A curve per line, in its unit's box, with its legend entry."""
        for index, line in enumerate(self._lines):
            color = QColor(line.color or PALETTE[index % len(PALETTE)])
            curve = self._curve(pg, line, color)
            self._boxes[line.unit].addItem(curve)
            self._legend.addItem(curve, f"{line.label} ({line.unit})" if line.unit else line.label)
            self._curves[line.key] = curve

    def _swap_curves(self) -> None:
        """New lines on the same axes (units): new curves in the plot there is (making a
        plot costs 50-150 ms here, a tag picked after another should not)."""
        for unit, curve in ((c.unit, self._curves[c.key]) for c in self._built_for):
            self._boxes[unit].removeItem(curve)
        self._legend.clear()
        self._curves = {}
        self._add_curves(pyqtgraph())
        self._built_for = list(self._lines)
        self._apply_palette()

    def _extra_box(self, pg: Any, plot: Any, index: int, unit: str) -> Any:
        """A view box for the `index`-th unit, with its own axis on the right."""
        box = pg.ViewBox()
        if index == 1:
            axis = plot.getAxis("right")
            plot.showAxis("right")
        else:
            axis = pg.AxisItem("right")
            plot.layout.addItem(axis, 2, 1 + index)
        plot.scene().addItem(box)
        axis.linkToView(box)
        axis.setLabel(unit or self.tr("(no unit)"))
        box.setXLink(plot)
        main = plot.getViewBox()

        def follow_main() -> None:
            box.setGeometry(main.sceneBoundingRect())
            box.linkedViewChanged(main, box.XAxis)

        main.sigResized.connect(follow_main)
        follow_main()
        self._axes.append((unit, axis))
        return box

    @staticmethod
    def _curve(pg: Any, line: Line, color: QColor) -> Any:
        marks: dict[str, Any] = {}
        if line.symbol is not None:
            size = 6 if line.connect else 13  # events stand out from the line's points
            marks = {"symbol": line.symbol, "symbolSize": size, "symbolBrush": color}
            marks["symbolPen"] = pg.mkPen(color, width=1)
        if not line.connect:
            events = pg.PlotDataItem(pen=None, **marks)
            events.setZValue(10)  # above the lines
            return events
        curve = pg.PlotDataItem(
            pen=pg.mkPen(color, width=1),  # thicker antialiased lines paint 10x slower
            connect="finite",
            autoDownsample=True,
            clipToView=True,
            **marks,
        )
        curve.opts["autoDownsampleFactor"] = 1.5  # min/max of ~1.5 points a pixel (not 5)
        return curve

    def _apply_palette(self) -> None:
        """The plot in the window's colours (light or dark)."""
        pg = pyqtgraph()
        pal = self.palette()
        text = pal.text().color()
        self._widget.setBackground(pal.base().color())
        pen = pg.mkPen(pal.mid().color().darker(110) if _dark(pal) else text)
        for axis in [self._plot.getAxis("bottom")] + [a for _u, a in self._axes]:
            axis.setPen(pen)
            axis.setTextPen(pg.mkPen(text))
            label = axis.labelText
            if label:
                axis.setLabel(label, color=text.name())
        self._legend.setLabelTextColor(text)
        for _sample, label in self._legend.items:
            label.setText(label.text, color=text.name())  # the colour applies on setText
        backdrop = QColor(pal.base().color())
        backdrop.setAlpha(200)
        self._legend.setBrush(pg.mkBrush(backdrop))
        self._cursor.setPen(pg.mkPen(pal.placeholderText().color(), width=1))
        self.placeholder.setStyleSheet("")

    def _show_plot_or_placeholder(self) -> None:
        shown = self._plot is not None and bool(self._lines)
        if not self.live:  # a history of events: nothing to see before the first
            shown = shown and any(len(b) for b in self._buffers.values())
        self._stack.setCurrentIndex(1 if shown else 0)

    def _redraw(self) -> None:
        if self._plot is None or not self.isVisible():
            return
        self.redraws += 1
        self._show_plot_or_placeholder()
        import numpy as np

        now = time.time()
        for line in self._lines:
            ts, values = self._buffers[line.key].arrays()
            if self.live and len(ts) and line.connect and ts[-1] < now:
                ts, values = np.append(ts, now), np.append(values, values[-1])  # still current
            self._curves[line.key].setData(ts, values)
        if self.live and self.follow.isChecked():
            span = float(self.span.currentData())
            self._plot.getViewBox().setXRange(now - span, now, padding=0.0)
            if self.floor is not None:
                self._range_from_floor(now - span)

    def _range_from_floor(self, since: float) -> None:
        """Each unit's axis from `floor` to a little above its highest shown value, so a
        steady 49.5 MB is a flat line halfway up, not a cliff across a 0.004 MB range."""
        import numpy as np

        assert self.floor is not None
        tops: dict[str, float] = {}
        for line in self._lines:
            ts, values = self._buffers[line.key].arrays()
            shown = values[(ts >= since) & np.isfinite(values)]  # NaN: a gap
            if len(shown):
                tops[line.unit] = max(tops.get(line.unit, self.floor), float(shown.max()))
        for unit, box in self._boxes.items():
            top = tops.get(unit, self.floor)
            box.setYRange(self.floor, top * 1.1 if top > self.floor else self.floor + 1, padding=0)

    def _on_mouse(self, pos: Any) -> None:
        box = self._plot.getViewBox()
        if not box.sceneBoundingRect().contains(pos):
            return
        self.hover_at(box.mapSceneToView(pos).x())

    def _on_manual_range(self, *_args: Any) -> None:
        if self.live:
            self.follow.setChecked(False)

    def _on_follow(self, on: bool) -> None:
        if on and self.live and self.isVisible():
            self._tick.start()
            self.changed()
        else:
            self._tick.stop()

    def _on_span(self) -> None:
        self.follow.setChecked(True)
        self.changed()

    def _describe(self) -> None:
        """The accessible name and description: what the chart shows, axis by axis."""
        self.setAccessibleName(self._title)
        if not self._lines:
            self.setAccessibleDescription(self.placeholder_text())
            return
        parts = []
        for unit in _unit_order(self._lines):
            labels = ", ".join(line.label for line in self._lines if line.unit == unit)
            axis = unit or self.tr("(no unit)")
            parts.append(self.tr("%1 on the %2 axis").replace("%1", labels).replace("%2", axis))
        self.setAccessibleDescription("; ".join(parts))

    def placeholder_text(self) -> str:
        """What the chart says while it has no lines."""
        return str(self.placeholder.text())


def _dark(palette: Any) -> bool:
    return bool(palette.base().color().lightness() < 128)
