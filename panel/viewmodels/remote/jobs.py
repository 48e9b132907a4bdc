"""The jobs of an engine reached over its API: a mirror fed by the `jobs` notifications."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer

from panel.jobs.datasets import Allocation
from panel.jobs.snapshots import DashboardFigures, HistoryQuery, JobSummary, RunLog, RunSnapshot
from panel.jobs.watch_status import WatchStatus
from panel.viewmodels.jobs import Done, JobsModel
from panel.viewmodels.remote.link import CallError, RemoteLink

SCHEDULE_REFETCH_MS = 500
"""A fire time has passed: the jobs (their next fire times) are read again this soon."""


class RemoteJobsModel(JobsModel):
    """Mirrors the jobs and the active runs from `jobs.list`/`jobs.active` and `jobs.run`
    notifications; reads and buttons are API calls answered through callbacks."""

    def __init__(self, link: RemoteLink) -> None:
        super().__init__(link)
        self._link = link
        self._jobs: dict[str, JobSummary] = {}
        self._active: dict[int, RunSnapshot] = {}
        self._watch = WatchStatus()
        self._refetch = QTimer(self, singleShot=True, interval=SCHEDULE_REFETCH_MS)
        self._refetch.timeout.connect(self._fetch_jobs)
        link.on("jobs.run", self._on_run)
        link.on("jobs.finished", self._on_finished)
        link.on("jobs.changed", lambda _params: self._fetch_jobs())
        link.on("jobs.watch", self._on_watch)
        link.subscribe("jobs.subscribe")
        link.sig_connected.connect(self._fetch)

    # ------------------------------------------------------------------ mirror

    def _fetch(self) -> None:
        self._fetch_jobs()
        self._link.call("jobs.active", {}, self._on_active)
        self._link.call("jobs.watchStatus", {}, self._on_watch)
        self._take_dashboard()  # now: the first figures are not held back 250 ms

    def _fetch_jobs(self, then: Done | None = None) -> None:
        def listed(result: Any) -> None:
            items = result.get("jobs", []) if isinstance(result, dict) else []
            self._jobs = {s.id: s for s in (JobSummary.from_json(i) for i in items)}
            self.sig_jobs_changed.emit()
            if then is not None:
                then(None)

        def failed(error: CallError) -> None:
            if then is not None:
                then(str(error))

        self._link.call("jobs.list", {}, listed, failed)

    def _on_active(self, result: Any) -> None:
        runs = result.get("runs", []) if isinstance(result, dict) else []
        self._active = {s.id: s for s in (RunSnapshot.from_json(r) for r in runs)}
        self.sig_jobs_changed.emit()

    def _on_run(self, params: Any) -> None:
        if not isinstance(params, dict):
            return
        run = RunSnapshot.from_json(params)
        if run.is_active:
            self._active[run.id] = run
        else:
            self._active.pop(run.id, None)
        summary = self._jobs.get(run.job)
        if summary is not None:
            self._jobs[run.job] = summary.with_run(run)
            fired = summary.next_fire is not None and summary.next_fire <= time.time()
            if fired and not self._refetch.isActive():
                self._refetch.start()  # its next fire time has moved on
        self.sig_run_changed.emit(run)
        self.refresh_dashboard()

    def _on_finished(self, params: Any) -> None:
        if isinstance(params, dict):
            self.sig_run_finished.emit(RunSnapshot.from_json(params))

    def _on_watch(self, params: Any) -> None:
        if isinstance(params, dict):
            self._watch = WatchStatus.from_json(params)
            self.sig_watch_status.emit(self._watch)

    def _take_dashboard(self) -> None:
        def taken(result: Any) -> None:
            if isinstance(result, dict):
                self._set_dashboard(DashboardFigures.from_json(result))

        self._link.call("jobs.dashboard", {}, taken)

    # ------------------------------------------------------------------ state

    def jobs(self) -> list[JobSummary]:
        return list(self._jobs.values())

    def job(self, job_id: str) -> JobSummary | None:
        return self._jobs.get(job_id)

    def active_runs(self) -> list[RunSnapshot]:
        return list(self._active.values())

    def watch_status(self) -> WatchStatus:
        return self._watch

    # ------------------------------------------------------------------ reads

    def history(
        self, query: HistoryQuery, done: Callable[[list[RunSnapshot] | None, str | None], None]
    ) -> None:
        def answered(result: Any) -> None:
            rows = result.get("runs", []) if isinstance(result, dict) else []
            done([RunSnapshot.from_json(r) for r in rows], None)

        self._link.call("jobs.history", query.to_json(), answered, _failed(done))

    def run_log(
        self,
        run_id: int,
        done: Callable[[RunLog | None, str | None], None],
        offset: int | None = None,
    ) -> None:
        params: dict[str, Any] = {"run": run_id}
        if offset is not None:
            params["offset"] = offset

        def answered(result: Any) -> None:
            done(RunLog.from_json(result) if isinstance(result, dict) else None, None)

        self._link.call("jobs.log", params, answered, _failed(done))

    def allocations(self, done: Callable[[list[Allocation] | None, str | None], None]) -> None:
        def answered(result: Any) -> None:
            rows = result.get("allocations", []) if isinstance(result, dict) else []
            done([Allocation.from_json(r) for r in rows], None)

        self._link.call("datasets.list", {}, answered, _failed(done))

    def check_command(
        self,
        job_id: str,
        options: dict[str, Any],
        done: Callable[[list[str] | None, str | None], None],
    ) -> None:
        def answered(result: Any) -> None:
            reasons = result.get("reasons", []) if isinstance(result, dict) else []
            done([str(r) for r in reasons], None)

        params = {"id": job_id, "options": options}
        self._link.call("jobs.check", params, answered, _failed(done))

    # ------------------------------------------------------------------ actions

    def run_job(
        self,
        job_id: str,
        options: dict[str, Any],
        only: bool,
        confirm: bool,
        done: Callable[[int | None, str | None], None],
    ) -> None:
        def started(result: Any) -> None:
            run_id = result.get("id") if isinstance(result, dict) else None
            done(int(run_id) if run_id is not None else None, None)

        params = {"id": job_id, "options": options, "only": only, "confirm": confirm}
        self._link.call("jobs.run", params, started, _failed(done))

    def cancel_run(self, run_id: int, done: Done | None = None) -> None:
        self._link.call("jobs.cancel", {"run": run_id}, _ok(done), _error(done))

    def set_enabled(self, job_id: str, enabled: bool, done: Done) -> None:
        def saved(_result: Any) -> None:
            self._fetch_jobs(then=done)  # done once the mirror shows the new flag

        params = {"id": job_id, "enabled": enabled}
        self._link.call("jobs.enable", params, saved, _error(done))

    def set_watch_file(self, path: str | None, done: Done | None = None) -> None:
        def watching(result: Any) -> None:
            self._on_watch(result)
            if done is not None:
                done(None)

        self._link.call("jobs.watch", {"file": path}, watching, _error(done))


def _failed(done: Callable[[Any, str | None], None]) -> Callable[[CallError], None]:
    """An `on_error` that answers `done(None, the error's sentence)`."""
    return lambda error: done(None, str(error))


def _ok(done: Done | None) -> Callable[[Any], None] | None:
    return None if done is None else (lambda _result: done(None))


def _error(done: Done | None) -> Callable[[CallError], None] | None:
    return None if done is None else (lambda error: done(str(error)))
