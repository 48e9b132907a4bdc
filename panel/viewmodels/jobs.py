"""The job engine as a window sees it: the jobs, their runs, today's figures, the jobs file.

Queries answer from the model's current state (`jobs()`, `node_run()`,
`dashboard()`, `watch_status()`); reads of the history, of a run's log and of the
dataset allocations take a callback, called at once by the embedded engine and
when the API answers on an attached window. Actions take a `done` callback
(`done(None)` or `done(one sentence saying why not)`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from panel.jobs.datasets import Allocation
from panel.jobs.snapshots import DashboardFigures, HistoryQuery, JobSummary, RunLog, RunSnapshot
from panel.jobs.watch_status import WatchStatus

__all__ = [
    "Allocation",
    "DashboardFigures",
    "Done",
    "HistoryQuery",
    "JobSummary",
    "JobsModel",
    "RunLog",
    "RunSnapshot",
    "WatchStatus",
]

Done = Callable[[str | None], None]
"""Called once an action is done: None on success, else one sentence saying why not."""

DASHBOARD_MS = 250
"""Runs can change hundreds of times a second: today's figures are taken at most 4x a second."""


class JobsModel(QObject):
    """The jobs of one engine; `jobs()` and `node_run()` are always current."""

    sig_jobs_changed = Signal()
    """The job definitions, their enabled flags or schedule state changed: re-read `jobs()`."""

    sig_run_changed = Signal(object)
    """(RunSnapshot) a run changed state."""

    sig_run_finished = Signal(object)
    """(RunSnapshot) a run is final and no retry follows (desktop notification)."""

    sig_dashboard = Signal(object)
    """(DashboardFigures) today's figures were taken again (at most a few times a second)."""

    sig_watch_status = Signal(object)
    """(WatchStatus) the watched jobs file's status changed."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dashboard = DashboardFigures()
        self._dashboard_timer = QTimer(self, singleShot=True, interval=DASHBOARD_MS)
        self._dashboard_timer.timeout.connect(self._take_dashboard)

    # ------------------------------------------------------------------ state

    def jobs(self) -> list[JobSummary]:
        """Every job, in definition order."""
        raise NotImplementedError

    def job(self, job_id: str) -> JobSummary | None:
        """One job, None when there is no such job."""
        return next((j for j in self.jobs() if j.id == job_id), None)

    def active_runs(self) -> list[RunSnapshot]:
        """Every run in the engine's hands (waiting, queued, running, retrying)."""
        raise NotImplementedError

    def node_run(self, job_id: str) -> RunSnapshot | None:
        """The run a job's node shows: its newest active run, else its newest run."""
        active = [r for r in self.active_runs() if r.job == job_id]
        if active:
            return max(active, key=lambda r: r.id)
        summary = self.job(job_id)
        return summary.last_run if summary is not None else None

    def dashboard(self) -> DashboardFigures:
        """Today's figures as last taken (running times counted up to now)."""
        return self._dashboard.aged()

    def refresh_dashboard(self) -> None:
        """Take today's figures again soon (once for many calls); `sig_dashboard` follows."""
        if not self._dashboard_timer.isActive():
            self._dashboard_timer.start()

    def _take_dashboard(self) -> None:
        """Take today's figures now, then `_set_dashboard` them."""
        raise NotImplementedError

    def _set_dashboard(self, figures: DashboardFigures) -> None:
        self._dashboard = figures
        self.sig_dashboard.emit(figures)

    def watch_status(self) -> WatchStatus:
        """The watched jobs file."""
        raise NotImplementedError

    # ------------------------------------------------------------------ reads

    def history(
        self, query: HistoryQuery, done: Callable[[list[RunSnapshot] | None, str | None], None]
    ) -> None:
        """`done(runs, None)` with the runs matching `query`, newest first, or `done(None, why)`."""
        raise NotImplementedError

    def run_log(
        self,
        run_id: int,
        done: Callable[[RunLog | None, str | None], None],
        offset: int | None = None,
    ) -> None:
        """`done(log, None)`: run `run_id`'s log (its tail, or what follows `offset`)."""
        raise NotImplementedError

    def allocations(self, done: Callable[[list[Allocation] | None, str | None], None]) -> None:
        """`done(allocations, None)`: every dataset allocation, oldest first."""
        raise NotImplementedError

    def check_command(
        self,
        job_id: str,
        options: dict[str, Any],
        done: Callable[[list[str] | None, str | None], None],
    ) -> None:
        """`done(reasons, None)`: why running `job_id` with `options` needs confirmation."""
        raise NotImplementedError

    # ------------------------------------------------------------------ actions

    def run_job(
        self,
        job_id: str,
        options: dict[str, Any],
        only: bool,
        confirm: bool,
        done: Callable[[int | None, str | None], None],
    ) -> None:
        """Run `job_id` by hand; `done(run_id, None)` or `done(None, why not)`."""
        raise NotImplementedError

    def cancel_run(self, run_id: int, done: Done | None = None) -> None:
        """Cancel a run (a waiting one ends at once, a running one has its tree stopped)."""
        raise NotImplementedError

    def set_enabled(self, job_id: str, enabled: bool, done: Done) -> None:
        """Enable or disable a job's schedule."""
        raise NotImplementedError

    def set_watch_file(self, path: str | None, done: Done | None = None) -> None:
        """Watch the jobs file `path` (absolute) and import it on change; None: stop."""
        raise NotImplementedError
