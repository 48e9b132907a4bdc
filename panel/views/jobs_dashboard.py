"""The jobs dashboard: today's counts, running jobs with elapsed time, next runs, failures."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

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

from panel.views.format import format_duration
from panel.views.job_states import FAILURES, run_color, run_state_label
from panel.views.jobs_history import format_when
from panel.views.state_colors import dot_icon

if TYPE_CHECKING:
    from panel.jobs.engine import JobEngine

NEXT_COUNT = 5
FAILURE_COUNT = 8
TODAY_LIMIT = 100_000
REFRESH_MS = 300


def start_of_today(now: float | None = None) -> float:
    """Local midnight before `now`."""
    t = time.localtime(now if now is not None else time.time())
    return time.mktime((t.tm_year, t.tm_mon, t.tm_mday, 0, 0, 0, 0, 0, -1))


def today_counts(runs: list[dict[str, Any]]) -> dict[str, int]:
    """total / success / failed (failed or timed out) / running among `runs`."""
    return {
        "total": len(runs),
        "success": sum(1 for r in runs if r["status"] == "success"),
        "failed": sum(1 for r in runs if r["status"] in FAILURES),
        "running": sum(1 for r in runs if r["status"] == "running"),
    }


class JobsDashboard(QWidget):
    """One glance at today's jobs; refreshed (throttled) as runs change."""

    def __init__(self, engine: JobEngine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._engine = engine
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
        self._throttle = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._throttle.timeout.connect(self.refresh)
        self._tick = QTimer(self, interval=1000)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()
        engine.sig_run_changed.connect(self._schedule_refresh)
        engine.sig_jobs_changed.connect(self._schedule_refresh)
        self.refresh()

    def _schedule_refresh(self, _run: object = None) -> None:
        if not self._throttle.isActive():
            self._throttle.start()

    def refresh(self) -> None:
        """Re-read today's history, the active runs and the schedule."""
        today = self._engine.history(since=start_of_today(), limit=TODAY_LIMIT)
        self.counts = today_counts(today)
        for key, label in self._count_labels.items():
            label.setText(str(self.counts[key]))
        self._fill_running()
        self._fill_next()
        self._fill_failures()

    def _on_tick(self) -> None:
        if self.isVisible() and self.running_list.count():
            self._fill_running()

    def _fill_running(self) -> None:
        now = time.time()
        runs = [r for r in self._engine.active_runs() if r["status"] == "running"]
        self.running_list.clear()
        for run in sorted(runs, key=lambda r: r["start"] or now):
            text = (
                self.tr("%1 (run %2)  %3")
                .replace("%1", run["job"])
                .replace("%2", str(run["id"]))
                .replace("%3", format_duration(now - (run["start"] or now)))
            )
            self.running_list.addItem(QListWidgetItem(dot_icon(run_color("running"), 12), text))

    def _fill_next(self) -> None:
        fires = [
            (when, job_id)
            for job_id in self._engine.jobs
            if (when := self._engine.scheduler.next_fire(job_id)) is not None
        ]
        self.next_list.clear()
        for when, job_id in sorted(fires)[:NEXT_COUNT]:
            self.next_list.addItem(f"{format_when(when)}  {job_id}")
        if not fires:
            self.next_list.addItem(self.tr("No job has a schedule."))

    def _fill_failures(self) -> None:
        runs: list[dict[str, Any]] = []
        for status in FAILURES:
            runs += self._engine.history(status=status, limit=FAILURE_COUNT)
        self.failures_list.clear()
        for run in sorted(runs, key=lambda r: r["id"], reverse=True)[:FAILURE_COUNT]:
            when = format_when(run["end"] or run["queued"])
            text = f"{when}  {run['job']}  {run_state_label(run['status'])}"
            if run["error"]:
                text += f"  ({run['error']})"
            self.failures_list.addItem(
                QListWidgetItem(dot_icon(run_color(run["status"]), 12), text)
            )


def _with_dot(state: str, title: str) -> QWidget:
    cell = QWidget()
    row = QHBoxLayout(cell)
    row.setContentsMargins(0, 0, 0, 0)
    dot = QLabel()
    dot.setPixmap(dot_icon(run_color(state), 12).pixmap(12, 12))
    row.addWidget(dot)
    row.addWidget(QLabel(title))
    row.addStretch(1)
    return cell
