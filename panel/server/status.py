"""What the operator sees of the server: one status word and the figures beside it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from panel.server.preflight import PortConflict


class ServerStatus(StrEnum):
    """The server's status as shown in the window, the tray, the API and `ctl`."""

    STARTING = "starting"
    RUNNING = "running"
    STOPPING = "stopping"
    STOPPED = "stopped"
    ERROR = "error"


@dataclass(frozen=True)
class ExitStatus:
    """How a process ended: its exit code (-signal after a death by signal) and signal (0: none)."""

    code: int
    signal: int

    def describe(self) -> str:
        """`signal 9` or `code 1`."""
        return f"signal {self.signal}" if self.signal else f"code {self.code}"


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
    conflict: PortConflict | None = None
    """Why the last start failed at the port preflight, if it did."""
    command: tuple[str, ...] = ()
    """The argv the server is started with."""
    last_exit: ExitStatus | None = None
    """How the server's process last ended (None until it has)."""

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
            "portConflict": None if self.conflict is None else self.conflict.to_json(),
            "command": list(self.command),
            "lastExit": None
            if self.last_exit is None
            else {"code": self.last_exit.code, "signal": self.last_exit.signal},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ServerSnapshot:
        """The snapshot `to_json` wrote (as an attached window receives it)."""
        conflict = data.get("portConflict")
        uptime = data.get("uptime")
        last_exit = data.get("lastExit")
        return cls(
            status=ServerStatus(data["status"]),
            pid=data.get("pid"),
            port=int(data.get("port", 0)),
            uptime=None if uptime is None else float(uptime),
            restarts=int(data.get("restarts", 0)),
            last_error=data.get("lastError"),
            health_url=str(data.get("healthUrl", "")),
            conflict=None if not conflict else PortConflict.from_json(conflict),
            command=tuple(str(a) for a in data.get("command", ())),
            last_exit=None
            if not last_exit
            else ExitStatus(int(last_exit["code"]), int(last_exit.get("signal", 0))),
        )


@dataclass(frozen=True)
class ServiceSnapshot:
    """One service at one moment: what `services.status` answers and the Services page shows.

    `exits` counts every exit of its process, so each exit makes a new snapshot
    (with `last_exit`) even when nothing else changed; `docs_url` is the
    `/docs` page of a FastAPI service whose `/openapi.json` answered.
    """

    name: str
    status: ServerStatus
    pid: int | None
    port: int | None
    uptime: float | None
    restarts: int
    last_error: str | None
    readiness: str
    conflict: PortConflict | None = None
    command: tuple[str, ...] = ()
    last_exit: ExitStatus | None = None
    exits: int = 0
    docs_url: str | None = None
    autostart: bool = True
    after: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The snapshot as `services.status` returns it."""
        return {
            "name": self.name,
            "status": self.status.value,
            "pid": self.pid,
            "port": self.port,
            "uptime": None if self.uptime is None else round(self.uptime, 3),
            "restarts": self.restarts,
            "lastError": self.last_error,
            "readiness": self.readiness,
            "portConflict": None if self.conflict is None else self.conflict.to_json(),
            "command": list(self.command),
            "lastExit": None
            if self.last_exit is None
            else {"code": self.last_exit.code, "signal": self.last_exit.signal},
            "exits": self.exits,
            "docsUrl": self.docs_url,
            "autostart": self.autostart,
            "after": list(self.after),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ServiceSnapshot:
        """The snapshot `to_json` wrote (as an attached window receives it)."""
        conflict = data.get("portConflict")
        uptime = data.get("uptime")
        last_exit = data.get("lastExit")
        port = data.get("port")
        return cls(
            name=str(data["name"]),
            status=ServerStatus(data["status"]),
            pid=data.get("pid"),
            port=None if port is None else int(port),
            uptime=None if uptime is None else float(uptime),
            restarts=int(data.get("restarts", 0)),
            last_error=data.get("lastError"),
            readiness=str(data.get("readiness", "")),
            conflict=None if not conflict else PortConflict.from_json(conflict),
            command=tuple(str(a) for a in data.get("command", ())),
            last_exit=None
            if not last_exit
            else ExitStatus(int(last_exit["code"]), int(last_exit.get("signal", 0))),
            exits=int(data.get("exits", 0)),
            docs_url=data.get("docsUrl"),
            autostart=bool(data.get("autostart", True)),
            after=tuple(str(a) for a in data.get("after", ())),
        )
