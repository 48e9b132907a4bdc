"""The connections as a window sees them: their snapshots, configurations, live tags, actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from panel.connections.history import Series
from panel.connections.status import ConnectionSnapshot, ConnState, worst
from panel.connections.worker.config import BlockConfig, TagConfig, parse_connection
from panel.connections.write_answer import WriteAnswer

__all__ = [
    "ConnectionsModel",
    "Done",
    "HistoryDone",
    "WriteDone",
    "find_tag_in",
    "tag_infos_of",
]

Done = Callable[[str | None], None]
"""Called once an action is done: None on success, else one sentence (or the problems,
one per line, each naming its field) saying why not."""

WriteDone = Callable[[WriteAnswer], None]
"""Called exactly once with the answer to a write: done, failed (not applied) or unknown
(sent, no answer: the device may have applied it; it is never sent again)."""

HistoryDone = Callable[[list[Series]], None]
"""Called once with the engine's kept history (empty when it has none or cannot say)."""


class ConnectionsModel(QObject):
    """The connections of one engine. Queries return the current state; `sig_*` tell changes."""

    sig_changed = Signal()
    """Connections were added, removed or reconfigured (rebuild the list)."""

    sig_status = Signal(str)
    """(conn_id) the state, pid, CPU/RSS or block figures of one connection changed."""

    sig_tags = Signal(str, object)
    """(conn_id, values) new tag values: a sequence of {name, value, quality, ts, reason?}."""

    sig_worker_settings = Signal()
    """`keep_running()` may have changed (read it again)."""

    # ----------------------------------------------------------------- queries

    def ids(self) -> list[str]:
        """Connection ids, in configuration order."""
        raise NotImplementedError

    def snapshots(self) -> list[ConnectionSnapshot]:
        """Every connection as it is now, in configuration order."""
        raise NotImplementedError

    def snapshot(self, conn_id: str) -> ConnectionSnapshot | None:
        """One connection as it is now (None when there is none with this id)."""
        return next((s for s in self.snapshots() if s.id == conn_id), None)

    def worst_state(self) -> ConnState | None:
        """The most severe state of all connections (None: there is none), for the dot."""
        return worst([s.state for s in self.snapshots()])

    def connection(self, conn_id: str) -> dict[str, Any] | None:
        """One connection's configuration (workspace JSON shape), None when unknown."""
        raise NotImplementedError

    def tag_infos(self, conn_id: str) -> list[dict[str, Any]]:
        """The configured tags of a connection: name, unit, type, writable, block."""
        return tag_infos_of(self.connection(conn_id))

    def find_tag(self, conn_id: str, name: str) -> tuple[BlockConfig, TagConfig] | None:
        """(block, tag) of tag `name` of a connection, None when there is none."""
        return find_tag_in(self.connection(conn_id), name)

    def latest_values(self, conn_id: str) -> list[dict[str, Any]]:
        """The last value of every tag seen: {name, value, quality, ts, reason?}."""
        raise NotImplementedError

    def history(
        self, conn_id: str, names: list[str] | None, seconds: float | None, done: HistoryDone
    ) -> None:
        """The engine's history of numeric tags (`names`: only these) over the last
        `seconds` (at most ten minutes); `done(series)` exactly once, maybe later."""
        done([])

    # ----------------------------------------------------------------- actions

    def save(self, data: dict[str, Any], old_id: str | None, done: Done) -> None:
        """Add (`old_id` None) or change one connection (`old_id`: its id now) in one
        transaction; the engine validates it, `done(problems)` names every bad field."""
        raise NotImplementedError

    def remove(self, conn_id: str, done: Done) -> None:
        """Remove a connection: its worker stops and it is forgotten."""
        raise NotImplementedError

    def set_enabled(self, conn_id: str, enabled: bool, done: Done) -> None:
        """Enable (start) or disable (stop) a connection; stored in the workspace."""
        raise NotImplementedError

    def restart(self, conn_id: str, done: Done) -> None:
        """Restart a connection's worker."""
        raise NotImplementedError

    def load_csv(self, texts: dict[str, str], done: Done) -> None:
        """Replace every connection with those of CSV texts by file name
        (`connections.csv`, and optionally `blocks.csv` and `tags.csv`)."""
        raise NotImplementedError

    def write(self, conn_id: str, values: dict[str, Any], done: WriteDone) -> None:
        """Write `values` (tag -> value); `done(answer)` exactly once."""
        raise NotImplementedError

    # ----------------------------------------------------------------- worker settings

    def keep_running(self) -> bool | None:
        """`connections.keepRunning` in force: workers outlive the engine and the next one
        adopts them (None while not known yet)."""
        raise NotImplementedError

    def set_keep_running(self, enabled: bool, done: Done) -> None:
        """Store `connections.keepRunning` (each worker uses it from its next start)."""
        raise NotImplementedError


def tag_infos_of(data: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The tags of a connection object as the tag table shows them (none when invalid)."""
    if data is None:
        return []
    config, problems = parse_connection(data)
    if config is None or problems:
        return []
    return [
        {"name": t.name, "unit": t.unit, "type": t.type, "writable": t.writable, "block": b.name}
        for b, t in config.all_tags()
    ]


def find_tag_in(data: dict[str, Any] | None, name: str) -> tuple[BlockConfig, TagConfig] | None:
    """(block, tag) of tag `name` of a connection object, None when there is none."""
    if data is None:
        return None
    config, problems = parse_connection(data)
    if config is None or problems:
        return None
    for block, tag in config.all_tags():
        if tag.name == name:
            return block, tag
    return None
