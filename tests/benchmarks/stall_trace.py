"""Where a late heartbeat's time went: a stall tracer for the window's benchmarks.

Called from the 1 ms heartbeat, `StallTrace.beat()` reads each watched thread's
scheduler figures (`/proc/self/task/<tid>/schedstat`: nanoseconds on a CPU, nanoseconds
waiting in the run queue for one) and the machine's busy time (`/proc/stat`). When
a beat comes late, the gap is split, for the Qt thread, into: running (its own code:
handlers, painting), waiting for a CPU (the machine is busy), and the rest: asleep
although a timer was due, i.e. waiting for the interpreter lock. The same figures of
the other watched threads say who held the lock meanwhile. A sampler thread (when
`sample_ms` is given) records the Qt thread's Python stack every few milliseconds;
the stacks seen inside a gap are reported with it.

Linux only (the figures are empty elsewhere). Reading two small files per beat costs
about 10 µs, so it is only switched on for a diagnosis (`BENCH_STALL_TRACE=1`).
"""

from __future__ import annotations

import collections
import os
import sys
import threading
import time
import traceback
from typing import Any

_CLOCK_TICK_S = 1.0 / os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 0.01


def _schedstat(tid: int) -> tuple[int, int]:
    try:
        with open(f"/proc/self/task/{tid}/schedstat", "rb") as f:
            run, wait, _slices = f.read().split()
    except (OSError, ValueError):
        return 0, 0
    return int(run), int(wait)


def _machine_busy_s() -> float:
    """Seconds of CPU time all CPUs spent on anything but idle and iowait, since boot."""
    try:
        with open("/proc/stat", "rb") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) * _CLOCK_TICK_S


class StallTrace:
    """Splits every heartbeat gap longer than `threshold_s` by what the threads did."""

    def __init__(
        self,
        threads: dict[str, int],
        threshold_s: float = 0.03,
        sample_ms: float | None = None,
    ) -> None:
        self.threads = dict(threads)
        """name -> native thread id; "qt" must be the Qt (main) thread."""
        self.threshold_s = threshold_s
        self.gaps: list[dict[str, Any]] = []
        self._last = self._first = self._read()
        self._samples: collections.deque[tuple[float, str]] = collections.deque(maxlen=20_000)
        self._stop = threading.Event()
        self._sampler: threading.Thread | None = None
        if sample_ms is not None:
            self._sampler = threading.Thread(
                target=self._sample, args=(sample_ms / 1000,), daemon=True, name="stall-sampler"
            )
            self._sampler.start()

    def _read(self) -> tuple[float, float, dict[str, tuple[int, int]]]:
        stats = {name: _schedstat(tid) for name, tid in self.threads.items()}
        return time.perf_counter(), _machine_busy_s(), stats

    def beat(self) -> None:
        """Call at every heartbeat: records the gap since the last call if it was long."""
        now = self._read()
        then, self._last = self._last, now
        gap = now[0] - then[0]
        if gap < self.threshold_s:
            return
        record: dict[str, Any] = {
            "gap_ms": round(gap * 1000, 1),
            "machine_busy_cpus": round((now[1] - then[1]) / gap, 2),
        }
        for name in self.threads:
            run = (now[2][name][0] - then[2][name][0]) / 1e6
            wait = (now[2][name][1] - then[2][name][1]) / 1e6
            record[f"{name}_run_ms"] = round(run, 1)
            record[f"{name}_cpu_wait_ms"] = round(wait, 1)
        qt_rest = gap * 1000 - record["qt_run_ms"] - record["qt_cpu_wait_ms"]
        record["qt_asleep_ms"] = round(max(0.0, qt_rest), 1)
        if self._sampler is not None:
            seen = collections.Counter(s for t, s in self._samples if then[0] <= t <= now[0])
            record["qt_stacks"] = seen.most_common(4)
        self.gaps.append(record)

    def _sample(self, period_s: float) -> None:
        main = threading.main_thread().ident
        while not self._stop.wait(period_s):
            frame = sys._current_frames().get(main)
            if frame is None:
                continue
            stack = traceback.extract_stack(frame, limit=4)
            where = " < ".join(
                f"{os.path.basename(f.filename)}:{f.lineno} {f.name}" for f in reversed(stack)
            )
            self._samples.append((time.perf_counter(), where))

    def stop(self) -> None:
        """Stop the sampler thread."""
        self._stop.set()
        if self._sampler is not None:
            self._sampler.join(2)

    def report(self, top: int = 6) -> dict[str, Any]:
        """The longest gaps, and the sums over every recorded gap."""
        gaps = sorted(self.gaps, key=lambda g: -g["gap_ms"])
        sums: dict[str, float] = collections.defaultdict(float)
        for gap in self.gaps:
            for key, value in gap.items():
                if isinstance(value, int | float) and key != "machine_busy_cpus":
                    sums[key] += value
        first, last = self._first, self._last
        span = max(1e-9, last[0] - first[0])
        totals = {
            name: {
                "run_percent": round((last[2][name][0] - first[2][name][0]) / 1e7 / span, 1),
                "cpu_wait_percent": round((last[2][name][1] - first[2][name][1]) / 1e7 / span, 1),
            }
            for name in self.threads
        }
        return {
            "threads_over_the_run": totals,
            "gaps_over_threshold": len(self.gaps),
            "sum_over_gaps": {k: round(v, 1) for k, v in sums.items()},
            "longest": gaps[:top],
        }
