"""One shared sampler for CPU % and RSS of every supervised process tree.

A single QTimer (1 s by default) reads the process table once per tick and
hands it to every registered client, so twenty children cost one scan a
second, not twenty. psutil.Process objects are cached by (pid, start token) so
cpu_percent measures the interval since the previous tick; the first reading
of each process only primes it and counts as 0.
"""

from __future__ import annotations

from typing import Protocol

import psutil
from PySide6.QtCore import QObject, QTimer

from panel.supervise.tree import ProcTable, snapshot

DEFAULT_INTERVAL_MS = 1000


class StatsClient(Protocol):
    """What the sampler calls on each tick (ManagedProcess implements it)."""

    def sample(self, table: ProcTable, sampler: StatsSampler) -> None:
        """Measure this client's tree from `table` through `sampler.measure`."""


class StatsSampler(QObject):
    """The process-wide sampler; use `StatsSampler.instance()`."""

    _instance: StatsSampler | None = None

    def __init__(self, interval_ms: int = DEFAULT_INTERVAL_MS) -> None:
        super().__init__()
        self._clients: list[StatsClient] = []
        self._cache: dict[tuple[int, float], psutil.Process] = {}
        self._seen: set[tuple[int, float]] = set()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.tick)

    @classmethod
    def instance(cls) -> StatsSampler:
        """The shared sampler (created on first use, in the calling thread)."""
        if cls._instance is None:
            cls._instance = StatsSampler()
        return cls._instance

    @property
    def interval_ms(self) -> int:
        """Sampling period in milliseconds."""
        return int(self._timer.interval())

    def set_interval_ms(self, interval_ms: int) -> None:
        """Change the sampling period (tests use a short one)."""
        self._timer.setInterval(interval_ms)

    def add(self, client: StatsClient) -> None:
        """Start sampling `client` (idempotent)."""
        if client not in self._clients:
            self._clients.append(client)
        if not self._timer.isActive():
            self._timer.start()

    def remove(self, client: StatsClient) -> None:
        """Stop sampling `client`; the timer stops with the last client."""
        if client in self._clients:
            self._clients.remove(client)
        if not self._clients:
            self._timer.stop()
            self._cache.clear()

    def tick(self) -> None:
        """Read the table once and let every client measure its tree."""
        table = snapshot()
        self._seen = set()
        for client in list(self._clients):
            client.sample(table, self)
        for key in [key for key in self._cache if key not in self._seen]:
            del self._cache[key]

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
