"""Cron schedules through croniter: 5 fields (or 6, seconds last), a time zone per job.

All times are epoch seconds; the time zone only decides what "03:00" means.
croniter (with dateutil, about 2 MB resident) is imported with the first
schedule: an engine without scheduled jobs never loads it.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

MAX_MISSED = 100
"""The most fire times a `missedRuns: all` policy replays after downtime."""


class CronSchedule:
    """One cron expression in one time zone (None: the machine's local zone)."""

    def __init__(self, expression: str, timezone: str | None = None) -> None:
        if not _croniter().is_valid(expression):
            raise ValueError(f"not a cron expression: {expression!r}")
        self.expression = expression
        self.tz: tzinfo | None = ZoneInfo(timezone) if timezone else None

    def _at(self, when: float) -> datetime:
        moment = datetime.fromtimestamp(when, self.tz)
        return moment if self.tz is not None else moment.astimezone()

    def next_after(self, when: float) -> float:
        """The first fire time strictly after `when`."""
        return float(_croniter()(self.expression, self._at(when)).get_next(float))

    def fires_between(self, after: float, until: float, limit: int = MAX_MISSED) -> list[float]:
        """Fire times in (after, until], oldest first, at most `limit` (the newest ones)."""
        it = _croniter()(self.expression, self._at(after))
        out: list[float] = []
        while True:
            moment = float(it.get_next(float))
            if moment > until:
                return out
            out.append(moment)
            if len(out) > limit:
                out.pop(0)


def _croniter() -> Any:
    from croniter import croniter

    return croniter


def missed_fires(
    schedule: CronSchedule, last_fire: float | None, now: float, policy: str
) -> list[float]:
    """The fire times to run now for the ones missed since `last_fire`, per `policy`.

    skip: none; coalesce: the newest one only; all: each (at most `MAX_MISSED`).
    Without a `last_fire` (a job never scheduled before) nothing was missed.
    """
    if last_fire is None or policy == "skip":
        return []
    missed = schedule.fires_between(last_fire, now)
    if policy == "coalesce":
        return missed[-1:]
    return missed
