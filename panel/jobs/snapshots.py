"""The typed read models of the job engine: what the engine, its API and the window share.

`RunSnapshot` is one run as the history and the API show it, `JobSummary` one
job with its schedule state, `DashboardFigures` the figures of today, `RunLog` a
piece of a run's log file and `HistoryQuery` the filters of a history read.
Each has `to_json()` (the API's JSON) and `from_json()` (an attached window
reads the API's answers back into the same types).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

from panel.jobs.states import ACTIVE, FINAL, RunStatus

FAILURES = (str(RunStatus.FAILED), str(RunStatus.TIMED_OUT))
"""The states counted as failures (dashboard, sidebar dot, desktop notification)."""

NEXT_COUNT = 5
"""How many next fire times the dashboard lists."""

FAILURE_COUNT = 8
"""How many recent failures the dashboard lists."""


def start_of_today(now: float | None = None) -> float:
    """Local midnight before `now`."""
    t = time.localtime(now if now is not None else time.time())
    return time.mktime((t.tm_year, t.tm_mon, t.tm_mday, 0, 0, 0, 0, 0, -1))


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


@dataclass(frozen=True)
class RunSnapshot:
    """One run (one attempt of one job) as it stands: `Run.snapshot()` or a history row."""

    id: int
    job: str
    status: str
    graph_id: int = 0
    trigger: str = ""
    options: dict[str, Any] = field(default_factory=dict, hash=False)
    attempt: int = 1
    queued: float = 0.0
    start: float | None = None
    end: float | None = None
    exit_code: int | None = None
    error: str | None = None
    log_path: str | None = None
    pid: int | None = None
    waiting_on: str | None = None
    executor: str = "local"
    """`local`, or the name of the cluster executor that ran it."""
    host: str | None = None
    """The machine a cluster run ran on (None for a local run)."""

    @property
    def is_active(self) -> bool:
        """True while the run is in the engine's hands (waiting, queued, running, retrying)."""
        return self.status in _ACTIVE

    @property
    def is_final(self) -> bool:
        """True once the run reached a state it never leaves."""
        return self.status in _FINAL

    @property
    def is_failure(self) -> bool:
        """True for failed and timed out."""
        return self.status in FAILURES

    def duration(self, now: float | None = None) -> float | None:
        """Seconds it ran (so far, while running), or None when it never started."""
        if self.start is None:
            return None
        return max(0.0, (self.end or now or time.time()) - self.start)

    def to_json(self) -> dict[str, Any]:
        """The run as the API shows it (the keys of a history row)."""
        return {
            "id": self.id,
            "job": self.job,
            "graphId": self.graph_id,
            "trigger": self.trigger,
            "options": self.options,
            "attempt": self.attempt,
            "status": self.status,
            "queued": self.queued,
            "start": self.start,
            "end": self.end,
            "exitCode": self.exit_code,
            "error": self.error,
            "logPath": self.log_path,
            "pid": self.pid,
            "waitingOn": self.waiting_on,
            "executor": self.executor,
            "host": self.host,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunSnapshot:
        """From `to_json()`, a history row or the API's `jobs.run` notification."""
        return cls(
            id=int(data["id"]),
            job=str(data["job"]),
            status=str(data["status"]),
            graph_id=int(data.get("graphId") or 0),
            trigger=str(data.get("trigger") or ""),
            options=dict(data.get("options") or {}),
            attempt=int(data.get("attempt") or 1),
            queued=float(data.get("queued") or 0.0),
            start=_float(data.get("start")),
            end=_float(data.get("end")),
            exit_code=_int(data.get("exitCode")),
            error=data.get("error"),
            log_path=data.get("logPath"),
            pid=_int(data.get("pid")),
            waiting_on=data.get("waitingOn"),
            executor=str(data.get("executor") or "local"),
            host=data.get("host"),
        )


_ACTIVE = frozenset(str(s) for s in ACTIVE)
_FINAL = frozenset(str(s) for s in FINAL)


@dataclass(frozen=True)
class JobSummary:
    """One job with its schedule state, as the graph, the details and `jobs.list` show it."""

    id: str
    name: str
    command: str
    enabled: bool = True
    category: str = ""
    tags: tuple[str, ...] = ()
    schedule: str | None = None
    timezone: str | None = None
    next_fire: float | None = None
    depends_on: tuple[str, ...] = ()
    dangerous: tuple[str, ...] = ()
    """Why running it with its defaults needs a confirmation (empty: nothing found)."""
    active: tuple[int, ...] = ()
    """Ids of its runs in the engine's hands."""
    last_run: RunSnapshot | None = None
    """Its newest run (any state)."""
    definition: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    """The merged JSON of the job (a `JobDef` is built from it: options, chains, ...)."""

    @property
    def on_success(self) -> tuple[str, ...]:
        """The jobs chained after a success."""
        return tuple(self.definition.get("onSuccess", ()))

    @property
    def on_failure(self) -> tuple[str, ...]:
        """The jobs chained after a failure."""
        return tuple(self.definition.get("onFailure", ()))

    def to_json(self) -> dict[str, Any]:
        """As `jobs.list` returns it."""
        return {
            "id": self.id,
            "name": self.name,
            "category": self.category,
            "tags": list(self.tags),
            "enabled": self.enabled,
            "schedule": self.schedule,
            "timezone": self.timezone,
            "nextFire": self.next_fire,
            "dependsOn": list(self.depends_on),
            "command": self.command,
            "dangerous": list(self.dangerous),
            "active": list(self.active),
            "lastRun": None if self.last_run is None else self.last_run.to_json(),
            "definition": self.definition,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> JobSummary:
        """From `to_json()` (an item of `jobs.list`)."""
        last = data.get("lastRun")
        return cls(
            id=str(data["id"]),
            name=str(data.get("name") or data["id"]),
            command=str(data.get("command") or ""),
            enabled=bool(data.get("enabled", True)),
            category=str(data.get("category") or ""),
            tags=tuple(data.get("tags") or ()),
            schedule=data.get("schedule"),
            timezone=data.get("timezone"),
            next_fire=_float(data.get("nextFire")),
            depends_on=tuple(data.get("dependsOn") or ()),
            dangerous=tuple(data.get("dangerous") or ()),
            active=tuple(int(i) for i in data.get("active") or ()),
            last_run=RunSnapshot.from_json(last) if isinstance(last, dict) else None,
            definition=dict(data.get("definition") or {}),
        )

    def with_run(self, run: RunSnapshot) -> JobSummary:
        """This summary after `run` (of this job) changed: its active runs and newest run."""
        active = set(self.active)
        if run.is_active:
            active.add(run.id)
        else:
            active.discard(run.id)
        last = self.last_run
        newest = run if last is None or last.id <= run.id else last
        return replace(self, active=tuple(sorted(active)), last_run=newest)


@dataclass(frozen=True)
class NextFire:
    """A job's next scheduled run."""

    job: str
    when: float


@dataclass(frozen=True)
class RunningRun:
    """A running run and how long it has run when the figures were taken."""

    run: RunSnapshot
    elapsed: float


@dataclass(frozen=True)
class DashboardFigures:
    """Today's jobs at one glance: counts, what runs now, what comes next, what failed."""

    total: int = 0
    success: int = 0
    failed: int = 0
    """Failed or timed out, today."""
    running: int = 0
    """Runs of today recorded running (the history's view)."""
    running_now: tuple[RunningRun, ...] = ()
    next_fires: tuple[NextFire, ...] = ()
    """The next `NEXT_COUNT` fire times, soonest first."""
    failures: tuple[RunSnapshot, ...] = ()
    """The `FAILURE_COUNT` newest failed or timed-out runs, newest first."""
    taken: float = field(default_factory=time.monotonic, compare=False)
    """When the figures were taken (this process's monotonic clock)."""

    @property
    def counts(self) -> dict[str, int]:
        """total / success / failed / running, as the dashboard's numbers."""
        return {
            "total": self.total,
            "success": self.success,
            "failed": self.failed,
            "running": self.running,
        }

    def aged(self, now: float | None = None) -> DashboardFigures:
        """The figures with every running run's elapsed time counted up to `now` (monotonic)."""
        moved = (now if now is not None else time.monotonic()) - self.taken
        if moved <= 0 or not self.running_now:
            return self
        running = tuple(RunningRun(r.run, r.elapsed + moved) for r in self.running_now)
        return replace(self, running_now=running, taken=self.taken + moved)

    def to_json(self) -> dict[str, Any]:
        """As `jobs.dashboard` returns it (elapsed times as of now)."""
        aged = self.aged()
        return {
            "today": self.counts,
            "running": [{"run": r.run.to_json(), "elapsed": r.elapsed} for r in aged.running_now],
            "next": [{"job": n.job, "when": n.when} for n in self.next_fires],
            "failures": [r.to_json() for r in self.failures],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DashboardFigures:
        """From `to_json()`; the elapsed times count on from the moment it is read."""
        today = data.get("today") or {}
        return cls(
            total=int(today.get("total", 0)),
            success=int(today.get("success", 0)),
            failed=int(today.get("failed", 0)),
            running=int(today.get("running", 0)),
            running_now=tuple(
                RunningRun(RunSnapshot.from_json(r["run"]), float(r.get("elapsed", 0.0)))
                for r in data.get("running") or ()
            ),
            next_fires=tuple(
                NextFire(str(n["job"]), float(n["when"])) for n in data.get("next") or ()
            ),
            failures=tuple(RunSnapshot.from_json(r) for r in data.get("failures") or ()),
        )


@dataclass(frozen=True)
class RunLog:
    """A piece of one run's log file: its text from `offset` to `end`."""

    run: int
    path: str | None
    exists: bool
    text: str = ""
    offset: int = 0
    """Where `text` starts in the file (bytes)."""
    end: int = 0
    """Where it ends: the file's size when read (ask from here for what follows)."""
    cut: bool = False
    """True when the start of what was asked for was left out (only the tail is shown)."""

    def to_json(self) -> dict[str, Any]:
        """As `jobs.log` returns it."""
        return {
            "run": self.run,
            "path": self.path,
            "exists": self.exists,
            "text": self.text,
            "offset": self.offset,
            "end": self.end,
            "cut": self.cut,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunLog:
        """From `to_json()`."""
        return cls(
            run=int(data["run"]),
            path=data.get("path"),
            exists=bool(data.get("exists")),
            text=str(data.get("text") or ""),
            offset=int(data.get("offset") or 0),
            end=int(data.get("end") or 0),
            cut=bool(data.get("cut")),
        )


@dataclass(frozen=True)
class HistoryQuery:
    """The filters of one history read (None: any); newest first, at most `limit` runs."""

    job: str | None = None
    status: str | None = None
    trigger: str | None = None
    since: float | None = None
    until: float | None = None
    before_id: int | None = None
    limit: int = 100

    def to_json(self) -> dict[str, Any]:
        """The params of `jobs.history` (filters left out when None)."""
        names = {"before_id": "beforeId"}
        out = {names.get(k, k): v for k, v in self.filters().items()}
        out["limit"] = self.limit
        return out

    def filters(self) -> dict[str, Any]:
        """The `JobEngine.history` keywords that are set (without the limit)."""
        values = {
            "job": self.job,
            "status": self.status,
            "trigger": self.trigger,
            "since": self.since,
            "until": self.until,
            "before_id": self.before_id,
        }
        return {k: v for k, v in values.items() if v is not None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HistoryQuery:
        """From the params of `jobs.history`."""
        return cls(
            job=data.get("job"),
            status=data.get("status"),
            trigger=data.get("trigger"),
            since=_float(data.get("since")),
            until=_float(data.get("until")),
            before_id=_int(data.get("beforeId")),
            limit=int(data.get("limit", 100)),
        )
