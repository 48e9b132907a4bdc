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


class RedrawQueue(QObject):
    """Spreads the window's chart redraws over the event loop: at most `per_tick` per
    `tick_ms`, oldest request first.

    Each chart's `Throttle` makes its requests rare; this keeps the due charts from
    being drawn in one go (ten charts' redraws due in the same turn of the event loop
    would be painted in one pass, one long stall).
    """

    def __init__(self, tick_ms: int = 40, per_tick: int = 1) -> None:
        super().__init__()
        self._due: dict[int, Callable[[], None]] = {}
        self.per_tick = per_tick
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self._run)

    def request(self, key: int, redraw: Callable[[], None]) -> None:
        """Queue `redraw` under `key` (once: a key already queued keeps its place)."""
        self._due.setdefault(key, redraw)
        if not self._timer.isActive():
            self._timer.start()

    def cancel(self, key: int) -> None:
        """Forget `key`'s redraw."""
        self._due.pop(key, None)

    def _run(self) -> None:
        for key in list(self._due)[: self.per_tick]:
            self._due.pop(key)()
        if not self._due:
            self._timer.stop()


_queue: RedrawQueue | None = None


def redraw_queue() -> RedrawQueue:
    """The window's one queue of chart redraws."""
    global _queue
    if _queue is None:
        _queue = RedrawQueue()
    return _queue
