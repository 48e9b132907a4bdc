"""Keep the garbage collector off what a window built at start-up, and off helper threads."""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


def freeze_startup() -> None:
    """Move every object alive now out of the collector's sight (`gc.freeze`).

    What start-up built lives as long as the window: the modules, the widgets'
    wrappers, and the log ring's column of a million line texts. The collector
    walks every item of every list it looks at, and walking that column cost a
    30-170 ms pause (one cache miss a line) whenever a collection came upon it
    during a log flood; frozen, later collections only look at what is new.
    """
    gc.freeze()


class MainThreadCollector(QObject):
    """Python's cyclic garbage collection, run on the Qt thread only.

    Python collects on whichever thread happens to allocate past a threshold. A
    helper thread (a remote link's reader, the API's executor) may then free a Qt
    object of the Qt thread, whose timers stay registered there: the next timer
    event reads freed memory and the process crashes. So the automatic collector
    is switched off, and a timer on the Qt thread collects each generation once its
    count passes Python's own threshold for it. The timer halves its period while
    there is garbage (down to `min_ms`) and doubles it while there is none (up to
    `max_ms`), so an engine at rest is not woken for it; `stop` switches the
    automatic collector back on.
    """

    def __init__(
        self, min_ms: int = 200, max_ms: int = 10_000, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._min_ms, self._max_ms = min_ms, max_ms
        self._timer = QTimer(self, interval=min(max(1000, min_ms), max_ms))
        self._timer.timeout.connect(self.check)
        self._timer.start()

    @property
    def interval_ms(self) -> int:
        """The period of the next check."""
        return self._timer.interval()

    def check(self) -> None:
        """Collect the oldest generation whose count passed its threshold (and younger)."""
        counts = gc.get_count()
        thresholds = gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)
                self._timer.setInterval(max(self._min_ms, self._timer.interval() // 2))
                return
        self._timer.setInterval(min(self._max_ms, self._timer.interval() * 2))

    def stop(self) -> None:
        """Back to Python's own automatic collection (as it was before)."""
        self._timer.stop()
        if self._was_enabled:
            gc.enable()
