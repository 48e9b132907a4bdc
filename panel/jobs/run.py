"""The engine's in-memory picture of runs: `Run` (one attempt) and `Graph` (one run of a DAG)."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from panel.jobs.model import Execution, JobDef
from panel.jobs.snapshots import RunSnapshot
from panel.jobs.states import RunStatus

if TYPE_CHECKING:
    from PySide6.QtCore import QTimer

    from panel.jobs.executor import RunHandle
    from panel.supervise.process import ManagedProcess


@dataclass(eq=False)
class Run:
    """One attempt of one job inside one graph run; mirrors its `job_runs` row."""

    id: int
    job: JobDef
    graph: Graph
    trigger: str
    options: dict[str, Any]
    attempt: int
    status: RunStatus
    queued_at: float = field(default_factory=time.time)
    started_at: float | None = None
    ended_at: float | None = None
    exit_code: int | None = None
    error: str | None = None
    waiting_on: str | None = None
    log_path: str | None = None
    pid: int | None = None
    create_time: float | None = None
    process: ManagedProcess | None = None
    timer: QTimer | None = None
    log_file: IO[bytes] | None = None
    log_failed: bool = False
    had_output: bool = False
    cancel_requested: bool = False
    timed_out: bool = False
    cut_off: bool = False
    """Stopped by the engine's shutdown once the grace time was over."""
    fixing: bool = False
    fixed: bool = False
    confirm: bool = False
    executor: str = "local"
    """`local`, or the name of the cluster executor the run is handed to."""
    handle: RunHandle | None = None
    """The run in its (non-local) executor's hands."""
    host: str | None = None

    @classmethod
    def from_row(cls, row: dict[str, Any], job: JobDef, graph: Graph) -> Run:
        """The run of history row `row` (an earlier engine's), as a node of `graph`."""
        run = cls(
            row["id"],
            job,
            graph,
            row["trigger"],
            row["options"],
            row["attempt"],
            RunStatus(row["status"]),
            queued_at=row.get("queued") or time.time(),
            started_at=row.get("start"),
            ended_at=row.get("end"),
            exit_code=row.get("exitCode"),
            error=row.get("error"),
            log_path=row.get("logPath"),
            waiting_on=row.get("waitingOn"),
        )
        run.executor, run.host = row.get("executor") or run.executor, row.get("host")
        return run

    def snapshot(self) -> RunSnapshot:
        """The run as it stands now, as the API, the history and the UI show it."""
        return RunSnapshot(
            self.id,
            self.job.id,
            str(self.status),
            self.graph.id,
            self.trigger,
            self.options,
            self.attempt,
            self.queued_at,
            self.started_at,
            self.ended_at,
            self.exit_code,
            self.error,
            self.log_path,
            self.pid,
            self.waiting_on,
            self.executor,
            self.host,
        )

    def to_json(self) -> dict[str, Any]:
        """The run as the API, the history and the UI show it (`snapshot().to_json()`)."""
        return self.snapshot().to_json()


@dataclass(eq=False)
class Graph:
    """One run of a job and the upstream jobs it pulled in (each job once)."""

    id: int
    target: str
    nodes: dict[str, Run] = field(default_factory=dict)
    downstream: dict[str, list[str]] = field(default_factory=dict)

    def link(self) -> None:
        """Fill `downstream` from the jobs of `nodes` (a graph rebuilt from the history)."""
        self.downstream.clear()
        for job_id, run in self.nodes.items():
            for dep in run.job.depends_on:
                if dep in self.nodes:
                    self.downstream.setdefault(dep, []).append(job_id)

    def upstream_of(self, run: Run) -> list[Run]:
        """The current runs of the jobs `run` depends on within this graph."""
        return [self.nodes[dep] for dep in run.job.depends_on if dep in self.nodes]

    def downstream_of(self, run: Run) -> list[Run]:
        """The current runs of the jobs depending on `run`'s job within this graph."""
        return [self.nodes[d] for d in self.downstream.get(run.job.id, ())]


def trigger_verdict(rule: str, upstream: list[Run]) -> bool | None:
    """Decide a run from its upstream runs: True run it, False skip it, None wait.

    all_success: every upstream succeeded; all_done: every upstream is final;
    one_failed: at least one upstream failed or timed out (runs as soon as one did).
    """
    if rule == "one_failed" and any(u.status.is_failure for u in upstream):
        return True
    if not all(u.status.is_final for u in upstream):
        return None
    if rule == "all_done":
        return True
    if rule == "one_failed":
        return False
    return all(u.status == RunStatus.SUCCESS for u in upstream)


def retry_delay(execution: Execution, attempt: int, rng: random.Random | None = None) -> float:
    """Seconds before attempt `attempt + 1`, after attempt `attempt` (1-based) failed.

    fixed: delay; linear: delay * attempt; exponential: delay * 2**(attempt-1);
    then up to `jitter` (a fraction) added at random, and capped at `max_retry_delay`.
    """
    base = execution.retry_delay
    if execution.backoff == "linear":
        base *= attempt
    elif execution.backoff == "exponential":
        base *= 2 ** (attempt - 1)
    spread = (rng or random).uniform(0.0, execution.jitter) if execution.jitter > 0 else 0.0
    return min(execution.max_retry_delay, base * (1.0 + spread))
