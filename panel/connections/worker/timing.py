"""Drift-free block timers and their statistics.

A block's deadlines are `start + k * period` on the loop's monotonic clock: the next
deadline is the previous deadline plus the period, never "now + period", so timing
errors do not accumulate. When a cycle overruns or the loop wakes up late, the
deadlines that already passed are counted as missed and the timer skips to the next
future deadline: cycles are never bunched to catch up.
"""

from __future__ import annotations

import asyncio
import math
import zlib
from collections import deque
from dataclasses import dataclass, field


@dataclass
class BlockStats:
    """Running figures of one block, reported in the `stats` message."""

    name: str
    window: int = 1000
    last_cycle_ms: float = 0.0
    lateness_ms: float = 0.0
    missed: int = 0
    errors: int = 0
    requests: int = 0
    cycles: int = 0
    _lateness: deque[float] = field(default_factory=deque)

    def record_lateness(self, lateness_ms: float) -> None:
        """Remember how late a cycle started (kept over the last `window` cycles)."""
        self.lateness_ms = lateness_ms
        self._lateness.append(lateness_ms)
        if len(self._lateness) > self.window:
            self._lateness.popleft()

    def lateness_p99_ms(self) -> float:
        """The 99th percentile lateness over the window (nearest rank)."""
        if not self._lateness:
            return 0.0
        ordered = sorted(self._lateness)
        rank = max(0, math.ceil(0.99 * len(ordered)) - 1)
        return ordered[rank]

    def lateness_p50_ms(self) -> float:
        """The median lateness over the window."""
        if not self._lateness:
            return 0.0
        ordered = sorted(self._lateness)
        return ordered[(len(ordered) - 1) // 2]

    def lateness_max_ms(self) -> float:
        """The largest lateness over the window."""
        return max(self._lateness, default=0.0)

    def as_json(self) -> dict[str, object]:
        """The block's entry of the `stats` message."""
        return {
            "name": self.name,
            "lastCycleMs": round(self.last_cycle_ms, 3),
            "latenessMs": round(self.lateness_ms, 3),
            "latenessP50Ms": round(self.lateness_p50_ms(), 3),
            "latenessP99Ms": round(self.lateness_p99_ms(), 3),
            "latenessMaxMs": round(self.lateness_max_ms(), 3),
            "missed": self.missed,
            "errors": self.errors,
            "requests": self.requests,
            "cycles": self.cycles,
        }


def phase_of(conn_id: str) -> float:
    """A connection's place in its blocks' periods (0 to 1), the same on every start:
    the cycles of a box's connections (a group's members, or lone workers started
    together) spread over the period instead of all falling on the same instant."""
    return zlib.crc32(conn_id.encode("utf-8")) / 2**32


class PeriodicTimer:
    """Deadlines every `period` seconds from the first `wait()`, skipping missed ones.

    `period == 0` means "as fast as possible": `wait()` only yields to the loop.
    `phase` (0 to 1) shifts the deadlines after the first by that fraction of a
    period: the first cycle runs at once, the later ones at `first + (k + phase) *
    period`. Connections spread their cycles over the period this way (`phase_of`)
    instead of all reading at the same instant.
    """

    def __init__(self, period: float, stats: BlockStats, phase: float = 0.0) -> None:
        self.period = period
        self.stats = stats
        self._loop = asyncio.get_running_loop()
        self._deadline: float | None = None
        self._shift = (phase % 1.0) * period

    async def wait(self) -> None:
        """Sleep until the next deadline, then record lateness (and missed deadlines)."""
        loop = self._loop
        if self.period <= 0:
            await asyncio.sleep(0)
            self.stats.record_lateness(0.0)
            return
        if self._deadline is None:
            self._deadline = loop.time()
        else:
            self._deadline += self.period + self._shift
            self._shift = 0.0
            now = loop.time()
            if now - self._deadline >= self.period:
                skipped = math.floor((now - self._deadline) / self.period)
                self.stats.missed += skipped
                self._deadline += skipped * self.period
        delay = self._deadline - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        self.stats.record_lateness(max(0.0, loop.time() - self._deadline) * 1000.0)
