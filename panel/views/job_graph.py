"""The job graph: a QGraphicsView of the DAG, nodes coloured by state, zoom, pan and fit.

Items are laid out once per change of the job definitions (`panel.jobs.layout`),
never per frame. Nodes cache their pixels (`DeviceCoordinateCache`), so panning
only blits and zoomed far out they skip their text; edges are plain path items painted by Qt itself;
the view repaints the smallest region it can (`SmartViewportUpdate`). A
one-second timer repaints only the running nodes (their elapsed time).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QLineF, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPolygonF,
    QResizeEvent,
    QShowEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QGraphicsScene,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from panel.jobs.layout import Layout, Spacing, layout
from panel.jobs.snapshots import JobSummary
from panel.views.format import format_duration
from panel.views.job_states import NEVER, run_color, run_state_label
from panel.views.state_colors import BAD, GOOD

SPACING = Spacing()
ZOOM_STEP = 1.25
MIN_SCALE = 0.02
MAX_SCALE = 4.0
TEXT_LOD = 0.45
"""Below this scale nodes are drawn as coloured boxes without text."""

DEPENDS, ON_SUCCESS, ON_FAILURE = "dependsOn", "onSuccess", "onFailure"
EDGE_KINDS = (DEPENDS, ON_SUCCESS, ON_FAILURE)


@dataclass(frozen=True)
class GraphJob:
    """What the graph needs of one job."""

    id: str
    name: str
    depends_on: tuple[str, ...] = ()
    on_success: tuple[str, ...] = ()
    on_failure: tuple[str, ...] = ()
    enabled: bool = True

    @classmethod
    def from_summary(cls, summary: JobSummary) -> GraphJob:
        """From one job of the jobs model."""
        return cls(
            id=summary.id,
            name=summary.name or summary.id,
            depends_on=summary.depends_on,
            on_success=summary.on_success,
            on_failure=summary.on_failure,
            enabled=summary.enabled,
        )


class JobNodeItem(QGraphicsItem):
    """One job: a box with its name, its state in words and a state-coloured frame."""

    def __init__(self, job: GraphJob) -> None:
        super().__init__()
        self.job = job
        self.state = NEVER
        self.started: float | None = None
        self._rect = QRectF(0, 0, SPACING.node_w, SPACING.node_h)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        # Cached in device pixels: panning only blits (no Python paint per frame).
        # (ItemCoordinateCache was measured 10x slower when zoomed out: it scales.)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setToolTip(job.id)
        self.setZValue(1)

    @property
    def job_id(self) -> str:
        """The job's id."""
        return self.job.id

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-2, -2, 2, 2)

    def set_state(self, state: str, started: float | None) -> None:
        """Show `state` (a run state or `never`); `started` drives the elapsed time."""
        if (state, started) != (self.state, self.started):
            self.state, self.started = state, started
            self.update()

    def status_text(self, now: float | None = None) -> str:
        """The words under the name: the state, and the elapsed time while running."""
        text = run_state_label(self.state)
        if self.state == "running" and self.started is not None:
            text += "  " + format_duration(max(0.0, (now or time.time()) - self.started))
        if not self.job.enabled:
            text += "  · " + QApplication.translate("JobGraphView", "disabled")
        return text

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        pal = widget.palette() if widget is not None else QApplication.palette()
        color = run_color(self.state)
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        selected = bool(self.isSelected())
        painter.setPen(QPen(pal.highlight().color() if selected else color, 3 if selected else 1.5))
        painter.setBrush(pal.base())
        painter.drawRoundedRect(self._rect, 6, 6)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(QRectF(0, 0, 8, self._rect.height()), 3, 3)
        if lod < TEXT_LOD:
            return
        text_rect = self._rect.adjusted(14, 4, -6, -4)
        font = QFont(painter.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(pal.text().color() if self.job.enabled else pal.placeholderText().color())
        metrics = painter.fontMetrics()
        name = metrics.elidedText(
            self.job.name, Qt.TextElideMode.ElideRight, int(text_rect.width())
        )
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft, name)
        font.setBold(False)
        painter.setFont(font)
        painter.setPen(pal.text().color())
        painter.drawText(
            text_rect, Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignLeft, self.status_text()
        )


class JobEdgeItem(QGraphicsPathItem):
    """An arrow from one node to another: solid for dependsOn, dashed/dotted for chains.

    Painted by Qt itself (a path item with a polygon child for the head): with
    thousands of edges a Python `paint()` per edge per frame would be the stall.
    """

    def __init__(self, kind: str, up: JobNodeItem, down: JobNodeItem, pal: QPalette) -> None:
        super().__init__()
        self.kind = kind
        self.up = up
        self.down = down
        path, head = _edge_shape(up.sceneBoundingRect(), down.sceneBoundingRect(), kind)
        self.setPath(path)
        self.head = QGraphicsPolygonItem(head, self)
        self.head.setPen(Qt.PenStyle.NoPen)
        self.setZValue(0)
        self.set_palette(pal)

    def set_palette(self, pal: QPalette) -> None:
        """Colour the edge for the current light or dark palette."""
        color = edge_color(self.kind, pal)
        pen = QPen(color, 1.4)
        pen.setCosmetic(True)
        pen.setStyle(edge_pen_style(self.kind))
        self.setPen(pen)
        self.head.setBrush(QBrush(color))


