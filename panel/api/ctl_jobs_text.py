"""Text `opspanel ctl` prints for `jobs status` and `datasets list|release` (no I/O here)."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def _elapsed(seconds: float) -> str:
    """`2h 03m`, `4m 05s`, `12s`."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def _when(ts: Any) -> str:
    """Local `YYYY-MM-DD HH:MM` of epoch seconds, `-` without."""
    if ts is None:
        return "-"
    try:
        return f"{datetime.fromtimestamp(float(ts)):%Y-%m-%d %H:%M}"
    except (TypeError, ValueError, OverflowError, OSError):
        return "-"


def format_dashboard(figures: dict[str, Any]) -> str:
    """`jobs.dashboard` as lines: today's counts, running (elapsed), next 5, failures."""
    today = figures.get("today") or {}
    lines = [
        f"today: {today.get('total', 0)} runs, {today.get('success', 0)} success, "
        f"{today.get('failed', 0)} failed, {today.get('running', 0)} running"
    ]
    for item in figures.get("running") or ():
        run = item.get("run") or {}
        lines.append(
            f"running: {run.get('job')} (run {run.get('id')}, pid {run.get('pid') or '-'}) "
            f"for {_elapsed(float(item.get('elapsed') or 0))}"
        )
    for item in figures.get("next") or ():
        lines.append(f"next: {item.get('job')} at {_when(item.get('when'))}")
    for run in figures.get("failures") or ():
        code = run.get("exitCode")
        why = f"exit {code}" if code is not None else (run.get("error") or run.get("status"))
        lines.append(
            f"{run.get('status')}: {run.get('job')} (run {run.get('id')}) "
            f"at {_when(run.get('end') or run.get('start'))}, {why}"
        )
    return "\n".join(lines)


def allocation_row(row: dict[str, Any]) -> tuple[str, ...]:
    """`raw  /data/raw  exclusive  etl  run 12  4242  2026-12-03 08:15` as table cells."""
    pid = row.get("pid")
    return (
        str(row.get("name")),
        str(row.get("path")),
        str(row.get("mode")),
        str(row.get("job") or "-"),
        f"{row.get('ownerKind')} {row.get('ownerId')}",
        str(pid) if pid is not None else "-",
        _when(row.get("acquired")),
    )


def format_released(row: dict[str, Any]) -> str:
    """`released raw (run 12, pid 4242)`."""
    pid = row.get("pid")
    return (
        f"released {row.get('name')} ({row.get('ownerKind')} {row.get('ownerId')}, "
        f"pid {pid if pid is not None else '-'})"
    )
