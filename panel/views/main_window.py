"""The main window: a sidebar of panels, menus with shortcuts, a status bar and a tray icon."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import (
    QByteArray,
    QCoreApplication,
    QEvent,
    QRect,
    QSettings,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QColor,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from panel.views import ui_settings
from panel.views.theme import apply_color_scheme, save_color_scheme, saved_color_scheme

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QIcon

    from panel.jobs.snapshots import RunSnapshot
    from panel.server.status import ServerSnapshot
    from panel.viewmodels.engine import ProcessStats
    from panel.viewmodels.models import EngineModels
    from panel.views.connections_view import ConnectionsView
    from panel.views.jobs_view import JobsView
    from panel.views.logs_view import LogsView
    from panel.views.server_view import ServerView
    from panel.views.services.page import ServicesView
    from panel.views.sessions_view import SessionsView


SIDEBAR_ICON = 20
BADGE_REFRESH_MS = 500
"""The connections' sidebar dot follows their states at most this often."""
BADGE_ROLE = Qt.ItemDataRole.UserRole + 1
"""Role of a sidebar entry's state colour (the dot on its icon; None for none)."""
FIRST_START_SHARE = 0.8
"""On a first start the window takes this share of the screen's available area..."""
FIRST_START_MAX = QSize(1600, 1000)
"""...but no more than this: a wide screen gets a window, not a wall."""


MINIMUM = QSize(820, 560)
"""The smallest the window gets (a smaller screen's available area is smaller still)."""


def first_start_geometry(available: QRect) -> QRect:
    """The window's geometry on a first start: 80 % of `available`, no less than the
    minimum and no more than the cap (neither beyond `available`), centred in it."""
    sizes = []
    for extent, low, high, room in (
        (available.width(), MINIMUM.width(), FIRST_START_MAX.width(), available.width()),
        (available.height(), MINIMUM.height(), FIRST_START_MAX.height(), available.height()),
    ):
        sizes.append(min(max(round(extent * FIRST_START_SHARE), low), high, room))
    rect = QRect(0, 0, sizes[0], sizes[1])
    rect.moveCenter(available.center())
    return rect


def themed_icon(name: str, badge: QColor | None = None) -> QIcon:
    """`panel.views.icons.themed_icon`, loaded with the first icon (after the first frame)."""
    from panel.views.icons import themed_icon as icon

    return icon(name, badge)


def _minimum_size() -> QSize:
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return MINIMUM
    return MINIMUM.boundedTo(screen.availableGeometry().size())


PAGE_MARGINS = (10, 8, 10, 6)
"""Left, top, right, bottom: the same room around every page, whatever its own layout."""


def _with_page_margins(page: QWidget) -> QWidget:
    layout = page.layout()
    if layout is not None:
        layout.setContentsMargins(*PAGE_MARGINS)
    return page


def _starting_page() -> QWidget:
    """What the window shows while its engine starts: a word and a busy bar."""
    page = QWidget()
    column = QVBoxLayout(page)
    column.addStretch(1)
    label = QLabel(QCoreApplication.translate("MainWindow", "Starting the engine…"))
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setProperty("role", "heading")
    busy = QProgressBar()
    busy.setRange(0, 0)  # busy: no figure to show
    busy.setFixedWidth(280)
    busy.setTextVisible(False)
    busy.setAccessibleName(label.text())
    column.addWidget(label)
    column.addWidget(busy, 0, Qt.AlignmentFlag.AlignHCenter)
    column.addStretch(2)
    return page


class _Page:
    """A sidebar entry's page: made by `factory` on first need (an empty stand-in till then).

    A plain class: `dataclasses` would be one more module before the first frame.
    """

    __slots__ = ("factory", "on_created", "stand_in", "widget")

    def __init__(
        self,
        factory: Callable[[], QWidget],
        on_created: Callable[[QWidget], None] | None,
        stand_in: QWidget | None,
    ) -> None:
        self.factory = factory
        self.on_created = on_created
        self.stand_in = stand_in
        self.widget: QWidget | None = None