def edge_color(kind: str, pal: QPalette) -> QColor:
    """Dependencies in the text colour (muted); chains green (success) or red (failure)."""
    if kind == ON_SUCCESS:
        return GOOD
    if kind == ON_FAILURE:
        return BAD
    return pal.mid().color() if pal.base().color().lightness() > 128 else pal.light().color()


def edge_pen_style(kind: str) -> Qt.PenStyle:
    """Solid for dependsOn, dashed for onSuccess, dotted for onFailure (not colour alone)."""
    return {
        DEPENDS: Qt.PenStyle.SolidLine,
        ON_SUCCESS: Qt.PenStyle.DashLine,
        ON_FAILURE: Qt.PenStyle.DotLine,
    }[kind]


def _edge_shape(a: QRectF, b: QRectF, kind: str) -> tuple[QPainterPath, QPolygonF]:
    """A straight line from `a`'s right edge to `b`'s left edge, and its arrowhead.

    Straight lines stroke several times faster than curves (measured with 1,000
    nodes); chain edges are offset a little so they never hide a dependency.
    """
    bend = 0.0 if kind == DEPENDS else 8.0
    start = QPointF(a.right() - 2, a.center().y() + bend)
    end = QPointF(b.left() + 2, b.center().y() + bend)
    line = QLineF(start, end)
    length = max(1.0, line.length())
    ux, uy = (end.x() - start.x()) / length, (end.y() - start.y()) / length
    base = QPointF(end.x() - 9 * ux, end.y() - 9 * uy)
    path = QPainterPath(start)
    path.lineTo(base)
    head = QPolygonF(
        [
            end,
            QPointF(base.x() - 5 * uy, base.y() + 5 * ux),
            QPointF(base.x() + 5 * uy, base.y() - 5 * ux),
        ]
    )
    return path, head


