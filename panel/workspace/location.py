"""Where workspaces live by default."""

from __future__ import annotations

import hashlib
from pathlib import Path

APP_NAME = "OpsPanel"


def default_workspace_dir() -> Path:
    """The per-user workspace folder (created by the workspace on first open)."""
    import platformdirs  # 5 ms: only a launch without --workspace asks

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "workspace"


def resolve_workspace_dir(arg: str | None) -> Path:
    """The folder named by `--workspace`, or the default one."""
    return Path(arg).expanduser().resolve() if arg else default_workspace_dir()


def workspace_key(root: Path) -> str:
    """``opspanel-`` and 16 hex digits of the SHA-1 of the resolved folder path.

    Names what belongs to one workspace outside it: its lock, its cgroups, its service unit.
    """
    digest = hashlib.sha1(str(Path(root).resolve()).encode("utf-8"), usedforsecurity=False)
    return "opspanel-" + digest.hexdigest()[:16]
