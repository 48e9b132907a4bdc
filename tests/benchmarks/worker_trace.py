"""Where a connection worker's late cycles lost their time (`-m tests.benchmarks.worker_trace`).

Runs `panel worker connection` (same arguments) with two probes: the loop's selector
(the time and the main thread's scheduler figures around each `select()`) and the block
timer (its deadline and the moment the cycle started). A cycle later than
`TRACE_LATE_MS` is split into:

- `busy_ms`: the loop was running its own code when the deadline passed (select entered
  late), usually the previous cycle itself (`previous_cycle_ms`: it overran the period);
- `runqueue_ms`: inside select, after the wake-up, the main thread waited for a CPU;
- `gil_ms`: the rest of select past the deadline: awake, not waiting for a CPU, not
  running: waiting for the interpreter lock (another thread of the worker held it);
- `after_select_ms`: other callbacks of the same loop turn ran before the cycle.

`others_run_ms` is the CPU the worker's other threads (paho's) had during those selects,
`gc_ms` the garbage collections between the deadline and the cycle.
At exit one line `LATE-TRACE {json}` goes to stderr. Linux only.
"""

from __future__ import annotations

import json
import os
import selectors
import sys
import threading
import time
from typing import Any

from panel.connections.worker import timing

LATE_MS = float(os.environ.get("TRACE_LATE_MS", "10"))
_last: dict[str, Any] = {}
_cycles: list[dict[str, float]] = []
_counts = {"cycles": 0}


def _schedstat(tid: int) -> tuple[int, int]:
    try:
        with open(f"/proc/self/task/{tid}/schedstat", "rb") as f:
            run, wait, _ = f.read().split()
    except (OSError, ValueError):
        return 0, 0
    return int(run), int(wait)


_threads: dict[str, Any] = {"at": 0.0, "tids": []}
_gc: dict[str, Any] = {"start": 0.0, "spans": []}


def _on_gc(phase: str, info: dict[str, Any]) -> None:
    """Keep the last few collections' (start, end, generation)."""
    now = time.monotonic()
    if phase == "start":
        _gc["start"] = now
        return
    spans = _gc["spans"]
    spans.append((_gc["start"], now, info.get("generation", -1)))
    del spans[:-20]


def _gc_overlap(start: float, end: float) -> tuple[float, int]:
    """Milliseconds of collection inside [start, end], and the oldest generation seen."""
    total, oldest = 0.0, -1
    for a, b, generation in _gc["spans"]:
        overlap = min(b, end) - max(a, start)
        if overlap > 0:
            total += overlap
            oldest = max(oldest, generation)
    return total * 1000.0, oldest


def _others_run() -> int:
    """CPU nanoseconds of the worker's other threads (their list refreshed each second)."""
    now = time.monotonic()
    if now - _threads["at"] > 1.0:
        main = threading.main_thread().native_id
        _threads["tids"] = [int(n) for n in os.listdir("/proc/self/task") if int(n) != main]
        _threads["at"] = now
    return sum(_schedstat(tid)[0] for tid in _threads["tids"])


class _Probe(selectors.DefaultSelector):  # type: ignore[misc,valid-type]
    def select(self, timeout: float | None = None) -> Any:
        tid = threading.main_thread().native_id
        run0, wait0 = _schedstat(tid)
        other0 = _others_run()
        s0 = time.monotonic()
        events = super().select(timeout)
        s1 = time.monotonic()
        run1, wait1 = _schedstat(tid)
        _last.update(
            s0=s0,
            s1=s1,
            wait=(wait1 - wait0) / 1e6,
            run=(run1 - run0) / 1e6,
            others=(_others_run() - other0) / 1e6,
        )
        return events


_original_wait = timing.PeriodicTimer.wait


async def _traced_wait(self: timing.PeriodicTimer) -> None:
    await _original_wait(self)
    _counts["cycles"] += 1
    late = self.stats.lateness_ms
    previous_cycle_ms = self.stats.last_cycle_ms
    if late < LATE_MS or not _last or self._deadline is None:
        return
    now = time.monotonic()
    deadline = self._deadline
    s0, s1 = _last["s0"], _last["s1"]
    busy = max(0.0, s0 - deadline) * 1000.0
    in_select = max(0.0, s1 - max(s0, deadline)) * 1000.0
    runqueue = min(in_select, _last["wait"])
    gc_ms, gc_generation = _gc_overlap(deadline, now)
    _cycles.append(
        {
            "late_ms": late,
            "previous_cycle_ms": previous_cycle_ms,
            "busy_ms": busy,
            "runqueue_ms": runqueue,
            "gil_ms": max(0.0, in_select - runqueue),
            "after_select_ms": max(0.0, now - s1) * 1000.0,
            "others_run_ms": _last["others"],
            "gc_ms": gc_ms,
            "gc_generation": gc_generation,
        }
    )


def _report() -> None:
    keys = ["late_ms", "previous_cycle_ms", "busy_ms", "runqueue_ms", "gil_ms"]
    keys += ["after_select_ms", "others_run_ms", "gc_ms"]
    sums = {k: round(sum(c[k] for c in _cycles), 1) for k in keys}
    worst = sorted(_cycles, key=lambda c: -c["late_ms"])[:3]
    out = {
        "cycles": _counts["cycles"],
        "late": len(_cycles),
        "sums": sums,
        "worst": [{k: round(v, 1) for k, v in c.items()} for c in worst],
    }
    sys.stderr.write("LATE-TRACE " + json.dumps(out) + "\n")
    sys.stderr.flush()


def main() -> int:
    """Run the worker with the probes, then report."""
    import asyncio
    import gc

    from panel.connections.worker.entry import main as worker_main
    from panel.mqtt.worker_sink import bus_sink

    gc.callbacks.append(_on_gc)
    timing.PeriodicTimer.wait = _traced_wait  # type: ignore[method-assign]
    policy = asyncio.DefaultEventLoopPolicy()
    policy.new_event_loop = lambda: asyncio.SelectorEventLoop(_Probe())  # type: ignore[method-assign]
    asyncio.set_event_loop_policy(policy)
    try:
        return worker_main(sys.argv[1:], sink_factory=bus_sink)
    finally:
        _report()


if __name__ == "__main__":
    sys.exit(main())
