"""Capped exponential restart delay, reset after stable uptime (as PM2 does).

The rule, with ``n`` the number of restarts already made in the current streak
of failures (0 for the first restart):

- ``base = restart_delay_ms > 0``: ``delay(n) = min(max_ms, base * factor**n)``.
- ``base == 0``: the first restart is immediate, ``delay(0) = 0`` (a crashed
  child is replaced at once); later ones grow from a floor of ``FLOOR_MS``:
  ``delay(n) = min(max_ms, FLOOR_MS * factor**(n - 1))`` for ``n >= 1``.

A child that stayed up for at least ``reset_secs`` before it exited ends the
streak: its restart is computed with ``n = 0`` again.
"""

from __future__ import annotations

from dataclasses import dataclass

FLOOR_MS = 100


def restart_delay_ms(n: int, base_ms: int, factor: float, max_ms: int) -> int:
    """The delay before the restart number `n` (0-based) of a streak, in ms."""
    if n < 0:
        raise ValueError("n must be >= 0")
    factor = max(1.0, factor)
    if base_ms > 0:
        raw = base_ms * factor**n
    elif n == 0:
        return 0
    else:
        raw = FLOOR_MS * factor ** (n - 1)
    return int(min(float(max_ms), raw))


@dataclass
class Backoff:
    """Tracks one process's streak of quick exits and gives the next delay.

    Times are monotonic seconds supplied by the caller, so this stays pure.
    """

    base_ms: int
    factor: float
    max_ms: int
    reset_secs: float
    streak: int = 0
    _started_at: float | None = None

    def started(self, now: float) -> None:
        """Note that a child was spawned at `now`."""
        self._started_at = now

    def exited(self, now: float) -> None:
        """Note an exit at `now`; a long enough uptime ends the streak."""
        if self._started_at is not None and now - self._started_at >= self.reset_secs:
            self.streak = 0
        self._started_at = None

    def next_delay_ms(self) -> int:
        """The delay for the next restart, and count it in the streak."""
        delay = restart_delay_ms(self.streak, self.base_ms, self.factor, self.max_ms)
        self.streak += 1
        return delay

    def reset(self) -> None:
        """Forget the streak (a manual start)."""
        self.streak = 0
        self._started_at = None
