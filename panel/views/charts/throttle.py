"""`Throttle`: many requests, at most one call per interval (one single-shot QTimer)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


class Throttle(QObject):
    """Coalesces `request()`s: `action` runs once, `interval_ms` after the first of them.

    A chart asks for a repaint on every batch of values (up to tens a second); the
    repaint runs at most once per interval, whatever the rate.
    """

    def __init__(self, action: Callable[[], None], interval_ms: int, parent: QObject) -> None:
        super().__init__(parent)
        self._action = action
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(action)

    def request(self) -> None:
        """Run the action at the end of the current interval (one call for all requests)."""
        if not self._timer.isActive():
            self._timer.start()

    def pending(self) -> bool:
        """Whether a call is due."""
        return self._timer.isActive()

    def cancel(self) -> None:
        """Forget the call that is due."""
        self._timer.stop()
