"""A process's CPU and memory readings over the last minutes, for its charts and sparklines.

QtCore only: the Overview's service cards keep them from the first frame, and the charts
(pyqtgraph) are imported only when one is shown.
"""

from __future__ import annotations

import time
from collections import deque

from PySide6.QtCore import QObject, Signal

MAX_SAMPLES = 1200
"""Ten minutes at two readings a second, the fastest they come."""


class ResourceSamples(QObject):
    """The CPU % and memory (bytes) readings of one process, newest last (ten minutes).

    Kept by the page that shows the process's sparklines, from the moment the window
    sees it, so that a chart opened later starts with the past minutes.
    """

    sig_added = Signal(float, float, float)
    """(unix time, CPU %, memory MB) one new reading."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.readings: deque[tuple[float, float, float]] = deque(maxlen=MAX_SAMPLES)

    def add(self, cpu: float | None, rss: int | None, when: float | None = None) -> None:
        """One reading (None: not known, a gap)."""
        moment = time.time() if when is None else when
        megabytes = rss / 1e6 if rss is not None else float("nan")
        percent = cpu if cpu is not None else float("nan")
        self.readings.append((moment, percent, megabytes))
        self.sig_added.emit(moment, percent, megabytes)

    def clear(self) -> None:
        """Forget every reading (another process)."""
        self.readings.clear()
