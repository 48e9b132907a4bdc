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


def format_bytes(count: float) -> str:
    """`12.3 MB` style (decimal units)."""
    for unit in ("B", "kB", "MB", "GB"):
        if abs(count) < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    return f"{count:.1f} GB"
