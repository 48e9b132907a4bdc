"""The tray icon: its colour is the server's state; its menu opens the window, drives the
server, and is the way to stop the engine once the window keeps running in the background."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from panel.server.status import ServerStatus
from panel.views.state_colors import IDLE, dot_icon


class TrayIcon(QObject):
    """A tray icon when the desktop has a tray; otherwise only its (unshown) menu exists.

    "Open window" and "Stop engine and quit" are separate entries: closing the
    window can leave the engine running, and this menu is how to come back or end it.
    """

    sig_show = Signal()
    """Open the main window (show and raise it)."""
    sig_start = Signal()
    """Start the server."""
    sig_stop = Signal()
    """Stop the server."""
    sig_restart = Signal()
    """Restart the server."""
    sig_quit = Signal()
    """Stop the engine (server, workers, jobs) and quit; the window asks first."""

    def __init__(self, icon: QIcon, parent: QWidget) -> None:
        super().__init__(parent)
        self.health: tuple[QColor, str] = (IDLE, "")
        """The icon's colour and word: the worst state of the engine (kept without a tray too)."""
        self._tray: QSystemTrayIcon | None = None
        self.menu = self._build_menu(parent)
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        self._tray = QSystemTrayIcon(dot_icon(IDLE, 32), self)
        self._tray.setContextMenu(self.menu)
        self._tray.activated.connect(self._on_activated)
        self._tray.show()

    def _build_menu(self, parent: QWidget) -> QMenu:
        """The context menu (built with or without a tray, so it can be checked anywhere)."""
        menu = QMenu(parent)
        menu.addAction(self.tr("Open window"), self.sig_show.emit)
        menu.addSeparator()
        self._start = menu.addAction(self.tr("Start server"), self.sig_start.emit)
        self._stop = menu.addAction(self.tr("Stop server"), self.sig_stop.emit)
        self._restart = menu.addAction(self.tr("Restart server"), self.sig_restart.emit)
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
