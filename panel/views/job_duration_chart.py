"""`DurationChart`: how long a job's runs took, over time, the failed ones marked."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QWidget

from panel.views.charts.time_chart import Line, TimeChart
from panel.views.format import format_run_duration
from panel.views.job_states import FAILURES, run_color, run_state_label

MAX_RUNS = 200
DURATION, FAILED = "duration", "failed"


class DurationChart(TimeChart):
    """One point per finished run at its start time, height = how long it ran (seconds);
    a line joins them, and failed or timed-out runs carry a red cross (with a legend)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("Run durations"),
            self.tr("No finished runs yet"),
            keep_s=float("inf"),
            parent=parent,
            live=False,
            floor=0.0,
        )
        self._runs: list[tuple[float, float, str]] = []
        self.setMinimumHeight(180)
        self.set_lines(
            [
                Line(DURATION, self.tr("Duration"), "s", symbol="o"),
                Line(
                    FAILED,
                    run_state_label("failed"),
                    "s",
                    color=run_color("failed").name(),
                    symbol="x",
                    connect=False,
                ),
            ]
        )

    def set_runs(self, runs: list[tuple[float, float, str]]) -> None:
        """(start time, duration in seconds, state) per finished run, oldest first."""
        runs = runs[-MAX_RUNS:]
        if runs == self._runs:
            return
        self._runs = runs
        self.clear_points()
        self.buffer(DURATION).seed([r[0] for r in runs], [r[1] for r in runs])
        failed = [r for r in runs if r[2] in FAILURES]
        self.buffer(FAILED).seed([r[0] for r in failed], [r[1] for r in failed])
        title = self.tr("Duration of the last %n runs", "", len(runs))
        self.title_label.setText(title if runs else self.tr("Run durations"))
        if not self.isVisible():
            self._show_plot_or_placeholder()

    def read_out(self, when: float) -> str:
        """The run nearest to `when`: when it started, how long it took, how it ended."""
        if not self._runs:
            return ""
        start, duration, state = min(self._runs, key=lambda run: abs(run[0] - when))
        moment = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(start))
        return f"{moment}   {format_run_duration(duration)}   {run_state_label(state)}"

    def bars(self) -> list[tuple[float, str]]:
        """(duration, state) of each run shown, oldest first."""
        return [(duration, state) for _start, duration, state in self._runs]
