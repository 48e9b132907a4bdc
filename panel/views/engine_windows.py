"""The windows attached to engines in other processes, and when the application may end.

`opspanel` attached to a running engine, and every window opened from File › Engines,
is one of these. Closing one closes only it (never its engine); `sig_all_closed`
says the last one went, so an application made only of attached windows quits then.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, QPoint, Signal
from PySide6.QtWidgets import QWidget

from panel.viewmodels.engines.registry import EngineEntry, entry_endpoint, target_where
from panel.viewmodels.models import remote_models
from panel.viewmodels.remote.endpoint import Endpoint
from panel.viewmodels.remote.link import RemoteLink
from panel.views.main_window import MainWindow

CASCADE = QPoint(32, 32)
"""A window opened from another sits this much lower and to the right of it."""


class EngineWindows(QObject):
    """One attached window per engine; opening an engine that has one raises it."""

    sig_all_closed = Signal()
    """The last attached window closed."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._windows: dict[str, MainWindow] = {}

    def windows(self) -> list[MainWindow]:
        """The attached windows now open, oldest first."""
        return list(self._windows.values())

    def open_entry(self, entry: EngineEntry, near: QWidget | None = None) -> MainWindow:
        """The window of `entry`'s engine (raised, or opened on its Overview).

        Raises EndpointError (one sentence) when the entry cannot name an endpoint.
        """
        found = self._windows.get(entry.where)
        if found is not None:
            found.bring_to_front()
            found.show_page(found.overview_view)
            return found
        return self.open(entry_endpoint(entry), near)

    def open(self, endpoint: Endpoint, near: QWidget | None = None) -> MainWindow:
        """A new window attached to `endpoint`, on its Overview; it reattaches by itself."""
        link = RemoteLink(endpoint)
        window = MainWindow(remote_models(link), None)
        window.sig_quit_requested.connect(lambda: self.close(window))
        self._windows[target_where(endpoint.where)] = window
        link.open()
        if near is not None:
            window.move(near.pos() + CASCADE)
        window.show()
        return window

    def close(self, window: MainWindow) -> None:
        """Close one window and its link (its engine runs on)."""
        for where, open_window in list(self._windows.items()):
            if open_window is window:
                del self._windows[where]
        if window.engines_dialog is not None:
            window.engines_dialog.close()  # its probes' links end with it
        if window.models.link is not None:
            window.models.link.close()
        window.tray.retire()
        window.allow_close()
        window.close()
        window.deleteLater()
        if not self._windows:
            self.sig_all_closed.emit()

    def close_all(self) -> None:
        """Close every attached window (the application is quitting)."""
        for window in self.windows():
            self.close(window)


_shared: list[EngineWindows] = []


def engine_windows() -> EngineWindows:
    """The application's one set of attached windows."""
    if not _shared:
        _shared.append(EngineWindows(QCoreApplication.instance()))
    return _shared[0]
