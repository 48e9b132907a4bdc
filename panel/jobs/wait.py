"""Waiting for a run's result: what a webhook with `wait` answers once the run is final."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from panel.jobs.snapshots import RunSnapshot
from panel.jobs.states import FINAL

if TYPE_CHECKING:
    from panel.jobs.engine import JobEngine

NO_TIMEOUT_WAIT_S = 3600.0
"""How long a wait lasts for a job without a timeout."""

STOP_MARGIN_S = 30.0
"""Beyond a job's timeout: the time its tree takes to stop, and the start."""


def wait_bound(jobs: JobEngine, job_id: str) -> float:
    """Seconds a wait for a run of `job_id` lasts: its timeout (per attempt) plus a margin."""
    job = jobs.jobs.get(job_id)
    if job is None or job.execution.timeout <= 0:
        return NO_TIMEOUT_WAIT_S
    attempts = 1 + max(0, job.execution.max_retries)
    return attempts * (job.execution.timeout + STOP_MARGIN_S)


def run_result(row: dict[str, Any]) -> dict[str, Any]:
    """`{run, job, status, exitCode, durationMs, error}` of a history row."""
    start, end = row.get("start"), row.get("end")
    duration = None if start is None or end is None else round((end - start) * 1000, 1)
    return {
        "run": row.get("id"),
        "job": row.get("job"),
        "status": row.get("status"),
        "exitCode": row.get("exitCode"),
        "durationMs": duration,
        "error": row.get("error"),
    }


async def wait_for_run(jobs: JobEngine, run_id: int) -> tuple[int, dict[str, Any]]:
    """(200, result) once run `run_id` (or the retry that follows it) is final; (202, its
    state and `waitTimedOut`) when the bound passes first."""
    row = jobs.store.run(run_id) or {"id": run_id}
    if row.get("status") in FINAL:
        return 200, run_result(row)
    loop = asyncio.get_running_loop()
    done: asyncio.Future[RunSnapshot] = loop.create_future()
    job, graph = row.get("job"), row.get("graphId")

    def on_finished(run: RunSnapshot) -> None:
        ours = run.id == run_id or (run.job == job and graph is not None and run.graph_id == graph)
        if ours and not done.done():
            done.set_result(run)

    jobs.sig_run_finished.connect(on_finished)
    try:
        row = jobs.store.run(run_id) or row  # it may have ended before we listened
        if row.get("status") not in FINAL:
            finished = await asyncio.wait_for(done, wait_bound(jobs, str(job)))
            row = jobs.store.run(finished.id) or finished.to_json()
    except TimeoutError:
        row = jobs.store.run(run_id) or row
        return 202, {**run_result(row), "waitTimedOut": True}
    finally:
        jobs.sig_run_finished.disconnect(on_finished)
    return 200, run_result(row)
