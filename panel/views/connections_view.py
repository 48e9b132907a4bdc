"""The Connections panel: every connection with its state, blocks, live tags and a trend."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from panel.connections.status import BlockFigures, ConnectionSnapshot, ConnState, worst
from panel.connections.tag_model import (
    COL_NAME,
    COL_QUALITY,
    COL_TIME,
    COL_UNIT,
    COL_VALUE,
    QUALITY_ROLE,
    TagTableModel,
)
from panel.views.bus_label import bus_cell
from panel.views.charts.resource_chart import ResourceChart
from panel.views.charts.samples import ResourceSamples
from panel.views.column_widths import FitOnRows
from panel.views.conn_states import CONN_COLORS, conn_state_label
from panel.views.connection_editors import ConnectionDialog
from panel.views.format import format_bytes, format_duration
from panel.views.state_colors import (
    BAD,
    BUSY,
    GOOD,
    IDLE,
    dot_icon,
    dot_pixmap,
    worker_state_label,
)
from panel.views.tag_write_dialog import TagWriteDialog
from panel.views.trend_chart import MAX_TAGS, TrendChart

if TYPE_CHECKING:
    from panel.viewmodels.connections import ConnectionsModel, Done

QUALITY_COLORS: dict[str, QColor] = {"good": GOOD, "uncertain": BUSY, "bad": BAD, "unknown": IDLE}
LIST_COLUMNS = 11
PROCESS_COLUMN = 10
STATE_ROLE = Qt.ItemDataRole.UserRole + 1
"""Role of a list row's state cell: the (state, reason) its dot and tooltip show."""
REFRESH_MS = 500


def quality_label(quality: str) -> str:
    """The translated word for a tag quality."""
    words = {
        "good": QCoreApplication.translate("quality", "Good"),
        "uncertain": QCoreApplication.translate("quality", "Uncertain"),
        "bad": QCoreApplication.translate("quality", "Bad"),
    }
    return words.get(quality, QCoreApplication.translate("quality", "Unknown"))


RESOURCE_EVERY_S = 0.9
"""The shortest time between two CPU/memory readings of a worker kept for its chart."""


class QualityDelegate(QStyledItemDelegate):
    """Paints the quality cell as a coloured dot with its translated word."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._looks: dict[str, tuple[QIcon, str]] = {}
        """quality -> (dot, word): made once, not for every cell of every repaint."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        if index.column() == COL_QUALITY:
            quality = str(index.data(QUALITY_ROLE))
            look = self._looks.get(quality)
            if look is None:
                look = (dot_icon(QUALITY_COLORS.get(quality, IDLE)), quality_label(quality))
                self._looks[quality] = look
            option.icon = look[0]
            option.features |= QStyleOptionViewItem.ViewItemFeature.HasDecoration
            option.text = look[1]


