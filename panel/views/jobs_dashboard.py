"""The jobs dashboard: today's counts, running jobs with elapsed time, next runs, failures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from panel.jobs.snapshots import DashboardFigures
from panel.views.format import format_duration
from panel.views.job_states import run_color, run_state_label
from panel.views.jobs_history import format_when
from panel.views.state_colors import dot_icon, show_dot

if TYPE_CHECKING:
    from panel.viewmodels.jobs import JobsModel


class JobsDashboard(QWidget):
    """One glance at today's jobs: the model's figures, shown as they are taken again."""

    def __init__(self, model: JobsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.counts: dict[str, int] = {}
        self._count_labels: dict[str, QLabel] = {}
        numbers = QGridLayout()
        titles = {
            "total": self.tr("Runs today"),
            "success": self.tr("Succeeded"),
            "failed": self.tr("Failed"),
            "running": self.tr("Running"),
        }
        colors = {"success": "success", "failed": "failed", "running": "running"}
        for col, (key, title) in enumerate(titles.items()):
            value = QLabel("0")
            value.setStyleSheet("font-size: 22px; font-weight: bold")
            caption = _with_dot(colors[key], title) if key in colors else QLabel(title)
            numbers.addWidget(value, 0, col)
            numbers.addWidget(caption, 1, col)
            self._count_labels[key] = value
        self.running_list = QListWidget()
        self.next_list = QListWidget()
        self.failures_list = QListWidget()
        lists = QHBoxLayout()
        for title, widget in (
            (self.tr("Running now"), self.running_list),
            (self.tr("Next scheduled"), self.next_list),
            (self.tr("Recent failures"), self.failures_list),
        ):
            box = QGroupBox(title)
            inner = QVBoxLayout(box)
            inner.addWidget(widget)
            lists.addWidget(box)
        column = QVBoxLayout(self)
        column.addLayout(numbers)
        column.addLayout(lists, 1)
        self._tick = QTimer(self, interval=1000)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()
        model.sig_dashboard.connect(self.show_figures)
        self.show_figures(model.dashboard())

    def refresh(self) -> None:
        """Ask the model to take today's figures again (shown when they arrive)."""
        self._model.refresh_dashboard()

    def show_figures(self, figures: DashboardFigures) -> None:
        """Show `figures`: the counts and the three lists."""
        self.counts = figures.counts
        for key, label in self._count_labels.items():
            label.setText(str(self.counts[key]))
        self._fill_running(figures)
        self._fill_next(figures)
        self._fill_failures(figures)

    def _on_tick(self) -> None:
        if self.isVisible() and self.running_list.count():
            self._fill_running(self._model.dashboard())

    def _fill_running(self, figures: DashboardFigures) -> None:
        self.running_list.clear()
        for item in figures.running_now:
            text = (
                self.tr("%1 (run %2)  %3")
                .replace("%1", item.run.job)
                .replace("%2", str(item.run.id))
                .replace("%3", format_duration(item.elapsed))
            )
            self.running_list.addItem(QListWidgetItem(dot_icon(run_color("running"), 12), text))

    def _fill_next(self, figures: DashboardFigures) -> None:
        self.next_list.clear()
        for fire in figures.next_fires:
            self.next_list.addItem(f"{format_when(fire.when)}  {fire.job}")
        if not figures.next_fires:
            self.next_list.addItem(self.tr("No job has a schedule."))

    def _fill_failures(self, figures: DashboardFigures) -> None:
        self.failures_list.clear()
        for run in figures.failures:
            when = format_when(run.end or run.queued)
            text = f"{when}  {run.job}  {run_state_label(run.status)}"
            if run.error:
                text += f"  ({run.error})"
            self.failures_list.addItem(QListWidgetItem(dot_icon(run_color(run.status), 12), text))


def _with_dot(state: str, title: str) -> QWidget:
    cell = QWidget()
    row = QHBoxLayout(cell)
    row.setContentsMargins(0, 0, 0, 0)
    dot = QLabel()
    show_dot(dot, run_color(state), run_state_label(state))
    row.addWidget(dot)
    row.addWidget(QLabel(title))
    row.addStretch(1)
    return cell
