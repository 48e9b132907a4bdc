"""Formatting of durations, sizes and commands for labels."""

from __future__ import annotations

from collections.abc import Sequence


def format_duration(seconds: float) -> str:
    """`1:02:03` style; days shown as `2d 01:02:03`."""
    total = int(seconds)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{days}d {clock}" if days else clock


def format_span(seconds: float) -> str:
    """A span as people say it, to its two largest units: `5 s`, `12 min`, `3 h 12 min`,
    `2 d 4 h` (for "updated 5 s ago", "in 3 h 12 min")."""
    total = max(0, int(seconds))
    if total < 60:
        return f"{total} s"
    minutes, hours, days = total // 60, total // 3600, total // 86400
    if hours == 0:
        return f"{minutes} min"
    if days == 0:
        rest = minutes % 60
        return f"{hours} h {rest} min" if rest else f"{hours} h"
    rest = hours % 24
    return f"{days} d {rest} h" if rest else f"{days} d"


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


def format_argv(command: str | Sequence[str]) -> str:
    """A command as an operator reads it: argv items separated by spaces, an item with a
    space (or an empty one) in double quotes, quotes inside it left as they are, never
    shell-escaped. A command given as one string is shown as written."""
    if isinstance(command, str):
        return command
    items = [str(item) for item in command]
    return " ".join(
        f'"{item}"' if not item or any(c.isspace() for c in item) else item for item in items
    )
