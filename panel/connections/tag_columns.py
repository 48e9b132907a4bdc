"""Tag values as columns: the compact shape of a `conns.tags` notification.

A batch of tag values is a list of `{name, value, quality, ts, reason?}` objects. On the
API every object repeats its four keys, and a poll's values share one quality and one
timestamp, so a window receiving 100k values a second decoded (and the engine encoded)
ten times the text the values need. As columns the same batch is

    {"names": [...], "value": [...], "quality": "good" | [...], "ts": 1.5 | [...],
     "reason": [null | "...", ...]}   (reason only when a value has one)

a column that holds one value for every tag is sent as that value once. `to_columns`
and `from_columns` are exact inverses for the values a worker sends.
"""

from __future__ import annotations

from typing import Any

__all__ = ["from_columns", "to_columns"]


def to_columns(values: list[dict[str, Any]]) -> dict[str, Any]:
    """The columns of `values` (objects with name, value, quality, ts, reason?)."""
    names = [v["name"] for v in values]
    quality = [v.get("quality", "unknown") for v in values]
    ts = [v.get("ts") for v in values]
    reason = [v.get("reason") for v in values]
    columns: dict[str, Any] = {
        "names": names,
        "value": [v.get("value") for v in values],
        "quality": _folded(quality),
        "ts": _folded(ts),
    }
    if any(r is not None for r in reason):
        columns["reason"] = reason
    return columns


def _folded(column: list[Any]) -> Any:
    """The column's one value when every entry is that value (and there is one), else it."""
    if column and column.count(column[0]) == len(column):
        first = column[0]
        if not isinstance(first, list):
            return first
    return column


def from_columns(columns: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The value objects of `columns`; None when they are not well formed."""
    names, value = columns.get("names"), columns.get("value")
    if not isinstance(names, list) or not isinstance(value, list) or len(names) != len(value):
        return None
    count = len(names)
    quality = _column(columns.get("quality", "unknown"), count)
    ts = _column(columns.get("ts"), count)
    reason = _column(columns.get("reason"), count)
    if quality is None or ts is None or reason is None:
        return None
    out = [
        {"name": n, "value": v, "quality": q, "ts": t}
        for n, v, q, t in zip(names, value, quality, ts, strict=True)
    ]
    if columns.get("reason") is not None:
        for entry, why in zip(out, reason, strict=True):
            if why is not None:
                entry["reason"] = why
    return out


def _column(column: Any, count: int) -> list[Any] | None:
    """A column as a list of `count` entries (a single value repeated); None if malformed."""
    if isinstance(column, list):
        return column if len(column) == count else None
    return [column] * count
