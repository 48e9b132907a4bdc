"""Where started children are recorded, so a crashed panel's orphans can be found again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # the workspace package pulls in its database layer: import lazily
    from panel.workspace.process_records import RecordedProcess


class ProcessRecorder(Protocol):
    """Persistent list of live children (the workspace database implements it)."""

    def record(self, name: str, pid: int, create_time: float, sid: int) -> None:
        """Remember a child that just started."""

    def forget(self, pid: int) -> None:
        """Drop the record of a child whose tree is gone."""

    def recorded(self) -> list[RecordedProcess]:
        """Every record not forgotten yet."""


class MemoryRecorder:
    """A `ProcessRecorder` in memory (tests, and engines without a workspace)."""

    def __init__(self) -> None:
        self._records: dict[int, RecordedProcess] = {}

    def record(self, name: str, pid: int, create_time: float, sid: int) -> None:
        """Remember a child that just started."""
        from panel.workspace.process_records import RecordedProcess

        self._records[pid] = RecordedProcess(name, pid, create_time, sid)

    def forget(self, pid: int) -> None:
        """Drop the record of `pid` (no error if unknown)."""
        self._records.pop(pid, None)

    def recorded(self) -> list[RecordedProcess]:
        """Every record not forgotten yet, oldest first."""
        return list(self._records.values())
