"""The tray icon: its colour is the server's state; its menu opens the window, drives the
server, lists every service with its state, and is the way to stop the engine once the
window keeps running in the background."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QColor, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from panel.server.status import ServerStatus, ServiceSnapshot
from panel.views.state_colors import IDLE, SERVER_COLORS, dot_icon, server_status_label

_roster: list[TrayIcon] = []
"""Every window's tray of this application, oldest first: only the first shows its icon."""


def _drop_deleted() -> None:
    """Forget the trays whose window was deleted without retiring them."""
    _roster[:] = [tray for tray in _roster if shiboken6.isValid(tray)]


class TrayIcon(QObject):
    """A tray icon when the desktop has a tray; otherwise only its (unshown) menu exists.

    "Open window" and "Stop engine and quit" are separate entries: closing the
    window can leave the engine running, and this menu is how to come back or end it.
    An application with several windows (File › Engines) shows one icon, the oldest
    window's; when that window closes for good (`retire`), the next one's icon appears.
    """

    sig_show = Signal()
    """Open the main window (show and raise it)."""
    sig_start = Signal()
    """Start the server."""
    sig_stop = Signal()
    """Stop the server."""
    sig_restart = Signal()
    """Restart the server."""
    sig_show_service = Signal(str)
    """(name) open the window on this service (its row on the Services page)."""
    sig_quit = Signal()
    """Stop the engine (server, workers, jobs) and quit; the window asks first."""

    def __init__(self, icon: QIcon, parent: QWidget) -> None:
        super().__init__(parent)
        self.health: tuple[QColor, str] = (IDLE, "")
        """The icon's colour and word: the worst state of the engine (kept without a tray too)."""
        self._tray: QSystemTrayIcon | None = None
        self.menu = self._build_menu(parent)
        _roster.append(self)
        self._show_icon_if_first()

    @property
    def owns_icon(self) -> bool:
        """True for the one tray of the application that shows its icon (the oldest)."""
        _drop_deleted()
        return bool(_roster) and _roster[0] is self

    def retire(self) -> None:
        """This window closes for good: its icon goes, the next window's appears."""
        if self not in _roster:
            return
        _roster.remove(self)
        if self._tray is not None:
            self._tray.hide()
            self._tray.deleteLater()
            self._tray = None
        _drop_deleted()
        if _roster:
            _roster[0]._show_icon_if_first()

    def _show_icon_if_first(self) -> None:
        if self._tray is not None or not self.owns_icon:
            return
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        self._tray = QSystemTrayIcon(dot_icon(self.health[0], 32), self)
        self._tray.setContextMenu(self.menu)
        self._tray.activated.connect(self._on_activated)
        self._tray.show()
        self.show_health(*self.health)

    def _build_menu(self, parent: QWidget) -> QMenu:
        """The context menu (built with or without a tray, so it can be checked anywhere)."""
        menu = QMenu(parent)
        menu.addAction(self.tr("Open window"), self.sig_show.emit)
        menu.addSeparator()
        self._start = menu.addAction(self.tr("Start server"), self.sig_start.emit)
        self._stop = menu.addAction(self.tr("Stop server"), self.sig_stop.emit)
        self._restart = menu.addAction(self.tr("Restart server"), self.sig_restart.emit)
        self._services_heading = menu.addSection(self.tr("Services"))
        self.service_actions: list[QAction] = []
        menu.addSeparator()
        self._quit = menu.addAction(self.tr("Stop engine and quit"), self.sig_quit.emit)
        return menu

    @property
    def available(self) -> bool:
        """True when a tray icon is shown."""
        return self._tray is not None

    def show_status(self, status: ServerStatus) -> None:
        """Enable the server actions that make sense in the server's state."""
        self._start.setEnabled(status in (ServerStatus.STOPPED, ServerStatus.ERROR))
        self._stop.setEnabled(status in (ServerStatus.RUNNING, ServerStatus.STARTING))
        self._restart.setEnabled(status in (ServerStatus.RUNNING, ServerStatus.ERROR))

    def show_services(self, snaps: list[ServiceSnapshot]) -> None:
        """One entry per service, `name: State` beside its state's dot; choosing one opens
        the window on it."""
        for action in self.service_actions:
            self.menu.removeAction(action)
            action.deleteLater()
        self.service_actions = []
        before = self._quit_separator()
        for snap in snaps:
            text = f"{snap.name}: {server_status_label(snap.status)}"
            action = QAction(dot_icon(SERVER_COLORS[snap.status], 16), text, self.menu)
            action.triggered.connect(lambda _=False, n=snap.name: self.sig_show_service.emit(n))
            self.menu.insertAction(before, action)
            self.service_actions.append(action)
        self._services_heading.setVisible(bool(snaps))

    def _quit_separator(self) -> QAction:
        actions = self.menu.actions()
        return actions[actions.index(self._quit) - 1]

    def show_health(self, color: QColor, word: str) -> None:
        """Colour the icon by the worst state of the whole engine, with its word as tooltip."""
        self.health = (color, word)
        if self._tray is None:
            return
        self._tray.setIcon(dot_icon(color, 32))
        self._tray.setToolTip(self.tr("OpsPanel: %1").replace("%1", word))

    def set_attached(self) -> None:
        """An attached window's tray only closes the window: its engine runs on elsewhere."""
        self._quit.setText(self.tr("Close window"))

    def notify(self, title: str, message: str) -> None:
        """A desktop notification, when the tray supports them."""
        if self._tray is not None and self._tray.supportsMessages():
            self._tray.showMessage(title, message)

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.sig_show.emit()
