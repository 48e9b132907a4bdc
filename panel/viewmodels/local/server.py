"""The server of the engine in this process."""

from __future__ import annotations

from typing import TYPE_CHECKING

from panel.server.status import ServerSnapshot
from panel.viewmodels.server import Done, ServerModel
from panel.workspace.errors import ConfigError
from panel.workspace.server_config import ServerConfig

if TYPE_CHECKING:
    from panel.engine import Engine


class LocalServerModel(ServerModel):
    """Forwards to the embedded engine; its snapshots are the engine's own."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self._engine = engine
        engine.sig_server_status.connect(self.sig_status)

    def snapshot(self) -> ServerSnapshot:
        return self._engine.server_snapshot()

    def start(self) -> None:
        self._engine.start_server()

    def stop(self) -> None:
        self._engine.stop_server()

    def restart(self) -> None:
        self._engine.restart_server()

    def use_port(self, port: int) -> None:
        self._engine.use_server_port(port)

    def config(self) -> ServerConfig:
        return self._engine.server.config

    def save_config(self, config: ServerConfig, done: Done) -> None:
        try:
            self._engine.save_server_config(config)
        except ConfigError as exc:
            done(exc)
            return
        done(None)
