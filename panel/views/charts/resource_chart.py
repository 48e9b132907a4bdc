"""CPU and memory of one process over the last minutes: the readings and their chart."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

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


class ResourceChartDialog(QDialog):
    """A window with the larger chart of a process's CPU and memory."""

    def __init__(self, title: str, samples: ResourceSamples, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.chart = ResourceChart(title)
        self.chart.show_samples(samples)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.chart, 1)
        layout.addWidget(buttons)
        self.resize(760, 420)


__all__ = ["KEEP_S", "ResourceChart", "ResourceChartDialog"]
