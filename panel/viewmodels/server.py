"""The server as a window sees it: its snapshot, its settings and the three buttons."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from panel.server.status import ServerSnapshot, ServerStatus
from panel.workspace.errors import ConfigError
from panel.workspace.server_config import ServerConfig

Done = Callable[[ConfigError | None], None]
"""Called once a save is done: None on success, else the error naming every bad field."""


class ServerModel(QObject):
    """The server of one engine. `snapshot()` is always current; `sig_status` tells changes."""

    sig_status = Signal(object)
    """(ServerSnapshot) the server's status, pid, restarts, last error or port conflict changed."""

    def snapshot(self) -> ServerSnapshot:
        """The server now (uptime counted up to this moment)."""
        raise NotImplementedError

    def start(self) -> None:
        """Start the server (the port preflight may end it in error with a conflict)."""
        raise NotImplementedError

    def stop(self) -> None:
        """Stop the server and its whole process tree."""
        raise NotImplementedError

    def restart(self) -> None:
        """Restart the server (or start it when it is not running)."""
        raise NotImplementedError

    def use_port(self, port: int) -> None:
        """Store `port` as the server's port (after a conflict) and start it there."""
        raise NotImplementedError

    def config(self) -> ServerConfig:
        """The server's settings as stored."""
        raise NotImplementedError

    def save_config(self, config: ServerConfig, done: Done) -> None:
        """Validate and store `config`; then `done(None)` or `done(ConfigError)`."""
        raise NotImplementedError

    def is_active(self) -> bool:
        """True while the server runs or is starting."""
        return self.snapshot().status in (ServerStatus.RUNNING, ServerStatus.STARTING)
