"""Where workspaces live by default."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "OpsPanel"


def default_workspace_dir() -> Path:
    """The per-user workspace folder (created by the workspace on first open)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "workspace"


def resolve_workspace_dir(arg: str | None) -> Path:
    """The folder named by `--workspace`, or the default one."""
    return Path(arg).expanduser().resolve() if arg else default_workspace_dir()
