"""The scheduler's clock: wall time in epoch seconds, injectable for tests."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """What the scheduler asks about time."""

    def now(self) -> float:
        """Epoch seconds now."""
        ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> float:
        """`time.time()`."""
        return time.time()


class FakeClock:
    """A clock that moves only when told (tests of schedules and missed runs)."""

    def __init__(self, start: float) -> None:
        self._now = float(start)

    def now(self) -> float:
        """The time set last."""
        return self._now

    def set(self, when: float) -> None:
        """Jump to `when` (epoch seconds)."""
        self._now = float(when)

    def advance(self, seconds: float) -> None:
        """Move forward by `seconds`."""
        self._now += seconds
