"""Today's jobs on the Overview: figures, a 24-hour strip of runs, what comes next, and
the last failures, each one click from its log."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from panel.jobs.snapshots import DashboardFigures, HistoryQuery, RunSnapshot
from panel.views.format import format_span
from panel.views.job_log_dialog import open_run_log
from panel.views.overview.run_timeline import SPAN_S, RunTimeline
from panel.views.state_colors import BAD, BUSY, GOOD, IDLE

if TYPE_CHECKING:
    from panel.viewmodels.jobs import JobsModel

SHOWN = 3
"""Next runs and failures listed."""
HISTORY_MS = 2000
"""The 24-hour strip is read again at most this often while runs finish."""
MINUTE_MS = 60_000


def _figure(color_name: str, count: int, word: str) -> str:
    return f"<span style='color:{color_name}'>●</span> <b>{count}</b> {word}"


class JobsToday(QWidget):
    """Succeeded / failed / running today as figures with their colours and words, the
    last 24 hours of runs, the next runs and the last failures (a link opens the log)."""

    def __init__(
        self, model: JobsModel, parent: QWidget | None = None, *, figures: bool = True
    ) -> None:
        """`figures=False` leaves the counts out (where a summary line says them)."""
        super().__init__(parent)
        self._model = model
        self._failures: dict[str, RunSnapshot] = {}
        self.empty_label = QLabel(
            self.tr("No jobs yet: import a jobs file or watch one on the Jobs page.")
        )
        self.empty_label.setWordWrap(True)
        self.success_label = QLabel()
        self.failed_label = QLabel()
        self.running_label = QLabel()
        counts = QHBoxLayout()
        for label in (self.success_label, self.failed_label, self.running_label):
            counts.addWidget(label)
            label.setVisible(figures)
        counts.addStretch(1)
        self.timeline = RunTimeline()
        self.next_label = QLabel()
        self.next_label.setWordWrap(True)
        self.failures_label = QLabel()
        self.failures_label.setWordWrap(True)
        self.failures_label.linkActivated.connect(self._open_failure)
        lists = QGridLayout()
        next_caption = QLabel(self.tr("Next runs"))
        failures_caption = QLabel(self.tr("Last failures"))
        for caption in (next_caption, failures_caption):
            caption.setProperty("role", "caption")
        lists.addWidget(next_caption, 0, 0)
        lists.addWidget(failures_caption, 0, 1)
        lists.addWidget(self.next_label, 1, 0)
        lists.addWidget(self.failures_label, 1, 1)
        lists.setColumnStretch(0, 1)
        lists.setColumnStretch(1, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.empty_label)
        column.addLayout(counts)
        column.addWidget(self.timeline)
        column.addLayout(lists)
        self._history_timer = QTimer(self, singleShot=True, interval=HISTORY_MS)
        self._history_timer.timeout.connect(self.read_history)
        self._minute = QTimer(self, interval=MINUTE_MS)
        self._minute.timeout.connect(self.read_history)
        self._minute.start()
        model.sig_dashboard.connect(self.show_figures)
        model.sig_jobs_changed.connect(self._show_empty)
        model.sig_run_finished.connect(self._soon)
        self._show_empty()
        self.show_figures(model.dashboard())
        self.read_history()

    def _show_empty(self) -> None:
        self.empty_label.setVisible(not self._model.jobs())

    def show_figures(self, figures: DashboardFigures) -> None:
        """Today's figures, the next runs and the last failures."""
        running = max(figures.running, len(figures.running_now))
        self.success_label.setText(_figure(GOOD.name(), figures.success, self.tr("succeeded")))
        self.failed_label.setText(
            _figure((BAD if figures.failed else IDLE).name(), figures.failed, self.tr("failed"))
        )
        self.running_label.setText(
            _figure((BUSY if running else IDLE).name(), running, self.tr("running"))
        )
        now = time.time()
        nexts = [
            self.tr("%1 at %2 (in %3)")
            .replace("%1", fire.job)
            .replace("%2", time.strftime("%H:%M", time.localtime(fire.when)))
            .replace("%3", format_span(fire.when - now))
            for fire in figures.next_fires[:SHOWN]
        ]
        self.next_label.setText("<br>".join(nexts) or self.tr("Nothing scheduled"))
        self._failures = {str(run.id): run for run in figures.failures[:SHOWN]}
        rows = []
        for run in figures.failures[:SHOWN]:
            row = f"<a href='{run.id}'>{run.job}</a> · " + time.strftime(
                "%H:%M", time.localtime(run.end or run.queued)
            )
            if run.exit_code is not None:
                row += " · " + self.tr("exit %1").replace("%1", str(run.exit_code))
            rows.append(row)
        self.failures_label.setText("<br>".join(rows) or self.tr("No failures"))

    def _soon(self, _run: object) -> None:
        if not self._history_timer.isActive():
            self._history_timer.start()

    def read_history(self) -> None:
        """Read the runs of the last 24 hours into the strip."""
        query = HistoryQuery(since=time.time() - SPAN_S, limit=500)
        self._model.history(query, self._history_read)

    def _history_read(self, runs: list[RunSnapshot] | None, _error: str | None) -> None:
        if runs is not None:
            self.timeline.set_runs(runs)

    def _open_failure(self, run_id: str) -> None:
        run = self._failures.get(run_id)
        if run is not None:
            open_run_log(self, self._model, run)
