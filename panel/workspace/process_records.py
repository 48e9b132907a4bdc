"""A child process the panel started, as recorded in the workspace for the start-up sweep."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RecordedProcess:
    """One recorded child: enough to find it again after a crash of the panel.

    `create_time` (psutil's, seconds since the epoch) tells a live child from an
    unrelated process that later got the same pid; `sid` is the child's session,
    which holds its whole tree.
    """

    name: str
    pid: int
    create_time: float
    sid: int
