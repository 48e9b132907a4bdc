"""The embedded broker yields the CPU to acquisition: it runs at a lower priority.

Every block cycle of every worker sends the broker a message that it (pure Python)
parses and forwards; on a small machine that work landed in the workers' wake-ups and
made their timers late. Bus delivery has a budget of tens of milliseconds, acquisition
timing of a few, so the broker lowers its own priority when it starts:

- its nice value (`BROKER_NICE`, `--nice`): the scheduler weighs it against the processes
  of its own scheduling group, and a worker that wakes preempts it;
- when it leads a session of its own (as the engine starts every child) and the kernel
  groups processes by session (Linux autogroup), that group's nice too: otherwise a
  lone broker's group would still weigh as much as each worker's.

Lowering a priority needs no privilege; where the platform has none of this, nothing
changes.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

BROKER_NICE = 10
"""The broker's default nice value (0 = as the workers, 19 = the lowest)."""
AUTOGROUP = Path("/proc/self/autogroup")


def lower_priority(nice: int, autogroup: Path = AUTOGROUP) -> list[str]:
    """Run this process at `nice` (only ever lower); what could not be done, as text.

    Call it before any thread starts: on Linux a nice value is per thread, and threads
    started later inherit it.
    """
    problems: list[str] = []
    if nice <= 0 or not hasattr(os, "setpriority"):
        return problems
    try:
        current = os.getpriority(os.PRIO_PROCESS, 0)
        if current < nice:
            os.setpriority(os.PRIO_PROCESS, 0, nice)
    except OSError as exc:
        problems.append(f"nice {nice}: {exc.strerror or exc}")
    if _leads_session() and autogroup.exists():
        try:
            autogroup.write_text(f"{nice}\n")
        except OSError as exc:
            problems.append(f"{autogroup} nice {nice}: {exc.strerror or exc}")
    return problems


def _leads_session() -> bool:
    """True when this process leads its session: its autogroup holds nothing else of ours."""
    with contextlib.suppress(OSError, AttributeError):
        return os.getsid(0) == os.getpid()
    return False
