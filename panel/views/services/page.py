"""The Services page: one row per service, its buttons, and the selected one beneath."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from panel.server.status import ServerStatus, ServiceSnapshot
from panel.viewmodels.engine import EngineModel
from panel.viewmodels.logs import LogsModel
from panel.viewmodels.services import SaveDone, ServicesModel
from panel.views.confirm import confirmed
from panel.views.icons import themed_icon
from panel.views.services.details import ServiceDetails
from panel.views.services.dialog import ServiceDialog
from panel.views.services.history import ServiceHistory
from panel.views.services.state import worst_service_state
from panel.views.services.table import (
    CPU,
    CPU_COLOR,
    MEMORY,
    NAME,
    RSS_COLOR,
    ServiceRow,
    ServicesTableModel,
    SparkDelegate,
)
from panel.views.state_colors import server_status_label
from panel.workspace.service_config import SERVER_SERVICE

_BUSY = (ServerStatus.STARTING, ServerStatus.STOPPING)
_ACTIVE = (ServerStatus.RUNNING, ServerStatus.STARTING)
_IDLE = (ServerStatus.STOPPED, ServerStatus.ERROR)


class ServicesView(QWidget):
    """Every service of the engine, driven through its view model (embedded or attached)."""

    sig_worst_state = Signal(object, str)
    """(QColor, word) the worst state of any service changed (the sidebar's dot)."""

    def __init__(
        self,
        services: ServicesModel,
        engine: EngineModel,
        logs: LogsModel,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.history = ServiceHistory(engine, self)
        self.model = ServicesTableModel(self)
        self._selected: str | None = None
        self._pending_select: str | None = None
        self.dialog: ServiceDialog | None = None
        """The add/edit dialog while it is open."""
        self._build(logs)
        self._connect()
        self._refresh()

    # ------------------------------------------------------------------ build

    def _build(self, logs: LogsModel) -> None:
        layout = QVBoxLayout(self)
        self.start_button = self._button(self.tr("Start"), "start", "Ctrl+F5")
        self.stop_button = self._button(self.tr("Stop"), "stop", "Ctrl+Shift+F5")
        self.restart_button = self._button(self.tr("Restart"), "restart", "Ctrl+R")
        self.start_all_button = self._button(self.tr("Start all"), "start", None)
        self.stop_all_button = self._button(self.tr("Stop all"), "stop", None)
        self.add_button = self._button(self.tr("Add…"), "add", "Ctrl+N")
        self.edit_button = self._button(self.tr("Edit…"), "edit", "F2")
        self.remove_button = self._button(self.tr("Remove"), "remove", "Delete")
        self.use_port_button = QPushButton()
        self.use_port_button.setToolTip(self.tr("Store the free port as the service's port"))
        self.docs_button = QPushButton(self.tr("Open API docs"))
        self.docs_button.setToolTip(self.tr("Open the service's /docs page in the browser"))
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumWidth(80)
        self.busy.setVisible(False)
        self.busy_label = QLabel()
        bar = QHBoxLayout()  # the whole list
        for widget in (self.start_all_button, self.stop_all_button, self.busy, self.busy_label):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.add_button)
        layout.addLayout(bar)
        self.hint = QLabel()
        self.hint.setObjectName("servicesHint")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self._build_table()
        lower = QWidget()
        column = QVBoxLayout(lower)
        column.setContentsMargins(0, 6, 0, 0)
        head = QHBoxLayout()  # the selected service, as Cockpit puts a unit's actions above it
        self.name_label = QLabel()
        self.name_label.setProperty("role", "caption")
        head.addWidget(self.name_label)
        head.addSpacing(8)
        for widget in (self.start_button, self.stop_button, self.restart_button):
            head.addWidget(widget)
        head.addWidget(self.use_port_button)
        head.addStretch(1)
        for widget in (self.docs_button, self.edit_button, self.remove_button):
            head.addWidget(widget)
        column.addLayout(head)
        self.details = ServiceDetails(logs)
        column.addWidget(self.details, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(lower)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout.addWidget(split, 1)

    def _build_table(self) -> None:
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.setAlternatingRowColors(True)
        self.table.setAccessibleName(self.tr("Services"))
        self.table.setItemDelegateForColumn(CPU, SparkDelegate(CPU_COLOR, "{:.1f} %", self.table))
        self.table.setItemDelegateForColumn(
            MEMORY, SparkDelegate(RSS_COLOR, "{:.1f} MB", self.table)
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in (CPU, MEMORY):  # the lines take the room left
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)

    def _button(self, text: str, icon: str, keys: str | None) -> QPushButton:
        button = QPushButton(themed_icon(icon), text)
        button.setProperty("icon_name", icon)
        if keys is not None:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(button.click)
            native = QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)
            button.setToolTip(f"{text.rstrip('…')} ({native})")
        return button

    def refresh_icons(self) -> None:
        """The buttons' icons in the current palette's colours (again after a scheme change)."""
        for button in self.findChildren(QPushButton):
            name = button.property("icon_name")
            if name:
                button.setIcon(themed_icon(str(name)))

    def _connect(self) -> None:
        self.services.sig_status.connect(self._refresh)
        self.services.sig_changed.connect(self._refresh)
        self.history.sig_sampled.connect(self._refresh)
        self._uptime = QTimer(self, interval=1000)
        self._uptime.timeout.connect(self._refresh)
        self._uptime.start()
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.doubleClicked.connect(lambda _index: self.edit_button.click())
        self.start_button.clicked.connect(self._on_start)
        self.stop_button.clicked.connect(self._on_stop)
        self.restart_button.clicked.connect(self._on_restart)
        self.start_all_button.clicked.connect(self.services.start_all)
        self.stop_all_button.clicked.connect(self._on_stop_all)
        self.add_button.clicked.connect(self.add_service)
        self.edit_button.clicked.connect(self.edit_service)
        self.remove_button.clicked.connect(self._on_remove)
        self.docs_button.clicked.connect(self._on_docs)
        self.use_port_button.clicked.connect(self._on_use_port)

    # ------------------------------------------------------------------ state

    def selected(self) -> ServiceSnapshot | None:
        """The selected service now, if any."""
        return self.services.snapshot(self._selected) if self._selected else None

    def select(self, name: str) -> None:
        """Select the row of service `name` (when shown)."""
        row = self.model.row_of(name)
        if row < 0:
            return
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.selectionModel().select(self.model.index(row, NAME), flags)
        self.table.setCurrentIndex(self.model.index(row, NAME))

    def _on_selection(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        self._selected = self.model.row_at(rows[0].row()).snap.name if rows else None
        self._show_selected()

    def _refresh(self, *_: object) -> None:
        history = self.history
        snaps = self.services.snapshots()
        rows = [ServiceRow(s, history.cpu(s.name), history.rss(s.name)) for s in snaps]
        keep = self._selected
        self.model.show(rows)
        if self._pending_select is not None and self.model.row_of(self._pending_select) >= 0:
            self.select(self._pending_select)
            self._pending_select = None
        elif keep is not None and self.model.row_of(keep) >= 0:
            if not self.table.selectionModel().hasSelection():
                self.select(keep)
        elif rows and not self.table.selectionModel().hasSelection():
            self.select(rows[0].snap.name)
        self._show_hint(snaps)
        self._show_selected()
        self._emit_worst(snaps)

    def _show_hint(self, snaps: list[ServiceSnapshot]) -> None:
        if not snaps:
            text = self.tr("No services to show (the engine has not sent them yet).")
        elif len(snaps) == 1:
            text = self.tr(
                "Only the server runs here. Add a service (an API, a worker, a scheduler) with"
                " Add…: each gets its own row, buttons and log lines."
            )
        else:
            text = ""
        self.hint.setText(text)
        self.hint.setVisible(bool(text))

    def _show_selected(self) -> None:
        snap = self.selected()
        status = snap.status if snap is not None else None
        self.start_button.setEnabled(status in _IDLE)
        self.stop_button.setEnabled(status in _ACTIVE)
        self.restart_button.setEnabled(status in (ServerStatus.RUNNING, ServerStatus.ERROR))
        self.edit_button.setEnabled(snap is not None)
        removable = snap is not None and snap.name != SERVER_SERVICE and status in _IDLE
        self.remove_button.setEnabled(removable)
        self.remove_button.setToolTip(
            self.tr("The server cannot be removed")
            if snap is not None and snap.name == SERVER_SERVICE
            else self.tr("Remove the selected (stopped) service (Del)")
        )
        self.docs_button.setVisible(snap is not None and bool(snap.docs_url))
        conflict = snap.conflict if snap is not None and status == ServerStatus.ERROR else None
        free = conflict.suggested_port if conflict is not None else None
        self.use_port_button.setVisible(free is not None)
        self.use_port_button.setText(self.tr("Use port %1 and start").replace("%1", str(free)))
        self.name_label.setText(snap.name if snap is not None else self.tr("No service selected"))
        snaps = self.services.snapshots()
        busy = [s for s in snaps if s.status in _BUSY]
        self.busy.setVisible(bool(busy))
        self.busy_label.setText(
            ", ".join(f"{s.name}: {server_status_label(s.status)}" for s in busy)
        )
        self.start_all_button.setEnabled(any(s.status in _IDLE for s in snaps))
        self.stop_all_button.setEnabled(any(s.status in _ACTIVE for s in snaps))
        config = self.services.config(snap.name) if snap is not None else None
        samples = self.history.samples(snap.name) if snap is not None else None
        self.details.show_service(snap, config, samples)

    def _emit_worst(self, snaps: list[ServiceSnapshot]) -> None:
        color, word = worst_service_state(snaps)
        self.sig_worst_state.emit(color, word)

    # ---------------------------------------------------------------- actions

    def _confirm(self, title: str, text: str) -> bool:
        return confirmed(self, title, text)

    def _on_start(self) -> None:
        snap = self.selected()
        if snap is not None:
            self.services.start(snap.name)

    def _on_use_port(self) -> None:
        snap = self.selected()
        if snap is not None:
            self.services.start(snap.name, next_free_port=True)

    def _on_stop(self) -> None:
        snap = self.selected()
        if snap is None:
            return
        if snap.status == ServerStatus.RUNNING and not self._confirm(
            self.tr("Stop %1?").replace("%1", snap.name),
            self.tr("The service %1 and every process it started will be stopped.").replace(
                "%1", snap.name
            ),
        ):
            return
        self.services.stop(snap.name)

    def _on_restart(self) -> None:
        snap = self.selected()
        if snap is None:
            return
        if snap.status == ServerStatus.RUNNING and not self._confirm(
            self.tr("Restart %1?").replace("%1", snap.name),
            self.tr("The service %1 will be stopped and started again.").replace("%1", snap.name),
        ):
            return
        self.services.restart(snap.name)

    def _on_stop_all(self) -> None:
        running = [s.name for s in self.services.snapshots() if s.status in _ACTIVE]
        if running and not self._confirm(
            self.tr("Stop every service?"),
            self.tr("These services and every process they started will be stopped: %1.").replace(
                "%1", ", ".join(running)
            ),
        ):
            return
        self.services.stop_all()

    def add_service(self) -> None:
        """Open the dialog for a new service; it is stored (not started) on Save."""
        dialog = ServiceDialog(None, self.services.names(), self.services.add, self)
        dialog.accepted.connect(lambda: self._select_when_shown(dialog.name_edit.text().strip()))
        self._open_dialog(dialog)

    def edit_service(self) -> None:
        """Open the dialog on the selected service; its changes are used from its next start."""
        snap = self.selected()
        config = self.services.config(snap.name) if snap is not None else None
        if snap is None or config is None:
            return
        name = snap.name

        def save(data: dict[str, Any], done: SaveDone) -> None:
            self.services.configure(name, data, done)

        self._open_dialog(ServiceDialog(config, self.services.names(), save, self))

    def _open_dialog(self, dialog: ServiceDialog) -> None:
        """Show `dialog` window-modal (the engine goes on being shown behind it)."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._dialog_closed)
        self.dialog = dialog
        dialog.open()

    def _dialog_closed(self) -> None:
        self.dialog = None

    def _select_when_shown(self, name: str) -> None:
        self._pending_select = name
        self._refresh()

    def _on_remove(self) -> None:
        snap = self.selected()
        if snap is None or not self._confirm(
            self.tr("Remove %1?").replace("%1", snap.name),
            self.tr("The service %1 and its settings will be removed from the workspace.").replace(
                "%1", snap.name
            ),
        ):
            return

        def removed(problem: str | None) -> None:
            if problem is not None:
                QMessageBox.warning(self, self.tr("Not removed"), problem)

        self.services.remove(snap.name, removed)

    def _on_docs(self) -> None:
        snap = self.selected()
        if snap is not None and snap.docs_url:
            QDesktopServices.openUrl(QUrl(snap.docs_url))
