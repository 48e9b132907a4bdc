"""Cron timers: one single-shot QTimer armed for the earliest next fire time, no polling."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer

from panel.jobs.clock import Clock
from panel.jobs.cron import CronSchedule

MAX_TIMER_MS = 3_600_000
"""Re-check at least hourly (clock jumps, suspend) even when the next fire is far away."""


class CronScheduler(QObject):
    """Calls `fire(job_id, fire_time)` at each job's cron fire times, per the injected clock."""

    def __init__(
        self, clock: Clock, fire: Callable[[str, float], None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._fire = fire
        self._schedules: dict[str, CronSchedule] = {}
        self._next: dict[str, float] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_timer)
        self.lateness_ms: deque[float] = deque(maxlen=10_000)
        """How late each fire was handled (wall clock), newest last."""

    def set_schedules(self, schedules: dict[str, CronSchedule]) -> None:
        """Replace the schedules (hot reload); unchanged expressions keep their next time."""
        now = self._clock.now()
        old = self._schedules
        self._schedules = dict(schedules)
        self._next = {
            job_id: (
                self._next[job_id]
                if job_id in self._next
                and old.get(job_id) is not None
                and (old[job_id].expression, old[job_id].tz) == (s.expression, s.tz)
                else s.next_after(now)
            )
            for job_id, s in schedules.items()
        }
        self._arm()

    def next_fire(self, job_id: str) -> float | None:
        """The next fire time of `job_id`, or None when it has no schedule."""
        return self._next.get(job_id)

    def stop(self) -> None:
        """No more fires."""
        self._timer.stop()
        self._schedules.clear()
        self._next.clear()

    def _arm(self) -> None:
        if not self._next:
            self._timer.stop()
            return
        delay = min(self._next.values()) - self._clock.now()
        self._timer.start(max(0, min(MAX_TIMER_MS, int(delay * 1000) + 1)))

    def _on_timer(self) -> None:
        now = self._clock.now()
        due = sorted((when, job_id) for job_id, when in self._next.items() if when <= now)
        for when, job_id in due:
            self.lateness_ms.append((time.time() - when) * 1000)
            self._next[job_id] = self._schedules[job_id].next_after(max(now, when))
            self._fire(job_id, when)
        self._arm()
