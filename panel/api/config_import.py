"""`opspanel import` while an engine runs: the configuration goes through its API.

Writing the database behind a running engine's back left it on the old
configuration until its next start; through `config.import` it stores and
applies the new one at once (hot reload or restart, as each part needs).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from panel.api.client import ApiClient, ApiError, EngineNotRunning
from panel.workspace.errors import ConfigError, WorkspaceError

CONNECT_TIMEOUT_S = 3.0
IMPORT_TIMEOUT_S = 120.0


def import_through_engine(ws_dir: Path, data: Any) -> list[str] | None:
    """What the running engine of `ws_dir` applied; None when no engine runs there.

    ConfigError when the engine refused the configuration (every problem named),
    WorkspaceError for any other refusal.
    """
    try:
        client = ApiClient.from_workspace(ws_dir, connect_timeout=CONNECT_TIMEOUT_S)
    except EngineNotRunning:
        return None
    with client:
        try:
            result = client.call("config.import", {"config": data}, timeout=IMPORT_TIMEOUT_S)
        except ApiError as exc:
            problems = (exc.data or {}).get("problems") if isinstance(exc.data, dict) else None
            if problems:
                raise ConfigError((p["path"], p["message"]) for p in problems) from None
            raise WorkspaceError(f"the running engine refused the import: {exc.message}") from None
    return [str(line) for line in result.get("applied", [])]
