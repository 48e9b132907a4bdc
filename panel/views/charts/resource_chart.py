"""CPU and memory of one process over the last minutes: the readings and their chart."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from panel.views.charts.samples import ResourceSamples
from panel.views.charts.time_chart import KEEP_S, Line, TimeChart

CPU, MEMORY = "cpu", "memory"


class ResourceChart(TimeChart):
    """CPU % (left axis) and memory MB (right axis) of one process over time."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, self.tr("No readings yet"), parent=parent, floor=0.0)
        self._samples: ResourceSamples | None = None
        self.set_lines([Line(CPU, self.tr("CPU"), "%"), Line(MEMORY, self.tr("Memory"), "MB")])

    def show_samples(self, samples: ResourceSamples | None, title: str | None = None) -> None:
        """Plot these readings (the past ones, then each new one)."""
        if self._samples is not None:
            self._samples.sig_added.disconnect(self._on_added)
        self._samples = samples
        if title is not None:
            self.title_label.setText(title)
            self.setAccessibleName(title)
        self.clear_points()
        if samples is None:
            return
        readings = list(samples.readings)
        times = [r[0] for r in readings]
        self.buffer(CPU).seed(times, [r[1] for r in readings])
        self.buffer(MEMORY).seed(times, [r[2] for r in readings])
        samples.sig_added.connect(self._on_added)
        self.changed()

    def _on_added(self, when: float, cpu: float, memory: float) -> None:
        self.buffer(CPU).append(when, cpu)
        self.buffer(MEMORY).append(when, memory)
        self.changed()


__all__ = ["KEEP_S", "ResourceChart"]
