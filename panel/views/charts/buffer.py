"""`SeriesBuffer`: one line of a time chart, as two growable NumPy columns."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

START = 256


class SeriesBuffer:
    """Times (Unix seconds) and values (NaN: no value), oldest first, the last `keep_s`.

    `append` takes one live point; `seed` puts history before the live points (the
    engine's answer comes after the first live values may have). Older points are
    dropped when the buffer needs room.
    """

    def __init__(self, keep_s: float) -> None:
        self.keep_s = keep_s
        self._ts: Any = None  # NumPy arrays from the first point on (a window that
        self._values: Any = None  # never shows a chart never imports NumPy)
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def _allocate(self) -> None:
        import numpy as np

        self._ts = np.empty(START, dtype=np.float64)
        self._values = np.empty(START, dtype=np.float64)

    def append(self, when: float, value: float | None) -> None:
        """One point; one older than the newest is ignored."""
        if self._ts is None:
            self._allocate()
        count = self._count
        if count and when < self._ts[count - 1]:
            return
        if count == len(self._ts):
            self._make_room(when)
            count = self._count
        self._ts[count] = when
        self._values[count] = math.nan if value is None else value
        self._count = count + 1

    def seed(self, ts: Sequence[float], values: Sequence[float | None]) -> None:
        """History points: those older than the first point held go before it."""
        import numpy as np

        times = np.asarray(ts, dtype=np.float64)
        numbers = np.array(values, dtype=np.float64)  # None becomes NaN
        if self._count:
            older = times < self._ts[0]
            times, numbers = times[older], numbers[older]
        count = self._count
        if not len(times):
            return
        size = max(START, 2 * (count + len(times)))
        new_ts = np.empty(size, dtype=np.float64)
        new_values = np.empty(size, dtype=np.float64)
        new_ts[: len(times)] = times
        new_values[: len(times)] = numbers
        if count:
            new_ts[len(times) : len(times) + count] = self._ts[:count]
            new_values[len(times) : len(times) + count] = self._values[:count]
        self._ts, self._values, self._count = new_ts, new_values, count + len(times)

    def _make_room(self, now: float) -> None:
        import numpy as np

        count = self._count
        first = int(np.searchsorted(self._ts[:count], now - self.keep_s, "left"))
        kept = count - first
        if kept * 2 > len(self._ts):
            ts = np.empty(2 * len(self._ts), dtype=np.float64)
            values = np.empty(2 * len(self._ts), dtype=np.float64)
        else:
            ts, values = self._ts, self._values
        ts[:kept] = self._ts[first:count]
        values[:kept] = self._values[first:count]
        self._ts, self._values, self._count = ts, values, kept

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(times, values) held (views: valid until the next change)."""
        if self._ts is None:
            self._allocate()
        return self._ts[: self._count], self._values[: self._count]

    def last(self) -> tuple[float, float] | None:
        """The newest point."""
        if not self._count:
            return None
        return float(self._ts[self._count - 1]), float(self._values[self._count - 1])

    def value_at(self, when: float) -> float | None:
        """The value current at `when` (the last point at or before it); None: none."""
        if not self._count:
            return None
        import numpy as np

        at = int(np.searchsorted(self._ts[: self._count], when, "right")) - 1
        if at < 0:
            return None
        value = float(self._values[at])
        return None if math.isnan(value) else value
