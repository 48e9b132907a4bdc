"""The workspace's server: the service named `server`, seen as the older single server.

`server.*` in the API, `ctl server`, the Server page and the tray's buttons
drive it; its settings read and write as a `ServerConfig` (a `server` block).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from panel.server.command import server_health_url
from panel.server.preflight import PortConflict
from panel.server.service import ServiceSupervisor
from panel.server.status import ServerSnapshot, ServerStatus, ServiceSnapshot
from panel.supervise.process import ManagedProcess
from panel.workspace.server_config import ServerConfig


class ServerController(QObject):
    """The service named `server` with the single server's interface.

    Its settings are the service's, seen as a `ServerConfig`; its snapshots are the
    service's, seen as `ServerSnapshot`s.
    """

    sig_status_changed = Signal(object)
    """(ServerSnapshot) emitted whenever the status, pid, restarts or last error change."""

    sig_port_conflict = Signal(object)
    """(PortConflict) the configured port was taken when a start was asked for."""

    def __init__(self, service: ServiceSupervisor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._service = service
        service.sig_status_changed.connect(self._forward)
        service.sig_port_conflict.connect(self.sig_port_conflict)

    @property
    def service(self) -> ServiceSupervisor:
        """The service behind the server."""
        return self._service

    @property
    def config(self) -> ServerConfig:
        """The configuration the next start uses, as a `server` block."""
        return self._service.config.to_server()

    @property
    def process(self) -> ManagedProcess:
        """The supervised process behind the server."""
        return self._service.process

    @property
    def port_conflict(self) -> PortConflict | None:
        """Why the last start failed at the port preflight, if it did."""
        return self._service.port_conflict

    def set_config(self, config: ServerConfig) -> None:
        """Use `config` from the next start on (the caller decides whether to restart)."""
        self._service.set_config(self._service.config.merged_with_server(config))

    def snapshot(self) -> ServerSnapshot:
        """The server as it is now."""
        return self._as_server(self._service.snapshot())

    def status(self) -> ServerStatus:
        """One word for the server's state."""
        return self._service.status()

    def is_active(self) -> bool:
        """True while the server is starting, running or stopping."""
        return self._service.is_active()

    def start(self) -> PortConflict | None:
        """Start the server unless it is already up; returns the port conflict if there is one."""
        return self._service.start()

    def stop(self) -> None:
        """Stop the server and its whole process tree."""
        self._service.stop()

    def restart(self) -> PortConflict | None:
        """Restart the server (or start it when it is not running)."""
        return self._service.restart()

    def _as_server(self, snap: ServiceSnapshot) -> ServerSnapshot:
        cfg = self.config
        return ServerSnapshot(
            status=snap.status,
            pid=snap.pid,
            port=cfg.port,
            uptime=snap.uptime,
            restarts=snap.restarts,
            last_error=snap.last_error,
            health_url=server_health_url(cfg, self._service.workspace_dir),
            conflict=snap.conflict,
            command=snap.command,
            last_exit=snap.last_exit,
        )

    def _forward(self, snap: ServiceSnapshot) -> None:
        self.sig_status_changed.emit(self._as_server(snap))