class JobGraphView(QGraphicsView):
    """The DAG of the jobs; click a node to select its job; Ctrl+wheel, +/- zoom; F fits;
    N and P select the next or previous job (a screen reader hears the
    graph as its description: every job with its state)."""

    sig_job_selected = Signal(str)
    """(job_id) the operator clicked (selected) a node."""

    sig_zoom_changed = Signal(float)
    """(scale) the zoom changed (1.0 = natural size)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scene = QGraphicsScene(self)
        self.setScene(self._scene)
        self.nodes: dict[str, JobNodeItem] = {}
        self.edges: list[JobEdgeItem] = []
        self.last_layout: Layout | None = None
        self.layout_ms = 0.0
        """How long the last layout took (ms)."""
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._scene.selectionChanged.connect(self._on_selection)
        self._fit_pending = False
        self._follow_fit = False  # after a fit, until the user zooms: fit again on resize
        self._tick = QTimer(self, interval=1000)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()
        self.setAccessibleName(self.tr("Job graph"))
        self._describe_timer = QTimer(self, singleShot=True, interval=0)
        self._describe_timer.timeout.connect(self._describe)

    # ------------------------------------------------------------------ content

    def set_jobs(self, jobs: list[GraphJob]) -> None:
        """Replace the graph: lay it out once and build its items (keeps known states)."""
        states = {jid: (n.state, n.started) for jid, n in self.nodes.items()}
        selected = self.selected_job()
        self._scene.clearSelection()
        self._scene.clear()
        self.nodes.clear()
        self.edges.clear()
        ids = [j.id for j in jobs]
        deps = [(d, j.id) for j in jobs for d in j.depends_on]
        start = time.perf_counter()
        self.last_layout = layout(ids, deps, SPACING)
        self.layout_ms = (time.perf_counter() - start) * 1000
        for job in jobs:
            node = JobNodeItem(job)
            node.setPos(*self.last_layout.pos[job.id])
            if job.id in states:
                node.state, node.started = states[job.id]
            self._scene.addItem(node)
            self.nodes[job.id] = node
        for job in jobs:
            for kind, ups in ((DEPENDS, job.depends_on),):
                for up in ups:
                    self._add_edge(kind, up, job.id)
            for kind, downs in ((ON_SUCCESS, job.on_success), (ON_FAILURE, job.on_failure)):
                for down in downs:
                    self._add_edge(kind, job.id, down)
        self._scene.setSceneRect(self._scene.itemsBoundingRect().adjusted(-40, -40, 40, 40))
        if selected in self.nodes:
            self.nodes[selected].setSelected(True)
        self._describe_timer.start()
        if not states or self._follow_fit:  # show all of it, now or once the view has a size
            self._fit_pending = True
            if self.isVisible():
                self._fit_when_shown()

    def _fit_when_shown(self) -> None:
        if self._fit_pending and self.viewport().width() > 1:
            self._fit_pending = False
            self.fit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self._fit_when_shown)

    def _add_edge(self, kind: str, up: str, down: str) -> None:
        if up in self.nodes and down in self.nodes:
            edge = JobEdgeItem(kind, self.nodes[up], self.nodes[down], self.palette())
            self._scene.addItem(edge)
            self.edges.append(edge)

    def edge_list(self) -> list[tuple[str, str, str]]:
        """Every edge as (kind, from job, to job)."""
        return [(e.kind, e.up.job_id, e.down.job_id) for e in self.edges]

    def set_state(self, job_id: str, state: str, started: float | None = None) -> None:
        """Colour `job_id`'s node by `state`."""
        node = self.nodes.get(job_id)
        if node is not None:
            node.set_state(state, started)
            self._describe_timer.start()  # once per turn of the loop, however many changed

    def description(self) -> str:
        """Every job in reading order (the layout's columns, top down) with its state in
        words and what it depends on: what a screen reader says of the graph."""
        order = sorted(self.nodes.values(), key=lambda n: (n.pos().x(), n.pos().y()))
        parts = []
        for node in order:
            text = f"{node.job.name or node.job_id}: {node.status_text()}"
            if node.job.depends_on:
                text += ", " + self.tr("after %1").replace("%1", ", ".join(node.job.depends_on))
            parts.append(text)
        return "; ".join(parts) or self.tr("No jobs")

    def _describe(self) -> None:
        self.setAccessibleDescription(self.description())
        for node in self.nodes.values():
            node.setToolTip(f"{node.job_id}: {run_state_label(node.state)}")

    def select_next(self, step: int = 1) -> None:
        """Select the next (or, with -1, the previous) job in reading order."""
        order = sorted(self.nodes.values(), key=lambda n: (n.pos().x(), n.pos().y()))
        if not order:
            return
        current = self.selected_job()
        ids = [n.job_id for n in order]
        index = (ids.index(current) + step) % len(ids) if current in ids else 0
        self._scene.clearSelection()
        order[index].setSelected(True)
        self.ensureVisible(order[index])

    def selected_job(self) -> str | None:
        """The job of the selected node, if any."""
        items = [i for i in self._scene.selectedItems() if isinstance(i, JobNodeItem)]
        return items[0].job_id if items else None

    def _on_selection(self) -> None:
        job_id = self.selected_job()
        if job_id is not None:
            self.sig_job_selected.emit(job_id)

    def _on_tick(self) -> None:
        if not self.isVisible():
            return
        for node in self.nodes.values():
            if node.state == "running":
                node.update()

    # ------------------------------------------------------------------ zoom/pan

    def scale_factor(self) -> float:
        """The current zoom (1.0 = natural size)."""
        return self.transform().m11()

    def zoom_by(self, factor: float) -> None:
        """Zoom in (> 1) or out (< 1), within limits."""
        current = self.scale_factor()
        target = min(MAX_SCALE, max(MIN_SCALE, current * factor))
        self._follow_fit = False
        if abs(target - current) > 1e-9:
            self.scale(target / current, target / current)
            self.sig_zoom_changed.emit(self.scale_factor())

    def zoom_in(self) -> None:
        """One step closer."""
        self.zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        """One step further."""
        self.zoom_by(1 / ZOOM_STEP)

    def fit(self) -> None:
        """Show the whole graph (never enlarged beyond natural size); keep it so on resize."""
        if self._scene.itemsBoundingRect().isEmpty():
            return
        # The scene rect (the items and a margin) in full: then no scroll bar shows,
        # and a fit on resize cannot make one come and go.
        rect = self._scene.sceneRect()
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.scale_factor() > 1.0:
            self.resetTransform()
            self.centerOn(rect.center())
        self._follow_fit = True
        self.sig_zoom_changed.emit(self.scale_factor())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._follow_fit:  # the whole graph stays in view until the user zooms
            self.fit()

    def pan_by(self, dx: int, dy: int) -> None:
        """Scroll by (dx, dy) pixels, as a drag does."""
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        h.setValue(h.value() + dx)
        v.setValue(v.value() + dy)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120
            if steps:
                self.zoom_by(ZOOM_STEP**steps)
            event.accept()
            return
        super().wheelEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif key == Qt.Key.Key_Minus:
            self.zoom_out()
        elif key == Qt.Key.Key_F:
            self.fit()
        elif key == Qt.Key.Key_N:
            self.select_next(1)
        elif key == Qt.Key.Key_P:
            self.select_next(-1)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.resetCachedContent()
            for edge in self.edges:
                edge.set_palette(self.palette())
            for node in self.nodes.values():
                node.update()
        super().changeEvent(event)
