"""Where a worker's connection configuration comes from: the workspace database or a file.

The workspace database is the source of truth: the panel commits an edit, then sends
`{"cmd":"reload"}`, and the worker reads its connection again from the `connections`
section. `--config-json FILE` (tests, one-off runs) reads FILE instead, both at start
and on a `reload` without `config`. Loading never raises: it returns problems (each
naming a JSON path or the file) beside the best-effort configuration.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from panel.connections.worker.config import ConnectionConfig, parse_connection

if TYPE_CHECKING:
    from panel.workspace.workspace import Workspace

Loaded = tuple[ConnectionConfig | None, list[str]]
DB_FILE = "workspace.db"


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
        self._ws: Workspace | None = None

    def load(self) -> Loaded:
        """Read and validate the connection now."""
        if self.config_json is not None:
            return self._load_file(self.config_json)
        if self.workspace is not None:
            return self._load_workspace(self.workspace)
        return None, ["$: no configuration (give --workspace or --config-json)"]

    def _load_file(self, path: Path) -> Loaded:
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            return None, [f"$: cannot read {path}: {exc}"]
        return pick_connection(self.conn_id, data, str(path))

    def _load_workspace(self, folder: Path) -> Loaded:
        from panel.workspace.errors import WorkspaceError

        try:
            section = self._open(folder).config_section("connections")
        except WorkspaceError as exc:
            return None, [f"$: cannot read the workspace: {exc}"]
        return pick_connection(self.conn_id, section, f"the workspace {folder}")

    def _open(self, folder: Path) -> Workspace:
        from panel.workspace.errors import WorkspaceError

        if self._ws is None:
            if not (folder / DB_FILE).is_file():
                raise WorkspaceError(f"{folder}: no workspace database ({DB_FILE}) here")
            from panel.workspace.workspace import Workspace

            self._ws = Workspace.open(folder)
        return self._ws

    def close(self) -> None:
        """Close the workspace database (if it was opened)."""
        if self._ws is not None:
            self._ws.close()
            self._ws = None
