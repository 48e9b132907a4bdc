"""Formatting of durations and sizes for labels."""

from __future__ import annotations


def format_duration(seconds: float) -> str:
    """`1:02:03` style; days shown as `2d 01:02:03`."""
    total = int(seconds)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{days}d {clock}" if days else clock


def format_run_duration(seconds: float) -> str:
    """How long a run took: `0.42 s`, `12.3 s`, then `format_duration` from a minute on
    (a job of a few seconds or less must not read `0:00:00`)."""
    if seconds < 10:
        return f"{seconds:.2f} s"
    if seconds < 60:
        return f"{seconds:.1f} s"
    return format_duration(seconds)


def format_bytes(count: float) -> str:
    """`12.3 MB` style (decimal units)."""
    for unit in ("B", "kB", "MB", "GB"):
        if abs(count) < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} GB"
