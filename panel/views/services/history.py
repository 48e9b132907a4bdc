"""Each service's recent CPU and memory readings, as its sparklines and its chart plot them."""

from __future__ import annotations

from itertools import islice
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from panel.views.charts.samples import ResourceSamples

if TYPE_CHECKING:  # on the Overview, the first frame: no engine modules for type names
    from panel.viewmodels.engine import EngineModel, ProcessStats

CAPACITY = 120
"""Readings a sparkline gets per service (two minutes at one a second); the chart gets
all that `ResourceSamples` keeps (ten minutes)."""


class ServiceHistory(QObject):
    """CPU % and RSS of every running service, from the engine's once-a-second figures.

    A service that is not running gets no reading (its line stops where it stopped).
    """

    sig_sampled = Signal(object)
    """(frozenset of names) the services that got a new reading (once a second while the
    engine is reachable)."""

    def __init__(self, engine: EngineModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._samples: dict[str, ResourceSamples] = {}
        engine.sig_stats.connect(self._on_stats)

    def samples(self, name: str) -> ResourceSamples:
        """The readings of `name` with their times, for its chart (kept from now on)."""
        samples = self._samples.get(name)
        if samples is None:
            samples = self._samples[name] = ResourceSamples(self)
        return samples

    def cpu(self, name: str) -> tuple[float, ...]:
        """The last CPU % readings of `name`, oldest first."""
        return self._last(name, 1)

    def rss(self, name: str) -> tuple[float, ...]:
        """The last memory (RSS, MB) readings of `name`, oldest first."""
        return self._last(name, 2)

    def _last(self, name: str, field: int) -> tuple[float, ...]:
        samples = self._samples.get(name)
        if samples is None:
            return ()
        newest = islice(reversed(samples.readings), CAPACITY)
        return tuple(reading[field] for reading in newest)[::-1]

    def _on_stats(self, stats: ProcessStats) -> None:
        for name, (cpu, rss) in stats.services.items():
            self.samples(name).add(cpu, rss)
        self.sig_sampled.emit(frozenset(stats.services))
