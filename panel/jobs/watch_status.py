"""The watched jobs file as the window, the API and `ctl` show it (a typed read model)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

OFF, WATCHING, IMPORTED, ERROR, MISSING = "off", "watching", "imported", "error", "missing"
"""The states of a watch (`JobsFileWatcher.status["state"]`)."""


@dataclass(frozen=True)
class WatchStatus:
    """The watched jobs file: its path (None: off), state, last import, last error, job count."""

    path: str | None = None
    state: str = OFF
    last_import: float | None = None
    error: str | None = None
    jobs: int | None = None

    def to_json(self) -> dict[str, Any]:
        """As `jobs.watch` and its notification carry it."""
        return {
            "path": self.path,
            "state": self.state,
            "lastImport": self.last_import,
            "error": self.error,
            "jobs": self.jobs,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WatchStatus:
        """From `to_json()`."""
        when, jobs = data.get("lastImport"), data.get("jobs")
        return cls(
            data.get("path") or None,
            str(data.get("state") or OFF),
            None if when is None else float(when),
            data.get("error") or None,
            None if jobs is None else int(jobs),
        )
