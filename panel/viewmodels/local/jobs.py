"""The jobs of the engine in this process."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from panel.jobs.datasets import Allocation
from panel.jobs.errors import JobError
from panel.jobs.snapshots import HistoryQuery, JobSummary, RunLog, RunSnapshot
from panel.jobs.watch_status import WatchStatus
from panel.viewmodels.jobs import Done, JobsModel
from panel.workspace.errors import WorkspaceError

if TYPE_CHECKING:
    from panel.engine import Engine


class LocalJobsModel(JobsModel):
    """Forwards to the embedded job engine; every answer comes at once."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self._jobs = engine.jobs
        self._watch = engine.jobs_watch
        self._jobs.sig_run_changed.connect(self._on_run_changed)
        self._jobs.sig_run_finished.connect(self.sig_run_finished)
        self._jobs.sig_jobs_changed.connect(self._on_jobs_changed)
        self._watch.sig_status_changed.connect(self._on_watch)
        self._take_dashboard()

    def _on_run_changed(self, run: RunSnapshot) -> None:
        self.sig_run_changed.emit(run)
        self.refresh_dashboard()

    def _on_jobs_changed(self) -> None:
        self.sig_jobs_changed.emit()
        self.refresh_dashboard()

    def _on_watch(self, status: dict[str, Any]) -> None:
        self.sig_watch_status.emit(WatchStatus.from_json(status))

    def _take_dashboard(self) -> None:
        self._set_dashboard(self._jobs.dashboard())

    # ------------------------------------------------------------------ state

    def jobs(self) -> list[JobSummary]:
        return self._jobs.summaries()

    def job(self, job_id: str) -> JobSummary | None:
        try:
            return self._jobs.summary(job_id)
        except JobError:
            return None

    def active_runs(self) -> list[RunSnapshot]:
        return self._jobs.active_snapshots()

    def node_run(self, job_id: str) -> RunSnapshot | None:
        return self._jobs.node_run(job_id)

    def watch_status(self) -> WatchStatus:
        return self._watch.snapshot()

    # ------------------------------------------------------------------ reads

    def history(
        self, query: HistoryQuery, done: Callable[[list[RunSnapshot] | None, str | None], None]
    ) -> None:
        rows = self._jobs.history(**query.filters(), limit=query.limit)
        done([RunSnapshot.from_json(r) for r in rows], None)

    def run_log(
        self,
        run_id: int,
        done: Callable[[RunLog | None, str | None], None],
        offset: int | None = None,
    ) -> None:
        try:
            log = self._jobs.run_log(run_id, offset)
        except JobError as exc:
            done(None, str(exc))
            return
        done(log, None)

    def allocations(self, done: Callable[[list[Allocation] | None, str | None], None]) -> None:
        done(self._jobs.datasets.snapshots(), None)

    def check_command(
        self,
        job_id: str,
        options: dict[str, Any],
        done: Callable[[list[str] | None, str | None], None],
    ) -> None:
        try:
            reasons = self._jobs.check_command(job_id, options)
        except JobError as exc:
            done(None, str(exc))
            return
        done(reasons, None)

    # ------------------------------------------------------------------ actions

    def run_job(
        self,
        job_id: str,
        options: dict[str, Any],
        only: bool,
        confirm: bool,
        done: Callable[[int | None, str | None], None],
    ) -> None:
        try:
            run_id = self._jobs.run_job(job_id, options, only=only, confirm=confirm)
        except JobError as exc:
            done(None, str(exc))
            return
        done(run_id, None)

    def cancel_run(self, run_id: int, done: Done | None = None) -> None:
        cancelled = self._jobs.cancel_run(run_id)
        if done is not None:
            done(None if cancelled else f"run {run_id} is not active")

    def set_enabled(self, job_id: str, enabled: bool, done: Done) -> None:
        try:
            self._jobs.set_enabled(job_id, enabled)
        except (JobError, WorkspaceError) as exc:
            done(str(exc))
            return
        done(None)

    def set_watch_file(self, path: str | None, done: Done | None = None) -> None:
        try:
            self._watch.set_file(path)
        except WorkspaceError as exc:
            if done is not None:
                done(str(exc))
            return
        if done is not None:
            done(None)
