"""Keep the garbage collector off what a window built at start-up, and off helper threads."""

from __future__ import annotations

import gc

from PySide6.QtCore import QAbstractEventDispatcher, QObject


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
    is switched off, and each time the Qt thread's event loop is about to sleep it
    collects each generation whose count passed Python's own threshold for it: no
    wakeup of its own, so an engine at rest stays asleep. `stop` switches the
    automatic collector back on.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._dispatcher: QAbstractEventDispatcher | None = QAbstractEventDispatcher.instance()
        if self._dispatcher is not None:
            self._dispatcher.aboutToBlock.connect(self.check)

    def check(self) -> None:
        """Collect the oldest generation whose count passed its threshold (and younger)."""
        counts = gc.get_count()
        thresholds = gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        """Back to Python's own automatic collection (as it was before)."""
        if self._dispatcher is not None:
            self._dispatcher.aboutToBlock.disconnect(self.check)
            self._dispatcher = None
        if self._was_enabled:
            gc.enable()
