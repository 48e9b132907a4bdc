"""The states of a supervised process, with supervisord's meanings."""

from __future__ import annotations

from enum import Enum


class ProcessState(Enum):
    """Where a `ManagedProcess` stands.

    - STOPPED: not running, nothing scheduled (initial state, or after stop()).
    - STARTING: spawned, not yet alive for ``start_secs``.
    - RUNNING: survived ``start_secs``.
    - BACKOFF: waiting to start again (after a failed start, or a delayed restart).
    - STOPPING: stop signal sent, waiting for the whole process tree to be gone.
    - EXITED: exited on its own from RUNNING (a restart may follow, per policy).
    - FATAL: could not be started (too many failed starts); a manual start() retries.
    """

    STOPPED = "stopped"
    STARTING = "starting"
    RUNNING = "running"
    BACKOFF = "backoff"
    STOPPING = "stopping"
    EXITED = "exited"
    FATAL = "fatal"

    @property
    def is_alive(self) -> bool:
        """True while a child process (may) exist: STARTING, RUNNING, STOPPING."""
        return self in (ProcessState.STARTING, ProcessState.RUNNING, ProcessState.STOPPING)

    @property
    def is_idle(self) -> bool:
        """True when nothing runs and nothing is scheduled: STOPPED, EXITED, FATAL."""
        return self in (ProcessState.STOPPED, ProcessState.EXITED, ProcessState.FATAL)
