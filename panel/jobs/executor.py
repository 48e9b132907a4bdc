"""The executor seam of the job engine: where a run's command runs.

`local` (the default) is the engine's own path: a `ManagedProcess` child on this
machine, which reports through the supervision core's `ProcessListener` calls (the
hot path of a busy graph, kept as it is). Any other executor is named in the
workspace's `executors` section and implements `Executor`: `launch` hands a run to
it and returns a `RunHandle`; the executor then tells the engine of the run's events
through the `ExecutorListener` calls, on the engine's thread, in order: `run_waiting`
(zero or more: why it is not dispatched yet), `run_started(host, pid)`, `run_output`
and `run_cursor` (any number), and exactly one `run_ended(code, signal, reason, error)`.
`reattach` picks up a run an earlier engine handed out, from the last log position it
saved (`run_cursor`), so a restarted panel neither repeats nor misses a line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

LOCAL = "local"
"""The executor name of a run on this machine (the default)."""


class RunHandle(Protocol):
    """A run in an executor's hands."""

    run_id: int
    remote_ref: str
    """The executor's own id of the run (kept in the run's row for `reattach`)."""
    dispatched: bool
    """True once the cluster has the run (a later engine can re-attach to it)."""

    def stop(self) -> None:
        """Stop the run's whole process tree; `run_ended` (reason `cancelled`) follows."""

    def detach(self) -> None:
        """Stop following the run and leave it going (the engine shuts down; a later
        one re-attaches). No further events."""


class ExecutorListener(Protocol):
    """What an executor tells the engine, on the engine's thread."""

    def run_waiting(self, handle: RunHandle, reason: str | None) -> None:
        """The run is not dispatched yet (`reason`, e.g. the broker cannot be reached),
        or (None) it is dispatched and waits for a worker."""

    def run_started(self, handle: RunHandle, host: str, pid: int | None) -> None:
        """The run's command runs on `host` as process `pid` (that host's pid)."""

    def run_output(self, handle: RunHandle, stream: str, data: bytes) -> None:
        """A line of the run's `stream` ("stdout" or "stderr")."""

    def run_cursor(self, handle: RunHandle, cursor: str) -> None:
        """Everything up to log position `cursor` was handed over (save it for `reattach`)."""

    def run_ended(
        self,
        handle: RunHandle,
        code: int | None,
        signal: int | None,
        reason: str,
        error: str | None,
    ) -> None:
        """The run is over: its exit `code` or `signal`, and why (`exit`, `timeout`,
        `cancelled`, `worker lost`, `start failed`, `dispatch failed`)."""


class Executor(Protocol):
    """Runs commands somewhere other than this machine's engine process tree."""

    name: str

    def launch(
        self,
        run_id: int,
        argv: Sequence[str],
        env: Mapping[str, str],
        cwd: str | None,
        timeout_s: float,
        listener: ExecutorListener,
    ) -> RunHandle:
        """Hand run `run_id` over (returns at once; events follow)."""

    def reattach(
        self, run_id: int, remote_ref: str, log_cursor: str | None, listener: ExecutorListener
    ) -> RunHandle:
        """Follow a run handed over by an earlier engine, from `log_cursor` on."""

    def close(self) -> None:
        """Stop following every run (they go on) and release the executor's threads."""
