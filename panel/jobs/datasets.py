"""Dataset ownership: physical paths held by an owner (a job run, later a session).

An owner declares datasets (logical name -> path, `exclusive` or `shared`).
`allocate` takes ALL of them in one transaction or none at all, so two owners
never deadlock each holding one. Exclusive conflicts with any other holder of
the path; shared conflicts only with an exclusive holder. An allocation records
the pid (and its create time) of the process that holds the data: the engine
while a job run waits to start, then the run's own child (`set_owner_process`),
the runner process for a session. `release_dead` frees the
allocations whose process is gone (start-up after a crash). Every release that
freed something calls the `on_release` listeners (the engine starts the runs
waiting for a dataset then, whoever held it: a job run or a session).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import psutil

from panel.jobs.model import Dataset
from panel.jobs.store import JobStore

CREATE_TIME_TOLERANCE_S = 0.01


@dataclass(frozen=True)
class Holder:
    """Who holds a path another owner wants."""

    path: str
    mode: str
    owner_kind: str
    owner_id: str

    def to_json(self) -> dict[str, Any]:
        """For the API and the UI."""
        return {
            "path": self.path,
            "mode": self.mode,
            "ownerKind": self.owner_kind,
            "ownerId": self.owner_id,
        }

    def describe(self) -> str:
        """`/data/raw held by run 12 (exclusive)`."""
        return f"{self.path} held by {self.owner_kind} {self.owner_id} ({self.mode})"


@dataclass(frozen=True)
class Allocation:
    """One path held by an owner: an item of `DatasetManager.allocations()`."""

    name: str
    path: str
    mode: str
    owner_kind: str
    owner_id: str
    pid: int | None = None
    acquired: float | None = None
    job: str | None = None
    """The job whose run holds it (owner kind "run"); None for a session."""

    def to_json(self) -> dict[str, Any]:
        """For the API (`jobs.datasets`) and the UI."""
        return {
            "name": self.name,
            "path": self.path,
            "mode": self.mode,
            "ownerKind": self.owner_kind,
            "ownerId": self.owner_id,
            "pid": self.pid,
            "acquired": self.acquired,
            "job": self.job,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Allocation:
        """From `to_json()`."""
        pid, acquired, job = data.get("pid"), data.get("acquired"), data.get("job")
        return cls(
            str(data["name"]),
            str(data["path"]),
            str(data["mode"]),
            str(data["ownerKind"]),
            str(data["ownerId"]),
            None if pid is None else int(pid),
            None if acquired is None else float(acquired),
            None if job is None else str(job),
        )


class DatasetHeld(Exception):
    """A dataset is held by a live process (release it with force)."""

    def __init__(self, holders: list[Allocation]) -> None:
        self.holders = holders
        first = holders[0]
        who = f"{first.owner_kind} {first.owner_id}"
        pid = f", pid {first.pid}" if first.pid is not None else ""
        super().__init__(f"dataset {first.name!r} is held by {who}{pid}, which still runs")


def normalize(path: str) -> str:
    """The form paths are compared in (absolute, normalised, `~` expanded)."""
    return os.path.normpath(os.path.abspath(os.path.expanduser(path)))


class DatasetManager:
    """All-or-nothing allocation of dataset paths in the workspace DB."""

    def __init__(self, store: JobStore) -> None:
        self._store = store
        self._release_listeners: list[Callable[[], None]] = []

    def on_release(self, listener: Callable[[], None]) -> None:
        """Call `listener()` after every release that freed at least one allocation."""
        self._release_listeners.append(listener)

    def _released(self, count: int) -> int:
        if count:
            for listener in self._release_listeners:
                listener()
        return count

    def allocate(
        self,
        owner_kind: str,
        owner_id: str,
        datasets: Sequence[Dataset],
        pid: int | None = None,
        create_time: float | None = None,
    ) -> list[Holder]:
        """Take every dataset for the owner, or none; the conflicting holders ([] = taken)."""
        if not datasets:
            return []
        wanted = {normalize(d.path): d for d in datasets}
        marks = ", ".join("?" for _ in wanted)
        with self._store.transaction() as conn:
            rows = conn.execute(
                "SELECT path, mode, owner_kind, owner_id FROM dataset_allocations"
                f" WHERE path IN ({marks})",
                tuple(wanted),
            ).fetchall()
            holders = [
                Holder(*row)
                for row in rows
                if (row[2], row[3]) != (owner_kind, owner_id)
                and (row[1] == "exclusive" or wanted[row[0]].mode == "exclusive")
            ]
            if holders:
                return holders
            now = time.time()
            conn.executemany(
                "INSERT INTO dataset_allocations (name, path, mode, owner_kind, owner_id, pid,"
                " create_time, acquired_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (d.name, path, d.mode, owner_kind, owner_id, pid, create_time, now)
                    for path, d in wanted.items()
                ],
            )
        return []

    def release(self, owner_kind: str, owner_id: str) -> int:
        """Free everything the owner holds; how many allocations were freed.

        The delete is one of the store's queued writes (committed with the run's
        end; kept queued while the disk is full), so a release never fails.
        """
        key = (owner_kind, owner_id)
        with self._store.reading() as conn:
            row = conn.execute(
                "SELECT COUNT(*) FROM dataset_allocations WHERE owner_kind = ? AND owner_id = ?",
                key,
            ).fetchone()
        if row[0]:
            self._store.write(
                "DELETE FROM dataset_allocations WHERE owner_kind = ? AND owner_id = ?", key
            )
        return self._released(int(row[0]))

    def set_owner_process(
        self, owner_kind: str, owner_id: str, pid: int | None, create_time: float | None
    ) -> None:
        """Record `pid` (its create time when known) as the process holding the owner's data
        (a queued write, like a release)."""
        self._store.write(
            "UPDATE dataset_allocations SET pid = ?, create_time = COALESCE(?, create_time)"
            " WHERE owner_kind = ? AND owner_id = ?",
            (pid, create_time, owner_kind, owner_id),
        )

    def release_name(self, name: str, force: bool = False) -> list[Allocation]:
        """Free every allocation of the dataset `name` (an operator clearing a stuck one).

        Without `force` only allocations whose process is gone are freed; one held by a
        live process raises `DatasetHeld`. Raises KeyError when nothing holds `name`.
        """
        with self._store.reading() as conn:
            rows = conn.execute(
                "SELECT id, name, path, mode, owner_kind, owner_id, pid, acquired_at, create_time"
                " FROM dataset_allocations WHERE name = ? ORDER BY id",
                (name,),
            ).fetchall()
        if not rows:
            raise KeyError(name)
        if not force:
            live = [Allocation(*row[1:8]) for row in rows if _alive(row[6], row[8])]
            if live:
                raise DatasetHeld(live)
        with self._store.transaction() as conn:
            conn.executemany(
                "DELETE FROM dataset_allocations WHERE id = ?", [(row[0],) for row in rows]
            )
        self._released(len(rows))
        return [Allocation(*row[1:8]) for row in rows]

    def allocations(self) -> list[dict[str, Any]]:
        """Every allocation, oldest first (`Allocation.to_json()` items)."""
        return [a.to_json() for a in self.snapshots()]

    def snapshots(self) -> list[Allocation]:
        """Every allocation, oldest first, with the job of the run that holds it."""
        with self._store.reading() as conn:
            rows = conn.execute(
                "SELECT a.name, a.path, a.mode, a.owner_kind, a.owner_id, a.pid, a.acquired_at,"
                " r.job_id FROM dataset_allocations a LEFT JOIN job_runs r"
                " ON a.owner_kind = 'run' AND r.id = CAST(a.owner_id AS INTEGER) ORDER BY a.id"
            ).fetchall()
        return [Allocation(*row) for row in rows]

    def release_dead(self) -> int:
        """Free allocations whose recorded process is gone (or its pid reused)."""
        with self._store.reading() as conn:
            rows = conn.execute("SELECT id, pid, create_time FROM dataset_allocations").fetchall()
        dead = [(row_id,) for row_id, pid, created in rows if not _alive(pid, created)]
        if dead:
            with self._store.transaction() as conn:
                conn.executemany("DELETE FROM dataset_allocations WHERE id = ?", dead)
        return self._released(len(dead))


def _alive(pid: int | None, create_time: float | None) -> bool:
    if pid is None:
        return False
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return False
        if create_time is None:
            return True
        return abs(proc.create_time() - create_time) <= CREATE_TIME_TOLERANCE_S
    except psutil.Error:
        return False
