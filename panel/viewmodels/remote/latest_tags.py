"""`LatestTags`: the latest value of every tag of one remote connection, merged lazily."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from panel.connections.tag_columns import TagBatch

MAX_PENDING = 16
"""Batches kept unmerged at most; then they are merged (their objects made)."""


class LatestTags:
    """A connection's latest values, for a table opened later (`values`).

    Batches are kept as they came and merged only when read, or when more than
    MAX_PENDING wait; a batch of the same tags as an earlier waiting one replaces
    it unread (a poll of a block after the previous poll of that block), so
    connections nobody looks at cost a list comparison per batch, not an object
    per value.
    """

    def __init__(self, values: Sequence[dict[str, Any]] = ()) -> None:
        self._merged: dict[str, dict[str, Any]] = {v["name"]: v for v in values}
        self._pending: list[Sequence[dict[str, Any]]] = []

    def add(self, values: Sequence[dict[str, Any]]) -> None:
        """Take a batch of newer values."""
        pending = self._pending
        if isinstance(values, TagBatch):
            names = values.names
            pending[:] = [b for b in pending if not (isinstance(b, TagBatch) and b.names == names)]
        pending.append(values)
        if len(pending) > MAX_PENDING:
            self._merge()

    def values(self) -> list[dict[str, Any]]:
        """The latest value of every tag seen."""
        self._merge()
        return list(self._merged.values())

    def _merge(self) -> None:
        merged = self._merged
        for batch in self._pending:
            for value in batch:
                merged[value["name"]] = value
        self._pending.clear()
