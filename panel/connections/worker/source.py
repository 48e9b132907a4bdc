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


class ConfigSource:
    """Loads connection `conn_id` from `config_json` when given, else from `workspace`.

    The workspace is opened on the first load and kept open (one SQLite connection,
    reads only) until `close()`; a folder without a workspace database is a problem,
    never a new workspace.
    """

    def __init__(
        self, conn_id: str, workspace: str | None = None, config_json: str | None = None
    ) -> None:
        self.conn_id = conn_id
        self.workspace = Path(workspace) if workspace else None
        self.config_json = Path(config_json) if config_json else None
        self._db: sqlite3.Connection | None = None
        self._cached: tuple[int, Any] | None = None
        """(the database's data_version, the section parsed then): unchanged, not re-read."""

    def load(self) -> Loaded:
        """Read and validate the connection now."""
        return self.load_id(self.conn_id)

    def load_id(self, conn_id: str) -> Loaded:
        """Read and validate connection `conn_id` from the same place now."""
        data, where = self._read()
        if isinstance(data, str):
            return None, [data]
        return pick_connection(conn_id, data, where)

    def group_members(self, group: str) -> list[str] | None:
        """The ids of the connections whose `"process"` is `"group:<group>"`, in order
        (None when the source cannot be read)."""
        data, _where = self._read()
        if isinstance(data, str):
            return None
        if isinstance(data, dict) and isinstance(data.get("connections"), list):
            data = data["connections"]
        items = data if isinstance(data, list) else [data]
        wanted = f"{GROUP_PREFIX}{group}"
        return [
            str(item["id"])
            for item in items
            if isinstance(item, dict) and item.get("process") == wanted and item.get("id")
        ]

    def _read(self) -> tuple[Any, str]:
        """(the JSON read, where from), or (the problem as a string, where)."""
        if self.config_json is not None:
            path = self.config_json
            try:
                return json.loads(path.read_text(encoding="utf-8")), str(path)
            except (OSError, ValueError) as exc:
                return f"$: cannot read {path}: {exc}", str(path)
        if self.workspace is not None:
            folder = self.workspace
            try:
                db = self._open(folder)
                version = db.execute("PRAGMA data_version").fetchone()[0]
                if self._cached is not None and self._cached[0] == version:
                    return self._cached[1], f"the workspace {folder}"
                row = db.execute(
                    "SELECT body FROM config_sections WHERE name = ?", (SECTION,)
                ).fetchone()
                section: Any = [] if row is None else json.loads(row[0])
            except (sqlite3.Error, OSError, ValueError) as exc:
                return f"$: cannot read the workspace: {exc}", str(folder)
            self._cached = (version, section)  # a group's members read it once per commit
            return section, f"the workspace {folder}"
        return "$: no configuration (give --workspace or --config-json)", ""

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
            self._db = db
        return self._db

    def close(self) -> None:
        """Close the workspace database (if it was opened)."""
        if self._db is not None:
            self._db.close()
            self._db = None
