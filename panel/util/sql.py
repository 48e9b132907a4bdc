"""Small helpers for the plain sqlite3 queries of the audit log and the job history."""

from __future__ import annotations

from collections.abc import Iterable


def where(conditions: Iterable[tuple[str, object]]) -> tuple[str, list[object]]:
    """(" WHERE a AND b", args) from (condition with one ``?``, value) pairs.

    A pair whose value is None is left out (a filter not asked for); with none
    left the clause is "".
    """
    parts: list[str] = []
    args: list[object] = []
    for condition, value in conditions:
        if value is not None:
            parts.append(condition)
            args.append(value)
    return (f" WHERE {' AND '.join(parts)}" if parts else ""), args
