"""`JobEngine`: schedules, runs and records the job graph of one workspace.

Every front door (window, API, ctl, webhook) calls the methods here; the
engine emits `sig_*` signals the views and the API listen to.

A run of a job is a `Graph`: the job plus, unless `only`, its upstream jobs
(transitively, each once), each a `Run`. A run whose upstream is not final is
`waiting`; once its trigger rule decides, it is skipped or becomes `queued`,
and starts when a slot is free (global and per-category limits, the job's
`maxInstances`) and all its datasets could be allocated at once. A run's child
is a `ManagedProcess` (restart `never`, its own session, the engine's reaper,
recorded for the start-up sweep); a timeout stops its whole tree. A failure
with retries left is followed (after the optional auto-fix command) by a new
attempt, a new history row in state `retrying` until its backoff has passed.

The history is written through the store's group commit: every change of one
turn of the event loop is committed together before the loop waits again. A
run is recorded `running` once its child runs (with its pid); one that starts
in the same turn as it became ready is not recorded `queued` first. While the
disk is full the history writes wait in memory (tried again every second) and
no run starts: a run whose child could not be recorded fails at once with the
store's `DiskFullError` ("no space left on device: workspace.db"); runs
already running go on and their ends are written once there is room. Process
objects are kept between runs (up to `max_parallel` idle ones), and they tell
the engine of their events by direct calls (`ProcessListener`), not signals.
A run's row is its child's record for the start-up recovery (no second record
per run), and signals nobody listens to are not built (`listened`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import psutil
from PySide6.QtCore import QObject, Qt, QTimer, Signal

from panel.jobs.clock import Clock, SystemClock
from panel.jobs.command import OptionError, fix_argv, run_argv, run_text
from panel.jobs.cron import CronSchedule, missed_fires
from panel.jobs.datasets import DatasetManager
from panel.jobs.errors import JobError
from panel.jobs.executor import LOCAL, Executor, RunHandle
from panel.jobs.model import JobDef, load_jobs
from panel.jobs.notify import Notifier
from panel.jobs.run import Graph, Run, retry_delay, trigger_verdict
from panel.jobs.run_log import MAX_LOG_BYTES, read_run_log
from panel.jobs.safety import dangerous_reasons, limit_prefix
from panel.jobs.scheduler import CronScheduler
from panel.jobs.snapshots import (
    FAILURE_COUNT,
    FAILURES,
    NEXT_COUNT,
    DashboardFigures,
    JobSummary,
    NextFire,
    RunLog,
    RunningRun,
    RunSnapshot,
    start_of_today,
)
from panel.jobs.states import ACTIVE, FINAL, RunStatus, Trigger
from panel.jobs.store import JobStore
from panel.logs.hub import LogHub
from panel.supervise.process import ManagedProcess
from panel.supervise.reaper_client import Reaper
from panel.supervise.spec import ProcessSpec, RestartPolicy
from panel.supervise.state import ProcessState
from panel.supervise.sweep import sweep_orphans
from panel.util.diskfull import Condition, DiskFullError, disk_full
from panel.util.signals import listened
from panel.workspace import store as ws_store
from panel.workspace.errors import ConfigError
from panel.workspace.process_records import RecordedProcess
from panel.workspace.schema import validate_jobs_json
from panel.workspace.workspace import Workspace

log = logging.getLogger("panel.jobs")

RUN_OWNER = "run"
"""Dataset owner kind of a job run (sessions use their own kind)."""

SKIP_REASON = "upstream did not satisfy the trigger rule"
FLUSH_RETRY_MS = 1000
"""How soon a commit of the history that failed (full disk, locked file) is tried again."""
_DONE_STATES = (ProcessState.EXITED, ProcessState.FATAL, ProcessState.STOPPED)
_READY_STATES = (RunStatus.QUEUED, RunStatus.WAITING)  # a waiting run may sit in `_ready`


class JobEngine(QObject):
    """Runs the jobs of a workspace: cron, the DAG, retries, datasets, history."""

    sig_run_changed = Signal(object)
    """(RunSnapshot) a run changed state."""

    sig_run_output = Signal(int, str, bytes)
    """(run_id, "stdout" | "stderr", bytes): a chunk of a run's output."""

    sig_run_finished = Signal(object)
    """(RunSnapshot) a run reached its final state, no retry follows (tray, notifications)."""

    sig_jobs_changed = Signal()
    """The job definitions (or their enabled flags) changed; re-read `list_jobs()`."""

    sig_shutdown_finished = Signal()
    """After `shutdown()`: no run is left and every child is gone."""

    def __init__(
        self,
        workspace: Workspace,
        hub: LogHub,
        reaper: Reaper | None = None,
        clock: Clock | None = None,
        parent: QObject | None = None,
        *,
        max_parallel: int | None = None,
        category_limits: dict[str, int] | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.hub = hub
        self.clock = clock or SystemClock()
        self._reaper = reaper
        self.store = JobStore(workspace.db_path)
        self._flush_timer = QTimer(self, singleShot=True)
        self._flush_timer.timeout.connect(self._flush)
        self.store.defer_writes(self._arm_flush)  # group commit, once per loop turn
        self._history_writes = Condition(log, "job history")
        self._unstamped: list[Run] = []
        self.store.before_flush(self._stamp_running)
        self.datasets = DatasetManager(self.store)
        # Every release (a run's, a session's) wakes the runs waiting for a dataset, on
        # the next turn of the loop: the releaser may still be busy (a run records its
        # end after its release; a session takes back the datasets it keeps).
        self._wake_timer = QTimer(self, singleShot=True)
        self._wake_timer.timeout.connect(self._pump)
        self.datasets.on_release(self._wake_timer.start)
        self.notifier = Notifier(self)
        self.scheduler = CronScheduler(self.clock, self._on_cron, self)
        setting = workspace.get_setting
        self.max_parallel = int(max_parallel or setting("jobs.maxParallel", 8))
        self.category_limits: dict[str, int] = dict(
            category_limits if category_limits is not None else setting("jobs.categoryLimits", {})
        )
        self.upstream_window = float(setting("jobs.upstreamWindowSecs", 3600))
        self.shutdown_grace_s = float(setting("jobs.shutdownGraceSecs", 30))
        self.stop_timeout_ms = int(setting("jobs.stopTimeoutMs", 3000))
        self.jobs: dict[str, JobDef] = {}
        self._plain_specs: dict[str, ProcessSpec] = {}
        self._runs: dict[int, Run] = {}
        self._newest: dict[str, Run | RunSnapshot] = {}
        """The newest run of each job (a run of this engine, or a row of an earlier one)."""
        self._ready: list[Run] = []
        self._running: dict[ManagedProcess, Run] = {}
        self._remote: dict[RunHandle, Run] = {}
        """Runs handed to a cluster executor (`executors` section), by their handle."""
        self._executors: dict[str, Executor] = {}
        self._remote_active: dict[str, int] = {}
        self._retiring: set[ManagedProcess] = set()
        self._idle: list[ManagedProcess] = []
        self._active_jobs: dict[str, int] = {}
        self._active_categories: dict[str, int] = {}
        self._solo_running: list[str] = []
        """Jobs with `parallel: false` whose child runs now, here or on a cluster (at most
        one, alone)."""
        self._graphs = 0
        self._accepting = False
        self._shutting_down = False
        self._closed = False
        self._pumping = False
        self._me = psutil.Process()
        self._owner_pid = (self._me.pid, self._me.create_time())
        self._grace_timer = QTimer(self, singleShot=True)
        self._grace_timer.timeout.connect(self._stop_running)
        self.logs_dir = workspace.logs_dir / "jobs"
        self._logs_root = str(self.logs_dir)
        self._log_dirs: set[Path] = set()

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Recover from an earlier crash, load the jobs, replay missed runs, arm the timers."""
        with self.store.reading() as conn:
            row = conn.execute("SELECT MAX(graph_id) FROM job_runs").fetchone()
        self._graphs = int(row[0] or 0)
        self.jobs = self._load()
        self._accepting = True
        self._recover()
        self._prune_history()
        for row in self.store.newest_runs():
            if row["job"] not in self._newest:
                self._newest[row["job"]] = RunSnapshot.from_json(row)
        self._schedule(replay_missed=True)
        self.sig_jobs_changed.emit()  # views built before the start show the jobs now

    def reload(self) -> None:
        """Re-read the job definitions (after an import or an edit) and reschedule; no restart."""
        self.jobs = self._load()
        if self._accepting:
            self._schedule(replay_missed=False)
        self.sig_jobs_changed.emit()

    def shutdown(self) -> None:
        """Refuse new runs at once; let running ones finish for the grace time, then stop them.

        Runs not started yet and runs stopped at the end are recorded as
        `interrupted`; a run that ends by itself within the grace time keeps its
        own outcome. Dependents do not start. Cluster runs go on (the next engine
        re-attaches to them), and so do the runs of their graphs that wait on their
        upstream: they stay `waiting` for the next engine. `sig_shutdown_finished`
        follows.
        """
        if self._shutting_down:
            return
        self._shutting_down = True
        self._accepting = False
        self.scheduler.stop()
        going = self._detach_remote()
        for run in list(self._runs.values()):
            if run.process is None and run.id in self._runs:
                if run.graph.id in going and self._waits_on_upstream(run):
                    self._leave_waiting(run)
                else:
                    self._finish(run, RunStatus.INTERRUPTED, error="the panel shut down first")
        if self._running:
            # With the disk full a run's end could not be written anyway: no grace time.
            grace = 0.0 if self.store.disk_full is not None else self.shutdown_grace_s
            self._grace_timer.start(int(grace * 1000))
        self._check_idle()

    @property
    def shutdown_budget_ms(self) -> int:
        """The longest `shutdown()` may take: the grace time plus the tree stop timeout."""
        return int(self.shutdown_grace_s * 1000) + self.stop_timeout_ms + 2000

    @property
    def is_idle(self) -> bool:
        """True when no run is in the engine's hands and no child is left."""
        return not self._runs and not self._running and not self._retiring and not self._remote

    def close(self) -> None:
        """Release the database connection (after shutdown)."""
        if not self._closed:
            self._closed = True
            self._detach_remote()
            for executor in self._executors.values():
                executor.close()
            self._executors.clear()
            self.scheduler.stop()
            self._grace_timer.stop()
            self._wake_timer.stop()
            self._flush_timer.stop()
            kept = self.store.pending_writes
            try:
                self.store.close()
            except (DiskFullError, sqlite3.Error) as exc:
                log.error(
                    "job history: %d writes lost at exit: %s; the next start marks the"
                    " runs left unfinished interrupted",
                    kept,
                    exc,
                )

    def _arm_flush(self) -> None:
        """Commit the queued history writes at the end of this turn of the event loop."""
        if not self._flush_timer.isActive():
            self._flush_timer.start(0)

    def _flush(self) -> None:
        """Commit the writes of this turn of the event loop (one transaction); on a
        failure they stay queued and are tried again every `FLUSH_RETRY_MS`."""
        kept = self.store.pending_writes
        try:
            self.store.flush()
        except (DiskFullError, sqlite3.Error) as exc:
            starts = "; runs fail instead of starting" if isinstance(exc, DiskFullError) else ""
            detail = f" ({kept} writes kept, tried again every {FLUSH_RETRY_MS / 1000:g} s{starts})"
            self._history_writes.failed(exc, detail)
            self._flush_timer.start(FLUSH_RETRY_MS)
            return
        self._history_writes.recovered(f" ({kept} writes committed)")

    def _stop_running(self) -> None:
        """The grace time is over: stop every run still going (they are `interrupted`)."""
        for process, run in list(self._running.items()):
            run.cut_off = True
            process.stop()

    def _check_idle(self) -> None:
        if self._shutting_down and self.is_idle:
            self._grace_timer.stop()
            self.sig_shutdown_finished.emit()

    # ------------------------------------------------------------------ jobs

    def _load(self) -> dict[str, JobDef]:
        self._plain_specs.clear()
        items = self.workspace.config_section("jobs")
        problems = validate_jobs_json(items)
        if problems:
            log.error("jobs not loaded: %s", ConfigError(problems))
            return {}
        return load_jobs(items)

    def save_jobs(self, items: list[dict[str, Any]]) -> None:
        """Validate and store the `jobs` section (one transaction), then reload; no restart.

        Raises `ConfigError` (JSON paths, e.g. a `dependsOn` cycle named in full).
        """
        problems = validate_jobs_json(items)
        if problems:
            raise ConfigError(problems)
        with self.workspace.transaction() as session:
            ws_store.store_section(session, "jobs", list(items))
        self.reload()

    def set_enabled(self, job_id: str, enabled: bool) -> None:
        """Enable or disable a job's schedule (stored in its definition)."""
        items = self.workspace.config_section("jobs")
        for item in items:
            if item.get("id") == job_id:
                item["enabled"] = bool(enabled)
                self.save_jobs(items)
                return
        raise JobError("not_found", f"no job named {job_id!r}")

    def job(self, job_id: str) -> JobDef:
        """The job `job_id`; `JobError("not_found")` when there is none."""
        job = self.jobs.get(job_id)
        if job is None:
            raise JobError("not_found", f"no job named {job_id!r}", {"jobs": sorted(self.jobs)})
        return job

    def check_command(self, job_id: str, options: dict[str, Any] | None = None) -> list[str]:
        """Why running `job_id` with `options` needs confirmation (empty: nothing
        dangerous found). The command a run would run is checked, options in (the
        job's defaults when None), beside the job's own command and its auto-fix.

        Raises `JobError`: not_found, invalid (`options` given and not valid).
        """
        job = self.job(job_id)
        texts = [job.command_text()]
        try:
            texts.append(run_text(job, options or {}))
        except OptionError as exc:
            if options is not None:
                raise JobError("invalid", f"job {job_id!r}: {exc}") from None
        fix = fix_argv(job)
        if fix:
            texts.append(" ".join(fix))
        return list(dict.fromkeys(reason for text in texts for reason in dangerous_reasons(text)))

    def list_jobs(self) -> list[dict[str, Any]]:
        """Every job with its schedule state: next fire, active runs, last run."""
        return [summary.to_json() for summary in self.summaries()]

    def summaries(self) -> list[JobSummary]:
        """Every job with its schedule state, in definition order."""
        active: dict[str, list[int]] = {}
        for run in self._runs.values():
            active.setdefault(run.job.id, []).append(run.id)
        return [self._summary(job, active.get(job.id, [])) for job in self.jobs.values()]

    def summary(self, job_id: str) -> JobSummary:
        """One job with its schedule state; `JobError("not_found")` when there is none."""
        job = self.job(job_id)
        return self._summary(job, [r.id for r in self._runs.values() if r.job.id == job_id])

    def get_job(self, job_id: str, runs: int = 20) -> dict[str, Any]:
        """One job, its summary and its `runs` most recent runs (newest first)."""
        return {**self.summary(job_id).to_json(), "runs": self.history(job=job_id, limit=runs)}

    def _summary(self, job: JobDef, active: list[int]) -> JobSummary:
        return JobSummary(
            id=job.id,
            name=job.name,
            command=job.command_text(),
            enabled=job.enabled,
            category=job.category,
            tags=tuple(job.tags),
            schedule=job.schedule,
            timezone=job.timezone,
            next_fire=self.scheduler.next_fire(job.id),
            depends_on=tuple(job.depends_on),
            dangerous=tuple(self.check_command(job.id)),
            active=tuple(sorted(active)),
            last_run=self.newest_run(job.id),
            definition=job.to_json(),
        )

    def newest_run(self, job_id: str) -> RunSnapshot | None:
        """The newest run of `job_id` (any state), None when it never ran (or after `close`)."""
        newest = None if self._closed else self._newest.get(job_id)
        return newest.snapshot() if isinstance(newest, Run) else newest

    def node_run(self, job_id: str) -> RunSnapshot | None:
        """The run a job's node shows: its newest run in the engine's hands, else its newest."""
        active = [run for run in self._runs.values() if run.job.id == job_id]
        if active:
            return max(active, key=lambda run: run.id).snapshot()
        return self.newest_run(job_id)

    def active_snapshots(self) -> list[RunSnapshot]:
        """Every run in the engine's hands (waiting, queued, running, retrying), oldest first."""
        return [run.snapshot() for run in self._runs.values()]

    def dashboard(self) -> DashboardFigures:
        """Today's counts, the running runs with their elapsed time, the next fires and
        the newest failures (empty once the engine is closed)."""
        if self._closed:
            return DashboardFigures()
        now = time.time()
        counts = self.store.count_by_status(start_of_today(now))
        running = sorted(
            (r for r in self._runs.values() if r.status == RunStatus.RUNNING),
            key=lambda r: r.started_at or now,
        )
        fires = sorted(
            (when, job_id)
            for job_id in self.jobs
            if (when := self.scheduler.next_fire(job_id)) is not None
        )
        failures: list[dict[str, Any]] = []
        for status in FAILURES:
            failures += self.store.history(status=status, limit=FAILURE_COUNT)
        failures.sort(key=lambda r: r["id"], reverse=True)
        return DashboardFigures(
            total=sum(counts.values()),
            success=counts.get(str(RunStatus.SUCCESS), 0),
            failed=sum(counts.get(s, 0) for s in FAILURES),
            running=counts.get(str(RunStatus.RUNNING), 0),
            running_now=tuple(
                RunningRun(r.snapshot(), max(0.0, now - (r.started_at or now))) for r in running
            ),
            next_fires=tuple(NextFire(job_id, when) for when, job_id in fires[:NEXT_COUNT]),
            failures=tuple(RunSnapshot.from_json(r) for r in failures[:FAILURE_COUNT]),
        )

    def run_log(self, run_id: int, offset: int | None = None, limit: int = MAX_LOG_BYTES) -> RunLog:
        """Run `run_id`'s log: its tail, or what follows `offset` (see `read_run_log`).

        Raises `JobError`: not_found (no such run), state (the file cannot be read).
        """
        run = self._runs.get(run_id)
        path = run.log_path if run is not None else None
        if run is not None and run.log_file is not None:
            try:  # what the child wrote so far is read from the file (written buffered)
                run.log_file.flush()
            except OSError as exc:
                self._log_lost(run, exc)
        if run is None:
            row = None if self._closed else self.store.run(run_id)
            if row is None:
                raise JobError("not_found", f"no run {run_id}")
            path = row.get("logPath")
        try:
            return read_run_log(run_id, path, offset, limit)
        except OSError as exc:
            raise JobError("state", f"cannot read {path}: {exc.strerror or exc}") from None

    def history(self, **filters: Any) -> list[dict[str, Any]]:
        """Runs from the history, newest first (`JobStore.history` filters); none once
        the engine is closed (a view may still refresh while the panel quits)."""
        if self._closed:
            return []
        return self.store.history(**filters)

    def history_status(self) -> dict[str, Any]:
        """Whether the history is being written: `error` (None when it is, else e.g.
        "no space left on device: workspace.db") and `pendingWrites` waiting for it."""
        return {"error": self._history_writes.error, "pendingWrites": self.store.pending_writes}

    def active_runs(self) -> list[dict[str, Any]]:
        """Every run in the engine's hands (waiting, queued, running, retrying)."""
        return [run.to_json() for run in self._runs.values()]

    # ------------------------------------------------------------------ running

    def run_job(
        self,
        job_id: str,
        options: dict[str, Any] | None = None,
        trigger: str = Trigger.MANUAL,
        only: bool = False,
        confirm: bool = False,
        attempt: int = 1,
    ) -> int:
        """Run `job_id` (after its upstream jobs unless `only`); returns the id of its run.

        Raises `JobError`: not_found, invalid (bad options), dangerous (command
        flagged and `confirm` not given), state (the engine is shutting down).
        """
        if not self._accepting:
            raise JobError("state", "the job engine is not accepting runs")
        job = self.job(job_id)
        options = dict(options or {})
        try:
            run_argv(job, options)
        except OptionError as exc:
            raise JobError("invalid", f"job {job_id!r}: {exc}") from None
        reasons = self.check_command(job_id, options)
        if reasons and not confirm and trigger in (Trigger.MANUAL, Trigger.API, Trigger.WEBHOOK):
            raise JobError(
                "dangerous",
                f"job {job_id!r} looks dangerous ({'; '.join(reasons)}); confirm to run it",
                {"reasons": reasons},
            )
        ids = self._graph_jobs(job, only, fresh=trigger == Trigger.SCHEDULED)
        run = self._new_graph(job_id, ids, trigger, options, attempt)
        self._pump()
        return run.id

    def run_from_webhook(
        self, job_id: str, options: dict[str, Any], only: bool, confirm: bool
    ) -> int:
        """`run_job` for the incoming webhook (trigger `webhook`)."""
        return self.run_job(job_id, options, Trigger.WEBHOOK, only, confirm)

    def cancel_run(self, run_id: int) -> bool:
        """Cancel a run: a waiting one ends at once, a running one has its tree stopped."""
        run = self._runs.get(run_id)
        if run is None:
            return False
        run.cancel_requested = True
        if run.handle is not None:
            run.handle.stop()  # `run_ended` (cancelled) follows once its tree is gone
        elif run.process is not None and not run.fixing:
            run.process.stop()
        else:
            self._finish(run, RunStatus.CANCELLED, error="cancelled")
        return True

    def _graph_jobs(self, job: JobDef, only: bool, fresh: bool) -> list[str]:
        """The jobs of a graph run of `job`, upstream first (each once)."""
        if only:
            return [job.id]
        order: list[str] = []
        seen: set[str] = set()

        def visit(job_id: str) -> None:
            if job_id in seen:
                return
            seen.add(job_id)
            current = self.jobs[job_id]
            for dep in current.depends_on:
                window = current.upstream_window
                window = self.upstream_window if window is None else window
                if fresh and self._succeeded_within(dep, window):
                    continue
                visit(dep)
            order.append(job_id)

        visit(job.id)
        return order

    def _succeeded_within(self, job_id: str, window: float) -> bool:
        last = self.store.last_success(job_id)
        return last is not None and self.clock.now() - last <= window

    def _new_graph(
        self, target: str, ids: list[str], trigger: str, options: dict[str, Any], attempt: int
    ) -> Run:
        self._graphs += 1
        graph = Graph(self._graphs, target)
        for job_id in ids:
            for dep in self.jobs[job_id].depends_on:
                graph.downstream.setdefault(dep, []).append(job_id)
        for job_id in ids:
            job = self.jobs[job_id]
            waits = any(dep in graph.nodes for dep in job.depends_on)
            run_trigger = trigger if job_id == target else Trigger.CHAINED
            self._add_run(
                job,
                graph,
                run_trigger,
                options if job_id == target else {},
                attempt if job_id == target else 1,
                RunStatus.WAITING if waits else RunStatus.QUEUED,
                "upstream" if waits else None,
            )
        return graph.nodes[target]

    def _add_run(
        self,
        job: JobDef,
        graph: Graph,
        trigger: str,
        options: dict[str, Any],
        attempt: int,
        status: RunStatus,
        waiting_on: str | None,
    ) -> Run:
        run_id = self.store.insert_run(
            job.id, graph.id, str(trigger), options, attempt, str(status), waiting_on, job.executor
        )
        run = Run(run_id, job, graph, str(trigger), options, attempt, status, waiting_on=waiting_on)
        run.executor = job.executor
        graph.nodes[job.id] = run
        self._runs[run_id] = run
        self._newest[job.id] = run
        if status == RunStatus.QUEUED:
            self._ready.append(run)
        if listened(self, "sig_run_changed"):
            self.sig_run_changed.emit(run.snapshot())
        return run

    def _set_status(self, run: Run, status: RunStatus, **fields: Any) -> None:
        run.status = status
        columns = {"status": str(status)}
        for name, value in fields.items():
            setattr(run, name, value)
            columns[name] = value
        self.store.update_run(run.id, **columns)
        if listened(self, "sig_run_changed"):
            self.sig_run_changed.emit(run.snapshot())

    # ------------------------------------------------------------------ dispatch

    def _pump(self) -> None:
        """Start every ready run that fits the limits and gets its datasets."""
        if self._pumping or not self._accepting:
            return
        self._pumping = True
        try:
            index = 0
            while index < len(self._ready):
                run = self._ready[index]
                if not self._has_slot(run):
                    if not self._remote_jobs:
                        break  # every run is local: nothing behind it fits either
                    index += 1
                    continue
                full = self.store.disk_full
                alone = self._alone_problem(run)
                if alone is not None:
                    self._note_waiting(run, alone)
                    if not run.job.parallel:
                        break  # a job that runs alone waits first: nothing behind it jumps ahead
                    index += 1
                    continue
                if full is None and self._fits(run):
                    try:
                        allocated = self._allocate(run)
                    except DiskFullError as exc:
                        full, allocated = exc, False
                    if allocated:
                        del self._ready[index]
                        self._start(run)
                        continue
                if full is not None:  # its child could not be recorded: it fails
                    del self._ready[index]
                    self._finish(run, RunStatus.FAILED, error=str(full))
                    continue
                index += 1
        finally:
            self._pumping = False

    def _has_slot(self, run: Run) -> bool:
        """True when `run`'s executor takes another run now (local: `jobs.maxParallel`)."""
        if run.executor == LOCAL:
            return len(self._running) < self.max_parallel
        executor = self._executors.get(run.executor)
        limit = int(getattr(executor, "max_parallel", self.max_parallel))
        return self._remote_active.get(run.executor, 0) < limit

    @property
    def _remote_jobs(self) -> bool:
        """True when some job runs on a cluster executor (the pump looks past full slots)."""
        return any(job.executor != LOCAL for job in self.jobs.values())

    def _alone_problem(self, run: Run) -> str | None:
        """Why `run` may not start now for `parallel: false` (its own or a running job's):
        runs in a cluster executor's hands count as running ones do."""
        if self._solo_running:
            return f"job {self._solo_running[0]} runs alone (parallel: false)"
        if not run.job.parallel and (self._running or self._remote):
            names = sorted({r.job.id for r in (*self._running.values(), *self._remote.values())})
            return f"runs alone (parallel: false), after {', '.join(names)}"
        return None

    def _note_waiting(self, run: Run, text: str) -> None:
        """Say why a queued run does not start yet (once per reason)."""
        if run.waiting_on != text:
            self._set_status(run, run.status, waiting_on=text)

    def _fits(self, run: Run) -> bool:
        job = run.job
        if self._active_jobs.get(job.id, 0) >= job.execution.max_instances:
            return False
        limit = self.category_limits.get(job.category) if job.category else None
        return limit is None or self._active_categories.get(job.category, 0) < limit

    def _count_active(self, run: Run, step: int) -> None:
        """Keep the per-job and per-category counts of children in `_running`."""
        job = run.job
        self._active_jobs[job.id] = self._active_jobs.get(job.id, 0) + step
        if not job.parallel:
            if step > 0:
                self._solo_running.append(job.id)
            elif job.id in self._solo_running:
                self._solo_running.remove(job.id)
        if job.category:
            count = self._active_categories.get(job.category, 0) + step
            self._active_categories[job.category] = count

    def _allocate(self, run: Run) -> bool:
        if not run.job.datasets:
            return True
        pid, created = self._owner_pid
        holders = self.datasets.allocate(RUN_OWNER, str(run.id), run.job.datasets, pid, created)
        if not holders:
            return True
        text = "; ".join(h.describe() for h in holders)
        if run.status != RunStatus.WAITING or run.waiting_on != text:
            self._set_status(run, RunStatus.WAITING, waiting_on=text)
        return False

    def _run_argv(self, run: Run) -> list[str]:
        """The job's command with the run's options, after the resource-limit prefix."""
        job = run.job
        prefix = limit_prefix(job.limits)
        if prefix is None:
            log.warning("job %s: resource limits need util-linux prlimit; not applied", job.id)
            prefix = []
        return [*prefix, *run_argv(job, run.options)]

    def _start(self, run: Run) -> None:
        job = run.job
        run.log_path = self._log_path(job.id, run.id)  # created on first output
        if run.executor != LOCAL:
            self._start_remote(run)
            return
        process = self._spawn(run, None, f"job:{job.id}")
        # RUNNING is recorded once the child runs (`process_started`, with its pid); a
        # child that cannot be started goes straight to `failed`.
        if job.execution.timeout > 0:
            run.timer = QTimer(self, singleShot=True)
            run.timer.setTimerType(Qt.TimerType.PreciseTimer)
            run.timer.timeout.connect(self._on_timeout)
            run.timer.setProperty("run_id", run.id)
            run.timer.start(int(job.execution.timeout * 1000))
        process.start(_run_env(run))

    def _executor(self, name: str) -> Executor | None:
        """The cluster executor `name` of the workspace's `executors` section (built once)."""
        executor = self._executors.get(name)
        if executor is None:
            config = (self.workspace.config_object("executors") or {}).get(name)
            if not isinstance(config, dict) or config.get("kind") != "celery":
                return None
            from panel.jobs.cluster_executor import CeleryExecutor

            executor = self._executors[name] = CeleryExecutor(name, config)
        return executor

    def _start_remote(self, run: Run) -> None:
        """Hand `run` to its cluster executor; it stays `queued` until a worker starts it."""
        job = run.job
        try:
            executor = self._executor(run.executor)
        except ImportError:
            executor, problem = None, "Celery is not installed: pip install 'opspanel[cluster]'"
        else:
            problem = f"no executor named {run.executor!r} in the workspace's executors section"
        if executor is None:
            self._finish(run, RunStatus.FAILED, error=problem)
            return
        env = dict(job.env)
        env["PANEL_JOB_ID"] = job.id
        for ds in job.datasets:
            env[f"PANEL_DS_{ds.name.upper()}"] = ds.path
        env.update(_run_env(run))
        handle = executor.launch(
            run.id, self._run_argv(run), env, job.cwd, job.execution.timeout, self
        )
        self._track_remote(run, handle)
        self._set_status(
            run, RunStatus.QUEUED, waiting_on=f"sent to {run.executor}", log_path=run.log_path
        )

    def _track_remote(self, run: Run, handle: RunHandle) -> None:
        run.handle = handle
        self._remote[handle] = run
        self._remote_active[run.executor] = self._remote_active.get(run.executor, 0) + 1
        self._count_active(run, 1)

    def _untrack_remote(self, handle: RunHandle) -> Run | None:
        run = self._remote.pop(handle, None)
        if run is not None:
            run.handle = None
            self._remote_active[run.executor] = self._remote_active.get(run.executor, 1) - 1
            self._count_active(run, -1)
        return run

    def _detach_remote(self) -> set[int]:
        """Leave the cluster runs going (shutdown): their rows stay as they are, and the next
        engine re-attaches to them from their saved log cursor. Returns their graphs' ids."""
        going: set[int] = set()
        for handle in list(self._remote):
            run = self._untrack_remote(handle)
            handle.detach()
            if run is None:
                continue
            if not handle.dispatched:  # the cluster never had it: nobody could re-attach
                self._finish(run, RunStatus.INTERRUPTED, error="the panel shut down first")
                continue
            self._runs.pop(run.id, None)
            self._close_log(run)
            going.add(run.graph.id)
            log.info("job %s run %d left running on %s", run.job.id, run.id, run.executor)
        self._check_idle()
        return going

    @staticmethod
    def _waits_on_upstream(run: Run) -> bool:
        """True while `run`'s trigger rule cannot decide yet (an upstream run is not over)."""
        if run.status != RunStatus.WAITING:
            return False
        return trigger_verdict(run.job.trigger_rule, run.graph.upstream_of(run)) is None

    def _leave_waiting(self, run: Run) -> None:
        """Shutdown: leave `run` (its graph goes on on a cluster) `waiting` for the next engine."""
        del self._runs[run.id]
        with contextlib.suppress(ValueError):
            self._ready.remove(run)
        log.info("job %s run %d left waiting on its upstream", run.job.id, run.id)

    def _log_path(self, job_id: str, run_id: int) -> str:
        """Where run `run_id` of `job_id` writes its own log (os.path: once per run)."""
        return os.path.join(self._logs_root, job_id, f"{run_id}.log")

    def _spec(self, run: Run, argv: Sequence[str] | None, name: str) -> ProcessSpec:
        """The spec of a run's child: `argv`, or (None) the run's own command. The
        same object serves every run of the current definition of a job that runs
        its own command without options (the run id goes in at start:
        `ManagedProcess.start(env)`), until the jobs are loaded again."""
        job = run.job
        guards = self._reaper_guards
        plain = argv is None and not run.options and job is self.jobs.get(job.id)
        spec = self._plain_specs.get(job.id) if plain else None
        if spec is not None and spec.parent_death_signal == (not guards):
            return spec
        if argv is None:
            argv = self._run_argv(run)
        env = dict(job.env)
        env["PANEL_JOB_ID"] = job.id
        for ds in job.datasets:
            env[f"PANEL_DS_{ds.name.upper()}"] = ds.path
        spec = ProcessSpec(
            name=name,
            argv=tuple(argv),
            cwd=job.cwd,
            env=env,
            restart=RestartPolicy.NEVER,
            start_secs=0,
            start_retries=0,
            stop_timeout_ms=self.stop_timeout_ms,
            parent_death_signal=not guards,
            sample_stats=False,
        )
        if plain:
            self._plain_specs[job.id] = spec
        return spec

    def _spawn(self, run: Run, argv: Sequence[str] | None, name: str) -> ManagedProcess:
        """A process object for `run` (an idle one when there is one), not started yet."""
        spec = self._spec(run, argv, name)
        if self._idle:
            process = self._idle.pop()
            if process.spec is not spec:
                process.set_spec(spec)
        else:
            process = ManagedProcess(
                spec,
                self,
                reaper=self._reaper,
                recorder=self.store,
                listener=self,
                record_running=False,  # the run's row records its child (pid, create time)
            )
        run.process = process
        self._running[process] = run
        self._count_active(run, 1)
        return process

    @property
    def _reaper_guards(self) -> bool:
        """True when the running reaper takes a run's whole session down if the panel dies.

        Then a run's child is not wrapped in ``setpriv --pdeathsig`` (a second
        exec that doubled the cost of a short run); without a ready reaper it is.
        A crash of both the panel and the reaper is left to the start-up recovery
        (the run's row records its child's pid and create time as it starts).
        """
        return self._reaper is not None and self._reaper.enabled and self._reaper.is_ready

    def _open_log(self, run: Run) -> None:
        """Open the run's log file for appending; called on the run's first output.

        A run that prints nothing leaves no file behind: creating a folder and
        a file per run was the largest cost of a short run after the spawn.
        """
        if run.log_failed or not run.log_path:
            return
        path = Path(run.log_path)
        try:
            if path.parent not in self._log_dirs:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._log_dirs.add(path.parent)
            run.log_file = open(path, "ab")  # noqa: SIM115 - closed when the run ends
        except OSError as exc:
            run.log_failed = True
            log.warning("job %s: cannot write run log %s: %s", run.job.id, path, exc)

    def _close_log(self, run: Run) -> None:
        """Close the run's log file (what it could not write is reported, not raised)."""
        log_file, run.log_file = run.log_file, None
        if log_file is not None:
            try:
                log_file.close()
            except OSError as exc:
                self._report_lost_log(run, exc)

    def _log_lost(self, run: Run, exc: OSError) -> None:
        """The run's log file cannot be written (a full disk): its output goes on to
        the log hub only; the file is closed and not opened again for this run."""
        log_file, run.log_file = run.log_file, None
        run.log_failed = True
        if log_file is not None:
            with contextlib.suppress(OSError):
                log_file.close()
        self._report_lost_log(run, exc)

    def _report_lost_log(self, run: Run, exc: OSError) -> None:
        reason = disk_full(exc, run.log_path or "run log") or exc
        log.warning("job %s run %d: run log incomplete: %s", run.job.id, run.id, reason)

    # ---------------------------------------------------------- ProcessListener
    # A run's child tells the engine of its events by direct calls (no signal
    # connections per child: this is the hot path of a busy graph).

    def process_output(self, process: ManagedProcess, stream: str, data: bytes) -> None:
        """A chunk of a run's output: to the log hub, the run's log file and `sig_run_output`."""
        run = self._running.get(process)
        if run is not None:
            self._output(run, stream, data)

    def _output(self, run: Run, stream: str, data: bytes) -> None:
        run.had_output = True
        self.hub.feed(f"job:{run.job.id}", stream, data)
        if run.log_file is None:
            self._open_log(run)
        if run.log_file is not None:
            try:
                run.log_file.write(data)
            except OSError as exc:
                self._log_lost(run, exc)
        if listened(self, "sig_run_output"):
            self.sig_run_output.emit(run.id, stream, data)

    # ---------------------------------------------------------- ExecutorListener
    # A cluster run's events, on the engine's thread (`panel.jobs.executor`).

    def run_waiting(self, handle: RunHandle, reason: str | None) -> None:
        """A cluster run is not dispatched yet (`reason`), or waits for a worker (None)."""
        run = self._remote.get(handle)
        if run is None:
            return
        if reason is None:  # the cluster has it: the row names it for a later engine
            self.store.update_run(run.id, remote_ref=handle.remote_ref)
        if run.status == RunStatus.QUEUED:
            self._note_waiting(run, reason or f"waiting for a worker of {run.executor}")

    def run_started(self, handle: RunHandle, host: str, pid: int | None) -> None:
        """A cluster run's command runs on `host` (the pid is that host's: not recorded as
        a child of this machine, which the start-up sweep would stop)."""
        run = self._remote.get(handle)
        if run is None or run.status == RunStatus.RUNNING:
            return
        self._set_status(run, RunStatus.RUNNING, started_at=time.time(), waiting_on=None, host=host)

    def run_output(self, handle: RunHandle, stream: str, data: bytes) -> None:
        """A line of a cluster run: to the log hub, its log file and `sig_run_output`."""
        run = self._remote.get(handle)
        if run is not None:
            self._output(run, stream, data)

    def run_cursor(self, handle: RunHandle, cursor: str) -> None:
        """Save how far a cluster run's log was read (merged into one write per loop turn)."""
        if handle in self._remote:
            self.store.update_run(handle.run_id, log_cursor=cursor)

    def run_ended(
        self,
        handle: RunHandle,
        code: int | None,
        signal: int | None,
        reason: str,
        error: str | None,
    ) -> None:
        """A cluster run is over: decide its state as for a local child."""
        run = self._untrack_remote(handle)
        if run is None:
            return
        if run.had_output:
            run.had_output = False
            self.hub.end_of_stream(f"job:{run.job.id}", "stdout")
            self.hub.end_of_stream(f"job:{run.job.id}", "stderr")
        status, text = _remote_outcome(run, code, signal, reason, error)
        self._finish(run, status, exit_code=code, error=text)
        self._pump()
        self._check_idle()

    def process_started(self, process: ManagedProcess, pid: int) -> None:
        """A run's child runs: the run is recorded `running`, with its pid.

        The pid and create time in the run's row are the child's record for the
        start-up recovery (an auto-fix child is recorded there too).
        """
        run = self._running.get(process)
        if run is None:
            return
        self._unstamped.append(run)  # its create time is read as its row is committed
        if run.fixing:
            run.pid = pid
            self.store.update_run(run.id, pid=pid)
        else:
            self._set_status(
                run,
                RunStatus.RUNNING,
                started_at=time.time(),
                waiting_on=None,
                log_path=run.log_path,
                pid=pid,
            )
            if run.job.datasets:  # the child holds the data now: it answers for them
                self.datasets.set_owner_process(RUN_OWNER, str(run.id), pid, None)

    def _stamp_running(self) -> None:
        """Before each commit: add the create time of the runs recorded `running`
        since the last one, for the start-up recovery. It is read only now, and
        only for a child that still runs: a short one that already ended (a
        busy graph starts and ends many within one commit) needs no record."""
        runs, self._unstamped = self._unstamped, []
        for run in runs:
            process = run.process
            create_time = process.create_time if process is not None else None
            if create_time is not None:
                run.create_time = create_time
                self.store.update_run(run.id, create_time=create_time)
                if run.job.datasets and not run.fixing:
                    self.datasets.set_owner_process(
                        RUN_OWNER, str(run.id), process.pid if process else None, create_time
                    )

    def _on_timeout(self) -> None:
        timer = self.sender()
        run = self._runs.get(int(timer.property("run_id"))) if timer is not None else None
        if run is not None and run.process is not None:
            run.timed_out = True
            log.warning("job %s run %d timed out; stopping its process tree", run.job.id, run.id)
            run.process.stop()

    def process_state_changed(
        self, process: ManagedProcess, new: ProcessState, old: ProcessState
    ) -> None:
        """A run's child ended (the run is decided) or its tree is gone (kept for reuse)."""
        if process in self._retiring:
            if new == ProcessState.STOPPED:
                self._retire(process)
                self._check_idle()
            return
        run = self._running.get(process)
        if run is None or new not in _DONE_STATES:
            return
        del self._running[process]
        self._count_active(run, -1)
        self._retiring.add(process)
        code = process.exit_code
        run.process = None
        if run.had_output:
            run.had_output = False
            self.hub.end_of_stream(f"job:{run.job.id}", "stdout")
            self.hub.end_of_stream(f"job:{run.job.id}", "stderr")
        if run.fixing:
            run.fixing = False
            self._fix_done(run, code)
        else:
            self._process_ended(run, new, code, process.last_error)
        process.stop()  # STOPPED once leftovers of the tree are gone; then deleted
        if process.state == ProcessState.STOPPED and process in self._retiring:
            self._retire(process)
        self._pump()
        self._check_idle()

    def _retire(self, process: ManagedProcess) -> None:
        """A run's process is STOPPED (its whole tree gone): keep it for a later run.

        Up to `max_parallel` idle processes are kept, so a busy graph neither
        builds a process object nor connects its signals per run; one that
        reported an error is dropped (its `last_error` must not reach a later run).
        """
        self._retiring.discard(process)
        if len(self._idle) < self.max_parallel and process.last_error is None:
            self._idle.append(process)
        else:
            process.deleteLater()

    def _process_ended(
        self, run: Run, state: ProcessState, code: int | None, error: str | None
    ) -> None:
        if run.timer is not None:
            run.timer.stop()
            run.timer.deleteLater()
            run.timer = None
        if run.cancel_requested:
            status, error = RunStatus.CANCELLED, "cancelled"
        elif run.timed_out:
            status, error = RunStatus.TIMED_OUT, f"timed out after {run.job.execution.timeout:g} s"
        elif run.cut_off:
            status, error = RunStatus.INTERRUPTED, "stopped by the panel's shutdown"
        elif state == ProcessState.FATAL or code is None:
            status = RunStatus.FAILED
        elif code == 0:
            status, error = RunStatus.SUCCESS, None
        else:
            status, error = RunStatus.FAILED, f"exit code {code}"
        self._finish(run, status, exit_code=code, error=error)

    # ------------------------------------------------------------------ endings

    def _finish(
        self, run: Run, status: RunStatus, exit_code: int | None = None, error: str | None = None
    ) -> None:
        """Record a final state, release datasets, then retry, chain or unblock downstream."""
        if run.id not in self._runs:
            return
        del self._runs[run.id]
        if run.timer is not None:
            run.timer.stop()
            run.timer.deleteLater()
            run.timer = None
        if run.status in _READY_STATES:  # only a run not started yet can be in the queue
            with contextlib.suppress(ValueError):
                self._ready.remove(run)
        self._close_log(run)
        if run.job.datasets:
            self.datasets.release(RUN_OWNER, str(run.id))
        retry = status.is_failure and self._can_retry(run)
        self._set_status(run, status, ended_at=time.time(), exit_code=exit_code, error=error)
        if retry:
            self._begin_retry(run)
            return
        if listened(self, "sig_run_finished"):
            self.sig_run_finished.emit(run.snapshot())
        self._after_final(run)

    def _can_retry(self, run: Run) -> bool:
        return not self._shutting_down and run.attempt <= run.job.execution.max_retries

    def _after_final(self, run: Run) -> None:
        job = run.job
        outcome = "success" if run.status == RunStatus.SUCCESS else "failure"
        ended = run.status.is_failure or run.status == RunStatus.SUCCESS
        if job.notify is not None and ended and outcome in job.notify.on:
            self.notifier.post(job.notify, run.to_json())
        if not self._accepting:
            return
        chained = job.on_success if run.status == RunStatus.SUCCESS else ()
        chained = job.on_failure if run.status.is_failure else chained
        for job_id in chained:
            if job_id in self.jobs:
                self.run_job(job_id, trigger=Trigger.CHAINED, only=True, confirm=True)
        self._unblock(run)

    def _unblock(self, run: Run) -> None:
        queued: list[Run] = []
        for down in run.graph.downstream_of(run):
            if down.status != RunStatus.WAITING or down.id not in self._runs:
                continue
            verdict = trigger_verdict(down.job.trigger_rule, run.graph.upstream_of(down))
            if verdict is None:
                continue
            if verdict:
                down.status, down.waiting_on = RunStatus.QUEUED, None  # recorded below
                self._ready.append(down)
                queued.append(down)
            else:
                self._finish(down, RunStatus.SKIPPED, error=SKIP_REASON)
        self._pump()
        for down in queued:  # a run the pump started at once is recorded as it runs
            if down.status == RunStatus.QUEUED and down.process is None and down.id in self._runs:
                self._set_status(down, RunStatus.QUEUED, waiting_on=None)

    # ------------------------------------------------------------------ retries

    def _begin_retry(self, failed: Run) -> None:
        job = failed.job
        fix = fix_argv(job)
        nxt = self._add_run(
            job,
            failed.graph,
            failed.trigger,
            failed.options,
            failed.attempt + 1,
            RunStatus.RETRYING,
            None,
        )
        nxt.fixed = failed.fixed
        if fix and not failed.fixed:
            nxt.fixed = nxt.fixing = True
            nxt.log_path = self._log_path(job.id, nxt.id)
            self._spawn(nxt, fix, f"job:{job.id}:fix").start(_run_env(nxt))
            return
        self._arm_retry(nxt)

    def _fix_done(self, run: Run, code: int | None) -> None:
        log.info("job %s: auto-fix ended with exit code %s", run.job.id, code)
        self._close_log(run)
        if run.cancel_requested or self._shutting_down:
            cut = RunStatus.CANCELLED if run.cancel_requested else RunStatus.INTERRUPTED
            self._finish(run, cut)
            return
        self._arm_retry(run)

    def _arm_retry(self, run: Run) -> None:
        delay = retry_delay(run.job.execution, run.attempt - 1)
        run.timer = QTimer(self, singleShot=True)
        run.timer.setTimerType(Qt.TimerType.PreciseTimer)
        run.timer.timeout.connect(self._on_retry_due)
        run.timer.setProperty("run_id", run.id)
        run.timer.start(int(delay * 1000))

    def _on_retry_due(self) -> None:
        timer = self.sender()
        run = self._runs.get(int(timer.property("run_id"))) if timer is not None else None
        if timer is not None:
            timer.deleteLater()
        if run is None or run.status != RunStatus.RETRYING:
            return
        run.timer = None
        self._set_status(run, RunStatus.QUEUED)
        self._ready.append(run)
        self._pump()

    # ------------------------------------------------------------------ cron

    def _schedule(self, replay_missed: bool) -> None:
        schedules: dict[str, CronSchedule] = {}
        now = self.clock.now()
        for job in self.jobs.values():
            if not (job.schedule and job.enabled):
                continue
            schedule = CronSchedule(job.schedule, job.timezone)
            schedules[job.id] = schedule
            last = self.store.last_fire(job.id)
            fires = missed_fires(schedule, last, now, job.missed_runs) if replay_missed else []
            for when in fires:
                log.info("job %s: running a fire time missed while down (%s)", job.id, when)
                self._fire(job.id, when)
            if last is None or replay_missed:
                self.store.set_last_fire(job.id, now)
        self.scheduler.set_schedules(schedules)

    def _on_cron(self, job_id: str, when: float) -> None:
        self.store.set_last_fire(job_id, when)
        self._fire(job_id, when)

    def _fire(self, job_id: str, when: float) -> None:
        try:
            self.run_job(job_id, trigger=Trigger.SCHEDULED)
        except JobError as exc:
            log.warning("job %s: scheduled run at %s refused: %s", job_id, when, exc)

    # ------------------------------------------------------------------ recovery

    def _recover(self) -> None:
        """Mark runs an earlier engine left unfinished `interrupted`; retry per policy."""
        released = self.datasets.release_dead()
        if released:
            log.info("released %d dataset allocations of processes that are gone", released)
        rows = self.store.unfinished([str(s) for s in ACTIVE])
        stopped = sweep_orphans(_child_records(rows), grace_s=0.0)
        if stopped:
            log.warning("stopped %d processes of runs an earlier panel left running", len(stopped))
        graphs: dict[int, Graph] = {}
        waiting: list[dict[str, Any]] = []
        for row in rows:
            if self._reattach(row, graphs):
                continue
            if row["status"] == RunStatus.WAITING and row.get("graphId") is not None:
                waiting.append(row)  # decided once the graphs going on are known
                continue
            self._interrupt_row(row)
        self._resume_graphs(graphs, waiting)

    def _interrupt_row(self, row: dict[str, Any]) -> None:
        """Mark a run an earlier engine left unfinished `interrupted`; retry per policy."""
        was_running = row["status"] == RunStatus.RUNNING
        self.store.update_run(
            row["id"],
            status=str(RunStatus.INTERRUPTED),
            ended_at=time.time(),
            error="the panel stopped while this run was unfinished",
        )
        self.datasets.release(RUN_OWNER, str(row["id"]))
        job = self.jobs.get(row["job"])
        if (
            was_running
            and job is not None
            and job.execution.retry_interrupted
            and row["attempt"] <= job.execution.max_retries
        ):
            log.info("job %s: retrying run %d interrupted by a crash", job.id, row["id"])
            self.run_job(
                job.id,
                row["options"],
                row["trigger"],
                only=True,
                confirm=True,
                attempt=row["attempt"] + 1,
            )

    def _resume_graphs(self, graphs: dict[int, Graph], waiting: list[dict[str, Any]]) -> None:
        """The runs left `waiting` in graphs whose cluster runs were re-attached to wait on
        in those graphs (rebuilt from the history), decided by their trigger rules as their
        upstream ends; those of other graphs are `interrupted`."""
        kept: list[Run] = []
        for row in waiting:
            graph, job = graphs.get(int(row["graphId"])), self.jobs.get(row["job"])
            if graph is None or job is None or job.id in graph.nodes:
                self._interrupt_row(row)
                continue
            run = graph.nodes[job.id] = Run.from_row(row, job, graph)
            self._runs[run.id] = run
            self._newest[job.id] = run
            kept.append(run)
        for row in self.store.graph_runs(sorted(graphs)) if kept else ():
            graph, job = graphs[int(row["graphId"])], self.jobs.get(row["job"])
            done = graph.nodes.get(row["job"])
            final = row["status"] in FINAL and (done is None or done.status.is_final)
            if job is not None and final:  # the newest final attempt of each job
                graph.nodes[job.id] = Run.from_row(row, job, graph)
        for graph in graphs.values():
            graph.link()
        for run in kept:
            log.info("job %s run %d waits on in its graph", run.job.id, run.id)
            if run.id in self._runs and run.status == RunStatus.WAITING:
                self._decide(run)

    def _decide(self, run: Run) -> None:
        """`run` waits on its upstream: queue it, skip it, or (undecided) leave it waiting."""
        verdict = trigger_verdict(run.job.trigger_rule, run.graph.upstream_of(run))
        if verdict is None:
            return
        if not verdict:
            self._finish(run, RunStatus.SKIPPED, error=SKIP_REASON)
            return
        self._set_status(run, RunStatus.QUEUED, waiting_on=None)
        self._ready.append(run)
        self._pump()

    def _reattach(self, row: dict[str, Any], graphs: dict[int, Graph]) -> bool:
        """Follow again a cluster run an earlier engine handed out and left going (running,
        or queued on the cluster): no `interrupted` for it. False when it cannot be. Runs
        of one graph run share one `Graph` of `graphs` (by id)."""
        name, ref = row.get("executor") or LOCAL, row.get("remoteRef")
        job = self.jobs.get(row["job"])
        if name == LOCAL or not ref or job is None or job.executor != name:
            return False
        if row["status"] not in (RunStatus.RUNNING, RunStatus.QUEUED):
            return False
        try:
            executor = self._executor(name)
        except ImportError:
            executor = None
        if executor is None:
            return False
        graph_id = int(row.get("graphId") or 0)
        graph = graphs.get(graph_id) or graphs.setdefault(graph_id, Graph(graph_id, job.id))
        run = Run.from_row(row, job, graph)
        run.log_path = run.log_path or self._log_path(job.id, run.id)
        graph.nodes[job.id] = run
        self._runs[run.id] = run
        self._newest[job.id] = run
        if job.datasets:  # held for the run by this engine now (the one that held them is gone)
            self.datasets.release(RUN_OWNER, str(run.id))
            pid, created = self._owner_pid
            holders = self.datasets.allocate(RUN_OWNER, str(run.id), job.datasets, pid, created)
            if holders:
                taken = "; ".join(h.describe() for h in holders)
                log.warning("job %s run %d: its datasets are held by %s", job.id, run.id, taken)
        handle = executor.reattach(run.id, str(ref), row.get("logCursor"), self)
        self._track_remote(run, handle)
        log.info("job %s run %d: re-attached on %s (%s)", job.id, run.id, name, ref)
        return True

    def _prune_history(self) -> None:
        days = float(self.workspace.get_setting("jobs.historyDays", 90))
        if days > 0:
            try:
                removed = self.store.prune(time.time() - days * 86400, keep_per_job=10)
            except DiskFullError as exc:
                log.error("old job runs not removed: %s", exc)
                return
            if removed:
                log.info("removed %d job runs older than %g days", removed, days)


def _remote_outcome(
    run: Run, code: int | None, signal: int | None, reason: str, error: str | None
) -> tuple[RunStatus, str | None]:
    """The state and error text of a cluster run that ended for `reason`."""
    if reason == "cancelled" or run.cancel_requested:
        return RunStatus.CANCELLED, "cancelled"
    if reason == "timeout":
        return RunStatus.TIMED_OUT, f"timed out after {run.job.execution.timeout:g} s"
    if reason == "exit" and code == 0:
        return RunStatus.SUCCESS, None
    if reason == "exit" and code is not None:
        return RunStatus.FAILED, f"exit code {code}"
    if reason == "exit" and signal is not None:
        return RunStatus.FAILED, f"killed by signal {signal}"
    return RunStatus.FAILED, f"{reason}: {error}" if error else reason


def _run_env(run: Run) -> dict[str, str]:
    """The variables of one run's child beside its job's (`ProcessSpec.env`)."""
    return {"PANEL_RUN_ID": str(run.id)}


def _child_records(rows: list[dict[str, Any]]) -> list[RecordedProcess]:
    """The children of unfinished runs, as the start-up sweep takes them.

    A run's row holds its child's pid and create time; the child led a session
    of its own (sid == pid), so the sweep stops that whole session (and leaves a
    pid reused by an unrelated process alone). A row without a create time was
    committed after its child had ended: 0.0 then (no live process matches it),
    and the session's leftovers are still stopped, since the kernel does not
    hand a session's id out again while a member of it lives.
    """
    return [
        RecordedProcess(
            f"job:{row['job']}#{row['id']}", row["pid"], row.get("createTime") or 0.0, row["pid"]
        )
        for row in rows
        if row.get("pid") and (row.get("executor") or LOCAL) == LOCAL
    ]
