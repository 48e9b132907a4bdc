"""Reconnect delays: capped exponential backoff with jitter.

Attempt n waits a random time in [base/2, base] with base = min(max, min * 2**n),
never below the minimum. Jitter spreads many workers that lost the same device so
they do not come back in lockstep; the cap keeps the longest wait predictable.
"""

from __future__ import annotations

import random


class Backoff:
    """Delays for successive reconnect attempts, between `min_s` and `max_s` seconds."""

    def __init__(self, min_s: float, max_s: float, rng: random.Random | None = None) -> None:
        self.min_s = min_s
        self.max_s = max(min_s, max_s)
        self.attempt = 0
        self._rng = rng or random.Random()

    def next_delay(self) -> float:
        """The wait before the next attempt; each call counts one attempt."""
        base = min(self.max_s, self.min_s * (2 ** min(self.attempt, 32)))
        self.attempt += 1
        return max(self.min_s, self._rng.uniform(base / 2, base))

    def reset(self) -> None:
        """Start again from the minimum (after a connection proved healthy)."""
        self.attempt = 0