class MainWindow(QMainWindow):
    """The operator's window onto one engine.

    Closing it is not quitting: it asks (once, if remembered) whether to keep the
    engine running in the background (the window hides; the tray or a second launch
    brings it back) or to stop everything and quit. File › Quit and the tray's
    "Stop engine and quit" quit, asking first while children run. The actual
    shutdown is the application's job (`sig_quit_requested`).
    """

    sig_quit_requested = Signal()
    """The operator confirmed quitting (children are stopped by the application)."""

    def __init__(
        self, models: EngineModels | None, api_address: str | None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self._quitting = False
        self._told_background = False
        self._bound = False
        self.setMinimumSize(_minimum_size())
        self.setWindowTitle(self.tr("OpsPanel"))
        self._restore_geometry()
        if models is None:
            self.setCentralWidget(_starting_page())
            return
        self.bind(models, api_address)

    def bind(self, models: EngineModels, api_address: str | None) -> None:
        """Build the window onto `models` (once; a window made without them shows
        "Starting the engine…" until then, so that it is on screen before the engine
        and its modules are loaded)."""
        from PySide6.QtWidgets import QListWidget

        from panel.viewmodels.engines.probe import ModelsHealth
        from panel.views.link_banner import LinkBanner
        from panel.views.overview_view import OverviewView
        from panel.views.tray import TrayIcon

        assert not self._bound, "a window is bound to one engine"
        self.models = models
        self._pages: dict[str, _Page] = {}
        self._audit_set = False
        self.pages = QStackedWidget()
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")  # styled by the stylesheet (ui/opspanel.qss)
        self.sidebar.setFixedWidth(170)
        self.sidebar.setIconSize(QSize(SIDEBAR_ICON, SIDEBAR_ICON))
        self._add_pages()
        # The sidebar's dots follow the models, whether their pages were made or not.
        self._conns_badge_timer = QTimer(self, singleShot=True, interval=BADGE_REFRESH_MS)
        self._conns_badge_timer.timeout.connect(self._show_connections_state)
        models.connections.sig_changed.connect(self._conns_badge_timer.start)
        models.connections.sig_status.connect(self._conns_badge_timer.start)
        self._show_connections_state()
        models.jobs.sig_dashboard.connect(self._show_jobs_state)
        self._show_jobs_state()
        models.jobs.sig_run_finished.connect(self._on_job_finished)
        self.sidebar.currentRowChanged.connect(self._on_row_changed)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.link_banner = LinkBanner()
        column.addWidget(self.link_banner)
        row = QHBoxLayout()
        row.addWidget(self.sidebar)
        row.addWidget(self.pages, 1)
        column.addLayout(row, 1)
        self.setCentralWidget(central)

        self._build_actions()
        # One rule for the whole engine's health: the Overview's header and the tray
        # both show the worst of its areas, from this one source.
        self.health = ModelsHealth(models, self)
        self.overview_view = OverviewView(
            models, self.health, [self.start_action, self.stop_action, self.restart_action]
        )
        self.overview_view.sig_open_page.connect(self.open_page)
        self.overview_view.sig_open_connection.connect(self._open_connection)
        overview_item = QListWidgetItem(themed_icon("overview"), self.tr("Overview"))
        overview_item.setData(Qt.ItemDataRole.UserRole, "overview")
        self.pages.insertWidget(0, _with_page_margins(self.overview_view))
        self.sidebar.insertItem(0, overview_item)
        self.show_overview_action = self._action(
            self.tr("&Overview"), "Ctrl+0", lambda: self.show_page(self.overview_view)
        )
        self._build_menus()
        self._build_status_bar(api_address)
        self.tray = TrayIcon(self.windowIcon(), self)
        self.tray.sig_show.connect(self.bring_to_front)
        self.tray.sig_quit.connect(self.request_quit)
        self.tray.sig_start.connect(models.server.start)
        self.tray.sig_stop.connect(self.stop_action.trigger)  # asks first, as the menu does
        self.tray.sig_restart.connect(self.restart_action.trigger)

        self._connect_services()
        from panel.views.charts.samples import ResourceSamples

        self.server_resources = ResourceSamples(self)
        """The server's CPU and memory readings from the window's start (its page's chart)."""
        models.server.sig_status.connect(self._on_server_status)
        models.engine.sig_stats.connect(self._on_stats)
        models.engine.sig_link.connect(self._on_link)
        self._on_server_status(models.server.snapshot())
        self.health.sig_changed.connect(self._show_health)
        self._show_health()
        self._show_identity()
        self.sidebar.setCurrentRow(0)
        self._bound = True

    # ------------------------------------------------------------------ pages

    def _add_pages(self) -> None:
        """The pages after the Overview; each is made when first shown or asked for (`page`)."""
        m = self.models

        def server() -> QWidget:
            from panel.views.server_view import ServerView

            return ServerView(m.server, m.engine, self.server_resources)

        def services() -> QWidget:
            from panel.views.services.page import ServicesView

            return ServicesView(m.services, m.engine, m.logs)

        def logs() -> QWidget:
            from panel.views.logs_view import LogsView

            return LogsView(m.logs)

        def connections() -> QWidget:
            from panel.views.connections_view import ConnectionsView

            return ConnectionsView(m.connections)

        def jobs() -> QWidget:
            from panel.views.jobs_view import JobsView

            return JobsView(m.jobs)

        def sessions() -> QWidget:
            from panel.views.sessions_view import SessionsView

            return SessionsView(m.sessions)

        self.add_page("server", self.tr("Server"), server, on_created=self._server_created)
        self.add_page("services", self.tr("Services"), services)
        self.add_page("logs", self.tr("Logs"), logs)
        self.add_page(
            "connections", self.tr("Connections"), connections, on_created=self._conns_created
        )
        self.add_page("jobs", self.tr("Jobs"), jobs)
        self.add_page("sessions", self.tr("Sessions"), sessions, on_created=self._sessions_created)

    def add_page(
        self,
        key: str,
        title: str,
        factory: Callable[[], QWidget],
        *,
        before: str | None = None,
        on_created: Callable[[QWidget], None] | None = None,
    ) -> None:
        """A sidebar entry `key` whose page `factory` makes when it is first needed: when
        the entry is selected, or when `page(key)` asks for it. `on_created` gets the
        page once it is made (to connect its signals). At the end of the sidebar, or
        before the entry `before` when there is one. Import the page's module inside
        `factory`: the first frame then does not wait for it. Until it is made the
        sidebar entry is there, with its dot (`_set_badge`), and so are its shortcuts."""
        item = QListWidgetItem(themed_icon(key), title)
        item.setData(Qt.ItemDataRole.UserRole, key)
        keys = self._keys()
        row = keys.index(before) if before in keys else len(keys)
        stand_in = QWidget()  # empty, with the room every page has around it
        QVBoxLayout(stand_in)
        _with_page_margins(stand_in)
        self._pages[key] = _Page(factory, on_created, stand_in)
        self.sidebar.insertItem(row, item)
        self.pages.insertWidget(row, stand_in)

    def page(self, key: str) -> QWidget:
        """The page of the sidebar entry `key`, made now if it was not yet."""
        entry = self._pages[key]
        if entry.widget is None:
            widget = _with_page_margins(entry.factory())
            entry.widget = widget
            stand_in = entry.stand_in
            assert stand_in is not None
            row = self.pages.indexOf(stand_in)
            current = self.pages.currentIndex()
            self.pages.insertWidget(row, widget)
            self.pages.removeWidget(stand_in)
            stand_in.deleteLater()
            entry.stand_in = None
            if current == row:
                self.pages.setCurrentIndex(row)
            if entry.on_created is not None:
                entry.on_created(widget)
        return entry.widget

    def made_page(self, key: str) -> QWidget | None:
        """The page of `key` if it was made already, else None (nothing is made)."""
        entry = self._pages.get(key)
        return entry.widget if entry is not None else None

    def open_page(self, key: str) -> None:
        """Select the sidebar entry `key` (and so make and show its page); none: nothing."""
        keys = self._keys()
        if key in keys:
            self.sidebar.setCurrentRow(keys.index(key))

    def _keys(self) -> list[str]:
        return [
            str(self.sidebar.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.sidebar.count())
        ]

    def _item(self, key: str) -> QListWidgetItem:
        return self.sidebar.item(self._keys().index(key))

    def _on_row_changed(self, row: int) -> None:
        key = self._keys()[row] if row >= 0 else None
        if key in self._pages:
            self.page(key)
        self.pages.setCurrentIndex(row)

    @property
    def server_view(self) -> ServerView:
        """The Server page (made on first use)."""
        return cast("ServerView", self.page("server"))

    @property
    def logs_view(self) -> LogsView:
        """The Logs page (made on first use)."""
        return cast("LogsView", self.page("logs"))

    @property
    def connections_view(self) -> ConnectionsView:
        """The Connections page (made on first use)."""
        return cast("ConnectionsView", self.page("connections"))

    @property
    def jobs_view(self) -> JobsView:
        """The Jobs page (made on first use)."""
        return cast("JobsView", self.page("jobs"))

    @property
    def services_view(self) -> ServicesView:
        """The Services page (made on first use)."""
        return cast("ServicesView", self.page("services"))

    @property
    def sessions_view(self) -> SessionsView:
        """The Sessions page (made on first use)."""
        return cast("SessionsView", self.page("sessions"))

    def _server_created(self, page: QWidget) -> None:
        cast("ServerView", page).sig_edit_settings.connect(self.edit_server_settings)

    def _conns_created(self, page: QWidget) -> None:
        # The page's own refresh moves the dot too, with its list (not a timer later).
        cast("ConnectionsView", page).sig_worst_state.connect(self._on_connections_state)

    def _sessions_created(self, page: QWidget) -> None:
        if self._audit_set:
            cast("SessionsView", page).audit_view.refresh()

    # ------------------------------------------------------------------ build

    def _connect_services(self) -> None:
        """The services' dot in the sidebar and their entries in the tray follow the model
        (whether the page was made or not); the Overview's cards and the tray's entries
        lead to a service's row."""
        services = self.models.services
        self.overview_view.sig_open_service.connect(self.show_service)
        self.tray.sig_show_service.connect(self.show_service)
        for signal in (services.sig_status, services.sig_changed):
            signal.connect(self._show_tray_services)
            signal.connect(self._show_services_state)
        self._show_tray_services()
        self._show_services_state()

    def _show_tray_services(self, *_: object) -> None:
        self.tray.show_services(self.models.services.snapshots())

    def show_service(self, name: str) -> None:
        """Bring the window up on the Services page with service `name` selected."""
        self.bring_to_front()
        self.open_page("services")
        self.services_view.select(name)

    def _show_services_state(self, *_: object) -> None:
        from panel.views.services.state import worst_service_state

        color, word = worst_service_state(self.models.services.snapshots())
        self._set_badge("services", color, word)

    def _set_badge(self, key: str, color: QColor | None, word: str) -> None:
        """The sidebar icon of the entry `key` with a state dot of `color` (None: no dot),
        and `word` saying the state: its tooltip, and its accessible description, so a
        screen reader reports what the dot shows."""
        from panel.views.state_colors import state_description

        item = self._item(key)
        item.setData(BADGE_ROLE, color)
        item.setIcon(themed_icon(str(item.data(Qt.ItemDataRole.UserRole)), color))
        item.setToolTip(word)
        item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, state_description(word))

    def _refresh_icons(self) -> None:
        """Draw every icon again in the current palette's colours (after a scheme change)."""
        if not hasattr(self, "_action_icons"):
            return  # still being built: the icons are drawn as it goes
        for row in range(self.sidebar.count()):
            item = self.sidebar.item(row)
            badge = item.data(BADGE_ROLE)
            key = str(item.data(Qt.ItemDataRole.UserRole))
            item.setIcon(themed_icon(key, badge if isinstance(badge, QColor) else None))
        for action, name in self._action_icons:
            action.setIcon(themed_icon(name))
        for key in ("server", "services"):
            page = self.made_page(key)
            if page is not None:
                cast("ServerView | ServicesView", page).refresh_icons()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._refresh_icons()

    def _action(
        self,
        text: str,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None,
        slot: object,
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.start_action = self._action(self.tr("&Start"), "F5", self.models.server.start)
        self.stop_action = self._action(
            self.tr("S&top"), "Shift+F5", lambda: self.server_view._on_stop()
        )
        self.restart_action = self._action(
            self.tr("&Restart"), "Ctrl+Shift+R", lambda: self.server_view._on_restart()
        )
        self.settings_action = self._action(
            self.tr("Server &settings…"), "Ctrl+,", self.edit_server_settings
        )
        self.import_action = self._action(
            self.tr("&Import configuration…"), "Ctrl+I", self.import_config
        )
        self.export_action = self._action(
            self.tr("&Export configuration…"), "Ctrl+E", self.export_config
        )
        self.quit_action = self._action(
            self.tr("Stop everything and &quit"), QKeySequence.StandardKey.Quit, self.request_quit
        )
        self.show_server_action = self._action(
            self.tr("&Server"), "Ctrl+1", lambda: self.open_page("server")
        )
        self.show_logs_action = self._action(
            self.tr("&Logs"), "Ctrl+2", lambda: self.open_page("logs")
        )
        self.show_connections_action = self._action(
            self.tr("&Connections"), "Ctrl+3", lambda: self.open_page("connections")
        )
        self.show_jobs_action = self._action(
            self.tr("&Jobs"), "Ctrl+4", lambda: self.open_page("jobs")
        )
        self.show_sessions_action = self._action(
            self.tr("S&essions"), "Ctrl+5", lambda: self.open_page("sessions")
        )
        self.show_services_action = self._action(
            self.tr("Ser&vices"), "Ctrl+6", lambda: self.open_page("services")
        )
        self.about_action = self._action(self.tr("&About OpsPanel"), None, self.show_about)
        self.engines_action = self._action(self.tr("E&ngines…"), "Ctrl+Shift+E", self.show_engines)
        self._action_icons = [
            (self.start_action, "start"),
            (self.stop_action, "stop"),
            (self.restart_action, "restart"),
            (self.settings_action, "settings"),
        ]
        for action, name in self._action_icons:
            action.setIcon(themed_icon(name))
        self.engines_dialog: QWidget | None = None

    def _build_menus(self) -> None:
        from panel.views.close_choice import CloseActionMenu

        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.addAction(self.engines_action)
        file_menu.addSeparator()
        file_menu.addActions([self.import_action, self.export_action])
        file_menu.addSeparator()
        self.close_menu = CloseActionMenu(self._tray_available, file_menu)
        file_menu.addMenu(self.close_menu)
        # An attached window only closes: it never stops or keeps its engine.
        self.close_menu.menuAction().setVisible(not self.models.attached)
        file_menu.setToolTipsVisible(True)
        file_menu.addAction(self.quit_action)
        server_menu = bar.addMenu(self.tr("&Server"))
        server_menu.addActions([self.start_action, self.stop_action, self.restart_action])
        server_menu.addSeparator()
        server_menu.addAction(self.settings_action)
        view_menu = bar.addMenu(self.tr("&View"))
        view_menu.addActions(
            [
                self.show_overview_action,
                self.show_server_action,
                self.show_services_action,
                self.show_logs_action,
                self.show_connections_action,
            ]
        )
        view_menu.addAction(self.show_jobs_action)
        view_menu.addAction(self.show_sessions_action)
        theme_menu = view_menu.addMenu(self.tr("&Theme"))
        themes = QActionGroup(self)
        current = saved_color_scheme()
        for label, scheme in (
            (self.tr("Follow the system"), "system"),
            (self.tr("Light"), "light"),
            (self.tr("Dark"), "dark"),
        ):
            action = theme_menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(scheme == current)
            themes.addAction(action)
            action.triggered.connect(lambda _=False, s=scheme: self.set_theme(s))
        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self.about_action)

    def _build_status_bar(self, api_address: str | None) -> None:
        bar = self.statusBar()
        self.engine_label = QLabel(self.tr("Engine: running"))
        self.api_label = QLabel()
        self.set_api_address(api_address)
        self.workspace_label = QLabel(self.models.engine.identity().where)
        self.workspace_label.setToolTip(self.tr("Workspace folder"))
        self.usage_label = QLabel()
        from panel.views.bus_label import BusLabel

        self.bus_label = BusLabel(self.models.bus) if self.models.bus is not None else None
        bar.addWidget(self.engine_label)
        bar.addWidget(self.api_label)
        if self.bus_label is not None:
            bar.addWidget(self.bus_label)
        bar.addWidget(self.workspace_label, 1)
        bar.addPermanentWidget(self.usage_label)

    def set_api_address(self, address: str | None, *, starting: bool = False) -> None:
        """The status bar's API entry: its address, "off", or "starting" (`starting`)."""
        if starting:
            self.api_label.setText(self.tr("API: starting…"))
        elif address:
            self.api_label.setText(self.tr("API: %1").replace("%1", address))
        else:
            self.api_label.setText(self.tr("API: off"))

    # ---------------------------------------------------------------- actions

    def set_audit_source(self, fetch: Callable[[int], list[dict[str, Any]]] | None) -> None:
        """Where an embedded window's Audit tab reads its rows (the API's audit log)."""
        from panel.viewmodels.local.sessions import LocalSessionsModel

        sessions = self.models.sessions
        if isinstance(sessions, LocalSessionsModel):
            sessions.set_audit_source(fetch)
            self._audit_set = True
            view = self.made_page("sessions")
            if view is not None:
                cast("SessionsView", view).audit_view.refresh()

    def show_page(self, widget: QWidget | None) -> None:
        """Select the sidebar entry of `widget` (and so show its page), when it is shown."""
        if widget is not None:
            self.sidebar.setCurrentRow(self.pages.indexOf(widget))

    def _open_connection(self, conn_id: str) -> None:
        """The Connections page with `conn_id` selected (a tile on the Overview)."""
        self.open_page("connections")
        self.connections_view.select(conn_id)

    def bring_to_front(self) -> None:
        """Show, un-minimise and raise the window (second launch, tray)."""
        self.setWindowState(self.windowState() & ~Qt.WindowState.WindowMinimized)
        self.show()
        self.raise_()
        self.activateWindow()

    def edit_server_settings(self) -> None:
        """Open the server settings dialog."""
        from PySide6.QtWidgets import QMessageBox

        from panel.views.server_settings_dialog import ServerSettingsDialog
        from panel.workspace.errors import WorkspaceError

        server = self.models.server
        try:
            config = server.config()
        except WorkspaceError as exc:
            QMessageBox.warning(self, self.tr("Server settings"), str(exc))
            return
        dialog = ServerSettingsDialog(config, server.save_config, self)
        if dialog.exec() and server.is_active():
            self.statusBar().showMessage(
                self.tr("Saved. Restart the server to use the new settings."), 8000
            )

    def import_config(self) -> None:
        """Replace the workspace configuration with a JSON file."""
        import json

        from PySide6.QtWidgets import QFileDialog, QMessageBox

        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import configuration"), "", self.tr("JSON files (*.json)")
        )
        if not path:
            return
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, self.tr("Import failed"), str(exc))
            return
        self.models.engine.import_config(data, self._imported)

    def _imported(self, applied: list[str] | None, problem: str | None) -> None:
        from PySide6.QtWidgets import QMessageBox

        if problem is not None:
            QMessageBox.warning(self, self.tr("Import failed"), problem)
            return
        self.statusBar().showMessage(self.tr("Configuration imported."), 8000)

    def export_config(self) -> None:
        """Write the workspace configuration to a JSON file."""
        import json

        from PySide6.QtWidgets import QFileDialog, QMessageBox

        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export configuration"), "opspanel.json", self.tr("JSON files (*.json)")
        )
        if not path:
            return

        def write(config: dict[str, object] | None, problem: str | None) -> None:
            try:
                if problem is not None:
                    raise OSError(problem)
                Path(path).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
            except OSError as exc:
                QMessageBox.warning(self, self.tr("Export failed"), str(exc))
                return
            self.statusBar().showMessage(self.tr("Configuration exported."), 8000)

        self.models.engine.export_config(write)

    def show_engines(self) -> None:
        """File › Engines: the engines this window knows; Open gives each its own window."""
        from panel.views.engines_dialog import engines_dialog_for

        if self.engines_dialog is None:
            self.engines_dialog = engines_dialog_for(self)
        self.engines_dialog.show()
        self.engines_dialog.raise_()

    def show_about(self) -> None:
        """The About dialog: version and licences."""
        from panel.views.about_dialog import AboutDialog

        AboutDialog(self).exec()

    def set_theme(self, scheme: str) -> None:
        """Follow the system palette, or force light or dark; remembered."""
        save_color_scheme(scheme)
        apply_color_scheme(scheme)
        self._refresh_icons()

    # ------------------------------------------------------------------ state

    def _on_server_status(self, snap: ServerSnapshot) -> None:
        from panel.server.status import ServerStatus
        from panel.views.state_colors import SERVER_COLORS, server_status_label

        self._set_badge("server", SERVER_COLORS[snap.status], server_status_label(snap.status))
        self.tray.show_status(snap.status)
        status = snap.status
        self.start_action.setEnabled(status in (ServerStatus.STOPPED, ServerStatus.ERROR))
        self.stop_action.setEnabled(status in (ServerStatus.RUNNING, ServerStatus.STARTING))
        self.restart_action.setEnabled(status in (ServerStatus.RUNNING, ServerStatus.ERROR))

    def _show_health(self) -> None:
        from panel.views.engine_state import engine_dot

        self.tray.show_health(*engine_dot(self.health.health()))

    def _on_link(self, reachable: bool, message: str) -> None:
        self.link_banner.show_state(reachable, message, self.models.engine.refused())
        self._show_identity()

    def _show_identity(self) -> None:
        """The title and status bar name the engine, and say when the window is attached."""
        who = self.models.engine.identity()
        if who.attached:
            if who.pid:
                attached = self.tr("attached to %1 (pid %2)").replace("%1", who.where)
                attached = attached.replace("%2", str(who.pid))
            else:  # the engine has not answered yet (or refused this window)
                attached = self.tr("not attached to %1").replace("%1", who.where)
            self.setWindowTitle(self.tr("OpsPanel: %1").replace("%1", attached))
            self.engine_label.setText(self.tr("Engine: %1").replace("%1", attached))
            self.api_label.setVisible(False)
            self.quit_action.setText(self.tr("&Close window"))
            self.tray.set_attached()
        else:
            self.setWindowTitle(self.tr("OpsPanel"))
            self.engine_label.setText(self.tr("Engine: running"))

    def _show_connections_state(self) -> None:
        self._on_connections_state(self.models.connections.worst_state())

    def _show_jobs_state(self, _figures: object = None) -> None:
        from panel.views.engine_state import worst_jobs_state

        self._on_jobs_state(*worst_jobs_state(self.models.jobs))

    def _on_connections_state(self, state: object) -> None:
        from panel.views.conn_states import CONN_COLORS, conn_state_label

        if state is None:
            self._set_badge("connections", None, self.tr("No connections"))
        else:
            word = conn_state_label(state)  # type: ignore[arg-type]
            self._set_badge("connections", CONN_COLORS[state], word)  # type: ignore[index]

    def _on_jobs_state(self, color: QColor, label: str) -> None:
        self._set_badge("jobs", color, label)

    def _on_job_finished(self, run: RunSnapshot) -> None:
        """A desktop notification when a job run failed or timed out."""
        from panel.views.job_states import run_state_label

        if not run.is_failure:
            return
        title = (
            self.tr("Job %1: %2").replace("%1", run.job).replace("%2", run_state_label(run.status))
        )
        self.tray.notify(title, run.error or "")

    def _on_stats(self, stats: ProcessStats) -> None:
        from panel.views.format import format_bytes

        if stats.server_rss is not None:
            self.server_resources.add(stats.server_cpu, stats.server_rss)
        self.usage_label.setText(
            self.tr("Engine CPU %1 %  RAM %2")
            .replace("%1", f"{stats.panel_cpu:.1f}")
            .replace("%2", format_bytes(stats.panel_rss))
        )

    # ------------------------------------------------------------ close/quit

    def allow_close(self) -> None:
        """Let the next close go through without asking (the application is quitting)."""
        self._quitting = True

    def request_quit(self) -> None:
        """Stop everything and quit (File › Quit, the tray); asks first while children run."""
        if self.models.engine.has_running_children() and not self._confirm_quit():
            return
        self.sig_quit_requested.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_geometry()
        if not self._bound:  # closed while the engine starts: quit once it has started
            if self._quitting:
                event.accept()
                return
            event.ignore()
            self.sig_quit_requested.emit()
            return
        if self._quitting:
            self.tray.retire()  # closed for good: another window shows the icon now
            event.accept()
            return
        event.ignore()
        if self.models.attached:
            self.sig_quit_requested.emit()  # an attached window never stops its engine
            return
        from panel.views.close_choice import ASK, QUIT, CloseChoiceBox, effective_close_action

        tray = self._tray_available()
        action = effective_close_action(tray)
        if action == ASK:
            choice = CloseChoiceBox(tray, self).choose()
            self.close_menu.sync()
            if choice == QUIT:
                self.sig_quit_requested.emit()  # the operator just said so: no second question
            elif choice is not None:
                self._keep_running_in_background()
        elif action == QUIT:
            self.request_quit()
        else:
            self._keep_running_in_background()

    def _tray_available(self) -> bool:
        return self.tray.available

    def _keep_running_in_background(self) -> None:
        """Hide the window; the engine goes on (the application does not quit on it)."""
        self.hide()
        if not self._told_background:
            self._told_background = True
            self.tray.notify(
                self.tr("OpsPanel keeps running"),
                self.tr("The server, connections and jobs go on. Open the window from here."),
            )

    def _confirm_quit(self) -> bool:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Quit OpsPanel?"))
        box.setText(self.tr("Processes are still running. Stop them all and quit?"))
        stop = box.addButton(self.tr("Stop all and quit"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is stop

    def _restore_geometry(self) -> None:
        """The geometry of the last session; on a first start, most of the screen."""
        geometry = QSettings().value(ui_settings.WINDOW_GEOMETRY)
        if isinstance(geometry, bytes):  # how some settings formats give a QByteArray back
            geometry = QByteArray(geometry)
        valid = isinstance(geometry, QByteArray) and not geometry.isEmpty()
        if valid and self.restoreGeometry(geometry):
            return
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            self.setGeometry(first_start_geometry(screen.availableGeometry()))

    def _save_geometry(self) -> None:
        QSettings().setValue(ui_settings.WINDOW_GEOMETRY, self.saveGeometry())
