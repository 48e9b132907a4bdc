"""One shared sampler for CPU % and RSS of every supervised process tree.

A single QTimer reads the process table once per tick and hands it to every
registered client, so twenty children cost one scan per tick, not twenty.
psutil.Process objects are cached by (pid, start token) so cpu_percent
measures the interval since the previous reading; the first reading of each
process only primes it and counts as 0.

The sampler ticks every second while someone looks (a watcher: the window) and
every `REST_INTERVAL_MS` when nobody does (a headless engine at rest). A client
that must be measured every second whatever happens (a memory limit) is
"urgent": then the table is read every second, but only the urgent clients are
measured between two rest periods.
"""

from __future__ import annotations

import time
from typing import Protocol

import psutil
from PySide6.QtCore import QObject, QTimer

from panel.supervise.tree import ProcTable, snapshot

DEFAULT_INTERVAL_MS = 1000
"""Sampling period while watched, and always for urgent clients."""

REST_INTERVAL_MS = 10_000
"""Sampling period of the clients nobody watches."""


class StatsClient(Protocol):
    """What the sampler calls on each tick (ManagedProcess implements it)."""

    def sample(self, table: ProcTable, sampler: StatsSampler) -> None:
        """Measure this client's tree from `table` through `sampler.measure`."""


class StatsSampler(QObject):
    """The process-wide sampler; use `StatsSampler.instance()`."""

    _instance: StatsSampler | None = None

    def __init__(
        self, interval_ms: int = DEFAULT_INTERVAL_MS, rest_interval_ms: int = REST_INTERVAL_MS
    ) -> None:
        super().__init__()
        self._clients: list[StatsClient] = []
        self._urgent: list[StatsClient] = []
        self._watchers: set[object] = set()
        self._interval_ms = interval_ms
        self._rest_interval_ms = rest_interval_ms
        self._last_full = 0.0
        self._cache: dict[tuple[int, float], psutil.Process] = {}
        self._seen: set[tuple[int, float]] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.tick)

    @classmethod
    def instance(cls) -> StatsSampler:
        """The shared sampler (created on first use, in the calling thread)."""
        if cls._instance is None:
            cls._instance = StatsSampler()
        return cls._instance

    @property
    def interval_ms(self) -> int:
        """Sampling period in milliseconds while watched (and for urgent clients)."""
        return self._interval_ms

    @property
    def watched(self) -> bool:
        """True while someone shows the figures (`watch` without its `unwatch`)."""
        return bool(self._watchers)

    @property
    def period_ms(self) -> int:
        """The period the sampler ticks at now."""
        return self._interval_ms if self._watchers or self._urgent else self._rest_interval_ms

    def set_interval_ms(self, interval_ms: int) -> None:
        """Change the watched sampling period (tests use a short one)."""
        self._interval_ms = interval_ms
        self._schedule()

    def set_rest_interval_ms(self, interval_ms: int) -> None:
        """Change the period of the clients nobody watches (tests use a short one)."""
        self._rest_interval_ms = interval_ms
        self._schedule()

    def watch(self, owner: object) -> None:
        """`owner` shows the figures: sample every client every second until `unwatch`."""
        first = not self._watchers
        self._watchers.add(owner)
        if first:
            self._schedule(now=True)  # figures of the rest period are stale: refresh them

    def unwatch(self, owner: object) -> None:
        """`owner` no longer shows the figures (idempotent)."""
        self._watchers.discard(owner)
        self._schedule()

    def add(self, client: StatsClient, *, urgent: bool = False) -> None:
        """Start sampling `client` (idempotent); `urgent`: every second, watched or not."""
        if client not in self._clients:
            self._clients.append(client)
        if urgent and client not in self._urgent:
            self._urgent.append(client)
        self._schedule()

    def remove(self, client: StatsClient) -> None:
        """Stop sampling `client`; the timer stops with the last client."""
        if client in self._clients:
            self._clients.remove(client)
        if client in self._urgent:
            self._urgent.remove(client)
        if not self._clients:
            self._cache.clear()
        self._schedule()

    def _schedule(self, now: bool = False) -> None:
        """(Re)arm the timer for the current period; stopped without clients."""
        if not self._clients:
            self._timer.stop()
            return
        if now:
            self._timer.start(0)
        elif not self._timer.isActive() or self._timer.interval() > self.period_ms:
            self._timer.start(self.period_ms)

    def tick(self) -> None:
        """Read the table once and let every due client measure its tree."""
        now = time.monotonic()
        rest_s = (self._rest_interval_ms - self._interval_ms / 2) / 1000
        full = bool(self._watchers) or not self._urgent or now - self._last_full >= rest_s
        clients = self._clients if full else self._urgent
        table = snapshot()
        self._seen = set()
        for client in list(clients):
            client.sample(table, self)
        if full:  # between two full ticks the others keep their counters
            self._last_full = now
            for key in [key for key in self._cache if key not in self._seen]:
                del self._cache[key]
        self._timer.start(self.period_ms)

    def measure(self, table: ProcTable, pids: set[int]) -> tuple[float, int]:
        """Summed (cpu_percent, rss_bytes) of `pids`; new processes count 0 CPU."""
        cpu = 0.0
        rss = 0
        for pid in pids:
            key = (pid, table[pid].start)
            self._seen.add(key)
            proc = self._cache.get(key)
            try:
                if proc is None:
                    proc = self._cache[key] = psutil.Process(pid)
                    proc.cpu_percent(None)
                else:
                    cpu += proc.cpu_percent(None)
                rss += int(proc.memory_info().rss)
            except psutil.Error:
                continue
        return cpu, rss
