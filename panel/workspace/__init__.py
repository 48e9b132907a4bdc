"""The workspace: a folder with the SQLite database (source of truth), logs and the API file.

Public names are re-exported here; see `workspace.Workspace` first.
"""

from panel.workspace.errors import ConfigError, Problem, WorkspaceError, WorkspaceVersionError
from panel.workspace.process_records import RecordedProcess
from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.transfer import export_config, import_config
from panel.workspace.workspace import Workspace

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
