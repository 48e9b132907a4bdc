"""What sessions need from the engine's dataset manager (the one job runs use), as a protocol.

Sessions sit beside jobs in the layers, so they do not import it: the engine hands
its `DatasetManager` in, and anything with these methods will do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class DatasetRequest:
    """One dataset a session asks for: logical `name` -> `path`, exclusive or shared."""

    name: str
    path: str
    mode: str = "exclusive"


class ConflictHolder(Protocol):
    """Who already holds a path (as the dataset manager reports it)."""

    def describe(self) -> str:
        """`/data/raw held by run 12 (exclusive)`."""


class DatasetStore(Protocol):
    """All-or-nothing allocation of dataset paths by owner (kind, id)."""

    def allocate(
        self,
        owner_kind: str,
        owner_id: str,
        datasets: Sequence[Any],
        pid: int | None = None,
        create_time: float | None = None,
    ) -> Sequence[ConflictHolder]:
        """Take every dataset for the owner, or none; the conflicting holders ([] = taken)."""

    def release(self, owner_kind: str, owner_id: str) -> int:
        """Free everything the owner holds."""

    def allocations(self) -> list[dict[str, Any]]:
        """Every allocation."""
