"""Where a worker's connection configuration comes from: the workspace database or a file.

The workspace database is the source of truth: the panel commits an edit, then sends
`{"cmd":"reload"}`, and the worker reads its connection again from the `connections`
section. `--config-json FILE` (tests, one-off runs) reads FILE instead, both at start
and on a `reload` without `config`. Loading never raises: it returns problems (each
naming a JSON path or the file) beside the best-effort configuration.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from panel.connections.worker.config import GROUP_PREFIX, ConnectionConfig, parse_connection

Loaded = tuple[ConnectionConfig | None, list[str]]
DB_FILE = "workspace.db"
SECTION = "connections"
BUSY_TIMEOUT_S = 5.0
CACHE_KIB = 64
"""SQLite's page cache for a worker's reads (2 MB by default): a worker reads its
connection at start and on a reload, never often enough to need more."""


def pick_connection(conn_id: str, data: Any, where: str) -> Loaded:
    """Connection `conn_id` from a connection object, a list of them, or a whole export."""
    if isinstance(data, dict) and isinstance(data.get("connections"), list):
        data = data["connections"]
    if isinstance(data, list):
        matches = [c for c in data if isinstance(c, dict) and c.get("id") == conn_id]
        if not matches:
            return None, [f"$.connections: no connection with id {conn_id!r} in {where}"]
        data = matches[0]
    config, problems = parse_connection(data)
    if config is not None and config.id and config.id != conn_id:
        problems.append(f"$.id: {config.id!r} is not the requested connection {conn_id!r}")
    return config, problems


_ITEMS = (
    "SELECT e.value FROM config_sections AS s, json_each(s.body) AS e"
    " WHERE s.name = ? AND e.type = 'object' AND json_extract(e.value, '$.{key}') = ?"
    " ORDER BY e.key"
)
"""The connections whose `key` is the given value, in order: SQLite picks them out of
the section, so a worker parses its own connection, not the whole section."""


class ConfigSource:
    """Loads connection `conn_id` from `config_json` when given, else from `workspace`.

    The workspace is opened on the first load and kept open (one SQLite connection,
    reads only) until `close()`; a folder without a workspace database is a problem,
    never a new workspace. Of the workspace's `connections` section a worker reads
    only the connections it runs (its own, or its group's members): a worker's
    memory does not grow with the number of connections in the workspace.
    """

    def __init__(
        self, conn_id: str, workspace: str | None = None, config_json: str | None = None
    ) -> None:
        self.conn_id = conn_id
        self.workspace = Path(workspace) if workspace else None
        self.config_json = Path(config_json) if config_json else None
        self._db: sqlite3.Connection | None = None
        self._members: tuple[int, dict[str, Any]] = (-1, {})
        """(the database's data_version, the group's members read then, by id): each
        taken by its `load_id`, so a group reads its section once per commit."""

    def load(self) -> Loaded:
        """Read and validate the connection now."""
        return self.load_id(self.conn_id)

    def load_id(self, conn_id: str) -> Loaded:
        """Read and validate connection `conn_id` from the same place now."""
        if self.config_json is not None:
            data, where = self._read_file(self.config_json)
        else:
            data, where = self._read_workspace("id", conn_id)
        if isinstance(data, str):
            return None, [data]
        return pick_connection(conn_id, data, where)

    def group_members(self, group: str) -> list[str] | None:
        """The ids of the connections whose `"process"` is `"group:<group>"`, in order
        (None when the source cannot be read)."""
        wanted = f"{GROUP_PREFIX}{group}"
        if self.config_json is not None:
            data, _where = self._read_file(self.config_json)
            if isinstance(data, dict) and isinstance(data.get("connections"), list):
                data = data["connections"]
            items = data if isinstance(data, list) else [data]
            items = [i for i in items if isinstance(i, dict) and i.get("process") == wanted]
        else:
            found, _where = self._read_workspace("process", wanted)
            if isinstance(found, str):
                return None
            items = found
        return [str(item["id"]) for item in items if item.get("id")]

    @staticmethod
    def _read_file(path: Path) -> tuple[Any, str]:
        """(the JSON in `path`, where from), or (the problem as a string, where)."""
        try:
            return json.loads(path.read_text(encoding="utf-8")), str(path)
        except (OSError, ValueError) as exc:
            return f"$: cannot read {path}: {exc}", str(path)

    def _read_workspace(self, key: str, value: str) -> tuple[list[Any] | str, str]:
        """(the workspace's connections whose `key` is `value`, where from), or (the
        problem as a string, where)."""
        if self.workspace is None:
            return "$: no configuration (give --workspace or --config-json)", ""
        folder = self.workspace
        where = f"the workspace {folder}"
        try:
            db = self._open(folder)
            version = db.execute("PRAGMA data_version").fetchone()[0]
            cached_version, members = self._members
            if key == "id" and cached_version == version and value in members:
                return [members.pop(value)], where
            rows = db.execute(_ITEMS.format(key=key), (SECTION, value)).fetchall()
            items = [json.loads(row[0]) for row in rows]
        except (sqlite3.Error, OSError, ValueError) as exc:
            return f"$: cannot read the workspace: {exc}", str(folder)
        if key == "process":
            self._members = (version, {str(i.get("id")): i for i in reversed(items)})
        return items, where

    def _open(self, folder: Path) -> sqlite3.Connection:
        """The workspace database, opened once for reads (no ORM: a light start-up).

        The panel opened (and migrated) the workspace before starting its
        workers; the worker only reads its section, as the panel stored it.
        """
        if self._db is None:
            if not (folder / DB_FILE).is_file():
                raise OSError(f"{folder}: no workspace database ({DB_FILE}) here")
            db = sqlite3.connect(str(folder / DB_FILE), timeout=BUSY_TIMEOUT_S)
            db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            db.execute("PRAGMA query_only = ON")
            db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            self._db = db
        return self._db

    def close(self) -> None:
        """Close the workspace database (if it was opened)."""
        if self._db is not None:
            self._db.close()
            self._db = None
