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

from collections.abc import Iterator, Sequence
from typing import Any, overload

__all__ = ["TagBatch", "from_columns", "to_columns"]


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


class TagBatch(Sequence[dict[str, Any]]):
    """The value objects of one columns notification, made only when first read.

    A window receives every connection's values but shows one connection's table:
    for the others it counts and keeps the batch, and never builds its objects
    when a later batch of the same tags replaced it before anyone read it.
    """

    __slots__ = ("_columns", "_objects", "names")

    def __init__(self, columns: dict[str, Any]) -> None:
        self._columns = columns
        self._objects: list[dict[str, Any]] | None = None
        self.names: list[Any] = columns["names"]
        """The tags' names, in the batch's order."""

    @classmethod
    def of(cls, columns: dict[str, Any]) -> TagBatch | None:
        """The batch of `columns`, None when they are not well formed."""
        names, value = columns.get("names"), columns.get("value")
        if not isinstance(names, list) or not isinstance(value, list) or len(names) != len(value):
            return None
        for key in ("quality", "ts", "reason"):
            column = columns.get(key)
            if isinstance(column, list) and len(column) != len(names):
                return None
        return cls(columns)

    def objects(self) -> list[dict[str, Any]]:
        """The value objects (made once)."""
        if self._objects is None:
            self._objects = from_columns(self._columns) or []
        return self._objects

    def __len__(self) -> int:
        return len(self.names)

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...

    @overload
    def __getitem__(self, index: slice) -> list[dict[str, Any]]: ...

    def __getitem__(self, index: int | slice) -> dict[str, Any] | list[dict[str, Any]]:
        return self.objects()[index]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.objects())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TagBatch | list):
            return self.objects() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a sequence of dicts has no hash
