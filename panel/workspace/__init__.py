"""The workspace: a folder with the SQLite database (source of truth), logs and the API file.

Public names are re-exported here, imported on first use (a worker that needs
one small module, say `panel.workspace.errors`, does not pay for the database
layer); see `workspace.Workspace` first.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from panel.workspace.errors import (
        ConfigError,
        Problem,
        WorkspaceError,
        WorkspaceVersionError,
    )
    from panel.workspace.process_records import RecordedProcess
    from panel.workspace.server_config import ServerConfig, demo_server_config
    from panel.workspace.transfer import export_config, import_config
    from panel.workspace.workspace import Workspace

_EXPORTS = {
    "ConfigError": "errors",
    "Problem": "errors",
    "WorkspaceError": "errors",
    "WorkspaceVersionError": "errors",
    "RecordedProcess": "process_records",
    "ServerConfig": "server_config",
    "demo_server_config": "server_config",
    "export_config": "transfer",
    "import_config": "transfer",
    "Workspace": "workspace",
}

__all__ = [
    "ConfigError",
    "Problem",
    "RecordedProcess",
    "ServerConfig",
    "Workspace",
    "WorkspaceError",
    "WorkspaceVersionError",
    "demo_server_config",
    "export_config",
    "import_config",
]


def __getattr__(name: str) -> Any:
    """Import a re-exported name from its module on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