class ConnectionsView(QWidget):
    """List of connections (state, link, pid, CPU, RSS, restarts, uptime) and, for the
    selected one, its blocks, its live tags (with write dialog) and a trend chart."""

    sig_worst_state = Signal(object)
    """(ConnState | None) the worst state of all connections, for the sidebar dot."""

    def __init__(self, model: ConnectionsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._current: str | None = None
        self._selecting: str | None = None
        self.write_dialog: TagWriteDialog | None = None
        """The open write dialog (while it is open)."""
        self.tag_model = TagTableModel(self)
        self._build()
        self._refresh_timer = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        model.sig_changed.connect(self._rebuild)
        model.sig_status.connect(self._schedule_refresh)
        model.sig_tags.connect(self._on_tags)
        model.sig_worker_settings.connect(self._show_keep_running)
        self._rebuild()
        self._show_keep_running()

    # ----------------------------------------------------------------- build

    def _build(self) -> None:
        self.add_button = QPushButton(self.tr("Add…"))
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.delete_button = QPushButton(self.tr("Delete"))
        self.csv_button = QPushButton(self.tr("Load CSV…"))
        self.enable_button = QPushButton(self.tr("Enable"))
        self.disable_button = QPushButton(self.tr("Disable"))
        self.restart_button = QPushButton(self.tr("Restart"))
        self.add_button.clicked.connect(self.add_connection)
        self.edit_button.clicked.connect(self.edit_connection)
        self.delete_button.clicked.connect(self.delete_connection)
        self.csv_button.clicked.connect(self.load_csv)
        self.enable_button.clicked.connect(lambda: self._act("enable"))
        self.disable_button.clicked.connect(lambda: self._act("disable"))
        self.restart_button.clicked.connect(lambda: self._act("restart"))
        buttons = QHBoxLayout()
        for button in (
            self.add_button,
            self.edit_button,
            self.delete_button,
            self.csv_button,
            self.enable_button,
            self.disable_button,
            self.restart_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.keep_running_box = QCheckBox(self.tr("Keep workers running if the engine stops"))
        self.keep_running_box.setToolTip(
            self.tr(
                "When the engine crashes or is killed, every connection worker keeps polling"
                " its device, and the next engine takes the running workers over. A normal"
                " quit still stops them. Applies to each worker from its next start."
            )
        )
        self.keep_running_box.toggled.connect(self._on_keep_running_toggled)
        buttons.addWidget(self.keep_running_box)

        self.list = QTableWidget(0, LIST_COLUMNS)
        self.list.setHorizontalHeaderLabels(
            [
                self.tr("State"),
                self.tr("Id"),
                self.tr("Address"),
                self.tr("Link"),
                self.tr("PID"),
                self.tr("CPU"),
                self.tr("RSS"),
                self.tr("Restarts"),
                self.tr("Uptime"),
                self.tr("Bus (last published)"),
                self.tr("Process"),
            ]
        )
        header_item = self.list.horizontalHeaderItem(PROCESS_COLUMN)
        if header_item is not None:
            header_item.setToolTip(self._group_warning())
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.verticalHeader().hide()
        # Fixed, fitted by `_fill_row` when a text's length changed: in ResizeToContents
        # mode every changed cell measured its whole column again (0.7 ms a cell).
        self.list.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.list.horizontalHeader().setStretchLastSection(True)
        self.list.itemSelectionChanged.connect(self._on_selection)
        self.list.doubleClicked.connect(self.edit_connection)

        self.empty_label = QLabel(
            self.tr(
                "No connections yet: Add one (Modbus TCP or OPC UA), or Load CSV to read"
                " several from a file."
            )
        )
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        self.reason_label = QLabel()
        self.reason_label.setWordWrap(True)
        self.group_caption = QLabel(self._group_warning())
        self.group_caption.setObjectName("groupCaption")
        self.group_caption.setWordWrap(True)
        self.group_caption.hide()
        self.blocks = QTableWidget(0, 7)
        self.blocks.setHorizontalHeaderLabels(
            [
                self.tr("Block"),
                self.tr("Kind"),
                self.tr("Period (ms)"),
                self.tr("Last cycle (ms)"),
                self.tr("Lateness p99 (ms)"),
                self.tr("Errors"),
                self.tr("Missed"),
            ]
        )
        self.blocks.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.blocks.verticalHeader().hide()

        self.tags = QTableView()
        self.tags.setModel(self.tag_model)
        self.tags.setItemDelegateForColumn(COL_QUALITY, QualityDelegate(self.tags))
        self.tags.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tags.verticalHeader().hide()
        self.tags.verticalHeader().setDefaultSectionSize(22)
        self.tag_columns = FitOnRows(
            self.tags,
            (COL_NAME, COL_VALUE, COL_TIME, COL_UNIT),
            widest={COL_TIME: "00:00:00.000"},  # the first value comes after the row
        )
        self.tags.selectionModel().selectionChanged.connect(self._on_tag_selection)
        self.tags.doubleClicked.connect(self.write_selected_tag)
        self.write_button = QPushButton(self.tr("Write…"))
        self.write_button.clicked.connect(self.write_selected_tag)
        self.legend = QLabel(self._legend_html())
        tag_row = QHBoxLayout()
        tag_row.addWidget(self.legend, 1)
        tag_row.addWidget(self.write_button)
        tags_page = QWidget()
        tags_layout = QVBoxLayout(tags_page)
        tags_layout.setContentsMargins(0, 0, 0, 0)
        tags_layout.addWidget(self.tags, 1)
        tags_layout.addLayout(tag_row)
        self.trend = TrendChart(self.tag_model, self.model)

        self.details = QTabWidget()
        self.details.addTab(tags_page, self.tr("Tags"))
        self.details.addTab(self.blocks, self.tr("Blocks"))
        self.details.addTab(self.trend, self.tr("Trend"))
        self.worker_resources: dict[str, ResourceSamples] = {}
        """Each worker's CPU and memory readings, from when the window first saw it."""
        self.resource_chart = ResourceChart(self.tr("Worker: CPU and memory"))
        self.details.addTab(self.resource_chart, self.tr("CPU/Memory"))

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.list)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.group_caption)
        lower_layout.addWidget(self.reason_label)
        lower_layout.addWidget(self.details, 1)
        splitter.addWidget(lower)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.empty_label)
        layout.addWidget(splitter, 1)

    def _legend_html(self) -> str:
        parts = []
        for quality in ("good", "uncertain", "bad"):
            color = QUALITY_COLORS[quality].name()
            parts.append(f"<span style='color:{color}'>●</span> {quality_label(quality)}")
        return self.tr("Quality:") + " " + " &nbsp; ".join(parts)

    # ----------------------------------------------------------------- list

    def current_id(self) -> str | None:
        """The selected connection's id."""
        return self._current

    def select(self, conn_id: str) -> None:
        """Select a connection by id."""
        for row in range(self.list.rowCount()):
            item = self.list.item(row, 1)
            if item is not None and item.text() == conn_id:
                self.list.selectRow(row)
                return

    def _rebuild(self) -> None:
        ids = self.model.ids()
        keep = self._current if self._current in ids else (ids[0] if ids else None)
        self.list.blockSignals(True)
        self.list.setRowCount(len(ids))
        self.list.blockSignals(False)
        self.empty_label.setVisible(not ids)
        self.refresh()
        self._current = None
        if keep is not None:
            self.select(keep)
        self._show_connection(keep)
        self._reselect()

    def _schedule_refresh(self, _conn_id: str = "") -> None:
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def refresh(self) -> None:
        """Redraw the list, the selected connection's blocks and the buttons."""
        snaps = self.model.snapshots()
        if len(snaps) != self.list.rowCount():
            self.list.setRowCount(len(snaps))
        refit: set[int] = set()
        for row, snap in enumerate(snaps):
            refit |= self._fill_row(row, snap)
            self._record_resources(snap)
        for column in sorted(refit):
            self.list.resizeColumnToContents(column)
        self.group_caption.setVisible(any(s.group for s in snaps))
        current = next((s for s in snaps if s.id == self._current), None)
        self._show_details(current)
        self.sig_worst_state.emit(worst([s.state for s in snaps]))

    def _resources_of(self, conn_id: str) -> ResourceSamples:
        samples = self.worker_resources.get(conn_id)
        if samples is None:
            samples = self.worker_resources[conn_id] = ResourceSamples(self)
        return samples

    def _record_resources(self, snap: ConnectionSnapshot) -> None:
        """One reading a second at most (a refresh comes with every status change)."""
        if snap.cpu is None and snap.rss is None:
            return
        samples = self._resources_of(snap.id)
        now = time.time()
        if not samples.readings or now - samples.readings[-1][0] >= RESOURCE_EVERY_S:
            samples.add(snap.cpu, snap.rss, now)

    def _fill_row(self, row: int, snap: ConnectionSnapshot) -> set[int]:
        """Set the cells of `row` whose text changed; the columns to fit again (where a
        text changed length: a tick of the uptime or of the CPU figure keeps its width)."""
        texts = [
            conn_state_label(snap.state),
            snap.id,
            snap.address,
            worker_state_label(snap.link),
            self._pid_text(snap),
            f"{snap.cpu:.1f} %" if snap.cpu is not None else "-",
            format_bytes(snap.rss) if snap.rss is not None else "-",
            str(snap.restarts),
            format_duration(snap.uptime) if snap.pid else "-",
            bus_cell(snap.bus_state, snap.bus_last_published),
            self._process_text(snap),
        ]
        refit = set()
        items = []
        for column, text in enumerate(texts):
            item = self.list.item(row, column)
            old = item.text() if item is not None else None
            if item is None:
                item = QTableWidgetItem(text)
                self.list.setItem(row, column, item)
            elif old != text:
                item.setText(text)
            if old is None or len(old) != len(text):
                refit.add(column)
            items.append(item)
        state_item = items[0]
        state = (snap.state, snap.reason or "")
        if state_item.data(STATE_ROLE) != state:
            state_item.setData(STATE_ROLE, state)
            state_item.setIcon(dot_pixmap(CONN_COLORS[snap.state]))
            state_item.setToolTip(snap.reason or "")
            refit.add(0)
        process_item = items[PROCESS_COLUMN]
        tip = self._group_warning() if snap.group else ""
        if process_item.toolTip() != tip:
            process_item.setToolTip(tip)
        return refit

    def _process_text(self, snap: ConnectionSnapshot) -> str:
        if snap.group:
            return self.tr("Group {name}").format(name=snap.group)
        return self.tr("Own")

    def _group_warning(self) -> str:
        return self.tr(
            "Connections of one group share one worker process: one fault in a group"
            " stops all its connections, and they restart together."
        )

    def _pid_text(self, snap: ConnectionSnapshot) -> str:
        if not snap.pid:
            return "-"
        if snap.adopted:
            return self.tr("{pid} (adopted)").format(pid=snap.pid)
        return str(snap.pid)

    def _show_keep_running(self) -> None:
        """Show `connections.keepRunning` as the engine has it."""
        value = self.model.keep_running()
        self.keep_running_box.setEnabled(value is not None)
        self.keep_running_box.blockSignals(True)
        self.keep_running_box.setChecked(bool(value))
        self.keep_running_box.blockSignals(False)

    def _on_keep_running_toggled(self, checked: bool) -> None:
        def done(problem: str | None) -> None:
            if problem:
                QMessageBox.warning(self, self.tr("Keep workers running"), problem)
            self._show_keep_running()

        self.model.set_keep_running(checked, done)

    def _show_details(self, snap: ConnectionSnapshot | None) -> None:
        busy = snap is not None and snap.state.is_busy
        has = snap is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)
        self.enable_button.setEnabled(has and not busy and not snap.enabled)  # type: ignore[union-attr]
        self.disable_button.setEnabled(has and not busy and snap.enabled)  # type: ignore[union-attr]
        self.restart_button.setEnabled(has and not busy and snap.enabled)  # type: ignore[union-attr]
        if snap is None:
            self.reason_label.clear()
            self.blocks.setRowCount(0)
            return
        text = conn_state_label(snap.state)
        if snap.reason and snap.state != ConnState.CONNECTED:
            text += " — " + snap.reason
        if snap.problems:
            text += "\n" + "\n".join(snap.problems[:5])
        self.reason_label.setText(f"{snap.id}: {text}")
        self.blocks.setRowCount(len(snap.blocks))
        for row, block in enumerate(snap.blocks):
            for column, value in enumerate(_block_cells(block)):
                self.blocks.setItem(row, column, QTableWidgetItem(value))

    def _on_selection(self) -> None:
        rows = self.list.selectionModel().selectedRows()
        conn_id = None
        if rows:
            item = self.list.item(rows[0].row(), 1)
            conn_id = item.text() if item is not None else None
        if conn_id != self._current:
            self._show_connection(conn_id)

    def _show_connection(self, conn_id: str | None) -> None:
        self._current = conn_id
        if conn_id is None or conn_id not in self.model.ids():
            self.tag_model.reset([])
        else:
            self.tag_model.reset(self.model.tag_infos(conn_id), self.model.latest_values(conn_id))
        self.tag_model.watch([])
        self.trend.show_tags(conn_id, [])
        self.resource_chart.show_samples(
            self._resources_of(conn_id) if conn_id is not None else None,
            self.tr("Worker of %1: CPU and memory").replace("%1", conn_id or "-"),
        )
        self.refresh()

    def _on_tags(self, conn_id: str, values: list[dict[str, Any]]) -> None:
        if conn_id == self._current:
            self.tag_model.push(values)

    def _on_tag_selection(self) -> None:
        rows = self.tags.selectionModel().selectedRows()
        names = [self.tag_model.tag(index.row())["name"] for index in rows]
        self.tag_model.watch(names[:MAX_TAGS])
        self.trend.show_tags(self._current, names)

    # ----------------------------------------------------------------- actions

    def _act(self, action: str) -> None:
        conn_id = self._current
        if conn_id is None:
            return
        for button in (self.enable_button, self.disable_button, self.restart_button):
            button.setEnabled(False)  # busy until the next refresh says otherwise
        done = self._told(self.tr("Connection"))
        if action == "restart":
            self.model.restart(conn_id, done)
        else:
            self.model.set_enabled(conn_id, action == "enable", done)

    def _told(self, title: str, then: Callable[[], None] | None = None) -> Done:
        """A `done` that shows a refusal under `title` (and redraws), or runs `then`."""

        def done(problem: str | None) -> None:
            if problem is not None:
                QMessageBox.warning(self, title, problem)
            elif then is not None:
                then()
            self.refresh()

        return done

    def add_connection(self) -> None:
        """Open the connection editor for a new connection."""
        dialog = ConnectionDialog(None, self)
        if dialog.exec():
            self._save(dialog.result_data(), None)

    def edit_connection(self) -> None:
        """Open the connection editor on the selected connection."""
        conn_id = self._current
        data = self.model.connection(conn_id) if conn_id is not None else None
        if conn_id is None or data is None:
            return
        dialog = ConnectionDialog(data, self)
        if dialog.exec():
            self._save(dialog.result_data(), conn_id)

    def _save(self, data: dict[str, Any], old_id: str | None) -> None:
        conn_id = str(data["id"])
        self._selecting = conn_id
        self.model.save(data, old_id, self._told(self.tr("Connection not saved"), self._reselect))

    def _reselect(self) -> None:
        """Select the connection just saved (now, or once the list has it)."""
        if self._selecting is not None and self._selecting in self.model.ids():
            self.select(self._selecting)
            self._selecting = None

    def delete_connection(self) -> None:
        """Delete the selected connection after asking."""
        conn_id = self._current
        if conn_id is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Delete connection?"),
            self.tr("Stop and delete the connection %1?").replace("%1", conn_id),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.model.remove(conn_id, self._told(self.tr("Connection not deleted")))

    def load_csv(self) -> None:
        """Replace the connections with those of a folder of connections/blocks/tags CSVs."""
        from panel.connections.csv_loader import CsvError, read_csv_folder

        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder with connections.csv"))
        if not folder:
            return
        title = self.tr("CSV not loaded")
        try:
            texts = read_csv_folder(folder)
        except CsvError as exc:
            QMessageBox.warning(self, title, str(exc))
            return
        self.model.load_csv(texts, self._told(title))

    def write_selected_tag(self) -> None:
        """Open the write dialog for the selected (writable) tag."""
        conn_id = self._current
        rows = self.tags.selectionModel().selectedRows()
        if conn_id is None or not rows:
            return
        info = self.tag_model.tag(rows[0].row())
        found = self.model.find_tag(conn_id, info["name"])
        if not info["writable"] or found is None:
            QMessageBox.information(self, self.tr("Write"), self.tr("This tag is not writable."))
            return
        block, tag = found
        model = self.model
        dialog = TagWriteDialog(
            conn_id,
            block,
            tag,
            info["value"],
            lambda value, done: model.write(conn_id, {tag.name: value}, done),
            self,
        )
        self.write_dialog = dialog
        dialog.exec()
        self.write_dialog = None


def _block_cells(block: BlockFigures) -> list[str]:
    """The cells of one row of the Blocks table."""
    return [
        block.name,
        block.kind,
        _num(block.period_ms),
        _num(block.last_cycle_ms),
        _num(block.lateness_p99_ms),
        _num(block.errors),
        _num(block.missed),
    ]


def _num(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)
