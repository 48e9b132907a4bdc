"""Each service's recent CPU and memory readings, as its sparklines plot them."""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:  # on the Overview, the first frame: no engine modules for type names
    from panel.viewmodels.engine import EngineModel, ProcessStats

CAPACITY = 120
"""Readings kept per service (two minutes at one a second)."""


class ServiceHistory(QObject):
    """CPU % and RSS MB of every running service, from the engine's once-a-second figures.

    A service that is not running gets no reading (its line stops where it stopped).
    """

    sig_sampled = Signal(object)
    """(frozenset of names) the services that got a new reading (once a second while the
    engine is reachable)."""

    def __init__(self, engine: EngineModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cpu: dict[str, deque[float]] = {}
        self._rss: dict[str, deque[float]] = {}
        engine.sig_stats.connect(self._on_stats)

    def cpu(self, name: str) -> tuple[float, ...]:
        """CPU % readings of `name`, oldest first."""
        return tuple(self._cpu.get(name, ()))

    def rss(self, name: str) -> tuple[float, ...]:
        """Memory (RSS, MB) readings of `name`, oldest first."""
        return tuple(self._rss.get(name, ()))

    def _on_stats(self, stats: ProcessStats) -> None:
        for name, (cpu, rss) in stats.services.items():
            self._cpu.setdefault(name, deque(maxlen=CAPACITY)).append(cpu)
            self._rss.setdefault(name, deque(maxlen=CAPACITY)).append(rss / 1e6)
        self.sig_sampled.emit(frozenset(stats.services))
