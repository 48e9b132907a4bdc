"""Run states and triggers, as stored in the history and shown to people."""

from __future__ import annotations

from enum import StrEnum


class RunStatus(StrEnum):
    """Where one run (one attempt of a job) stands.

    queued: ready, waiting for a free slot; waiting: on upstream runs or a dataset;
    running; retrying: an earlier attempt failed, this one waits out its backoff;
    then one final state: success, failed, timed_out, cancelled, skipped (its
    upstream did not satisfy the trigger rule) or interrupted (the panel stopped
    or died while it ran).
    """

    QUEUED = "queued"
    WAITING = "waiting"
    RUNNING = "running"
    RETRYING = "retrying"
    SUCCESS = "success"
    FAILED = "failed"
    TIMED_OUT = "timed_out"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"
    INTERRUPTED = "interrupted"

    @property
    def is_final(self) -> bool:
        """True for the states a run never leaves."""
        return self in FINAL

    @property
    def is_failure(self) -> bool:
        """True for failed and timed_out (what `one_failed` and `onFailure` react to)."""
        return self in (RunStatus.FAILED, RunStatus.TIMED_OUT)


FINAL = frozenset(
    {
        RunStatus.SUCCESS,
        RunStatus.FAILED,
        RunStatus.TIMED_OUT,
        RunStatus.CANCELLED,
        RunStatus.SKIPPED,
        RunStatus.INTERRUPTED,
    }
)
"""States a run ends in."""

ACTIVE = frozenset(RunStatus) - FINAL
"""States of a run still in the engine's hands."""


class Trigger(StrEnum):
    """What started a run."""

    MANUAL = "manual"
    SCHEDULED = "scheduled"
    CHAINED = "chained"
    WEBHOOK = "webhook"
    API = "api"
