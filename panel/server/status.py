"""What the operator sees of the server: one status word and the figures beside it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ServerStatus(StrEnum):
    """The server's status as shown in the window, the tray, the API and `ctl`."""

    STARTING = "starting"
    RUNNING = "running"
    STOPPING = "stopping"
    STOPPED = "stopped"
    ERROR = "error"


@dataclass(frozen=True)
class ServerSnapshot:
    """The server at one moment: status, pid, port, uptime, restarts and last error."""

    status: ServerStatus
    pid: int | None
    port: int
    uptime: float | None
    restarts: int
    last_error: str | None
    health_url: str

    def to_json(self) -> dict[str, object]:
        """The snapshot as `server.status` returns it."""
        return {
            "status": self.status.value,
            "pid": self.pid,
            "port": self.port,
            "uptime": None if self.uptime is None else round(self.uptime, 3),
            "restarts": self.restarts,
            "lastError": self.last_error,
            "healthUrl": self.health_url,
        }
