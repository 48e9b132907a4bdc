"""A connection's overall state (process + worker link) and its snapshot for views and API."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from panel.supervise.state import ProcessState


class ConnState(StrEnum):
    """What an operator needs to know about one connection, in one word."""

    CONNECTED = "connected"
    CONNECTING = "connecting"
    RECONNECTING = "reconnecting"
    STARTING = "starting"
    STOPPING = "stopping"
    RESTARTING = "restarting"
    ERROR = "error"
    STOPPED = "stopped"
    DISABLED = "disabled"

    @property
    def is_busy(self) -> bool:
        """True while a transition is under way (buttons show a busy state)."""
        return self in BUSY_STATES


BUSY_STATES = (
    ConnState.CONNECTING,
    ConnState.RECONNECTING,
    ConnState.STARTING,
    ConnState.STOPPING,
    ConnState.RESTARTING,
)

SEVERITY: tuple[ConnState, ...] = (
    ConnState.ERROR,
    ConnState.RECONNECTING,
    ConnState.RESTARTING,
    ConnState.CONNECTING,
    ConnState.STARTING,
    ConnState.STOPPING,
    ConnState.CONNECTED,
    ConnState.STOPPED,
    ConnState.DISABLED,
)
"""Worst first: the sidebar dot shows the worst state of all connections."""


def worst(states: list[ConnState]) -> ConnState | None:
    """The most severe of `states` (None for no connection)."""
    return min(states, key=SEVERITY.index) if states else None


def overall_state(enabled: bool, process: ProcessState, worker: str | None) -> ConnState:
    """Combine the process state and the worker's own FSM state."""
    if process == ProcessState.STOPPING:
        return ConnState.STOPPING
    if process in (ProcessState.BACKOFF, ProcessState.EXITED):
        return ConnState.RESTARTING if enabled else ConnState.STOPPED
    if process == ProcessState.FATAL:
        return ConnState.ERROR
    if process == ProcessState.STOPPED:
        return ConnState.STOPPED if enabled else ConnState.DISABLED
    return {
        "EXECUTE": ConnState.CONNECTED,
        "CONNECT": ConnState.CONNECTING,
        "RECONNECT": ConnState.RECONNECTING,
        "ERROR": ConnState.ERROR,
        "IDLE": ConnState.DISABLED,
        "STOPPED": ConnState.STOPPING,
    }.get(worker or "", ConnState.STARTING)


def _int_or_none(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _float_or_none(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class BlockFigures:
    """One block of a connection: its configuration summary and the worker's latest figures.

    The figures are None until the worker's first `stats` message about the block.
    """

    name: str
    kind: str
    period_ms: int | None
    enabled: bool
    tags: int
    last_cycle_ms: float | None = None
    lateness_p99_ms: float | None = None
    errors: int | None = None
    missed: int | None = None
    cycles: int | None = None
    requests: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON shape of a block in `conns.list` (camelCase)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "periodMs": self.period_ms,
            "enabled": self.enabled,
            "tags": self.tags,
            "lastCycleMs": self.last_cycle_ms,
            "latenessP99Ms": self.lateness_p99_ms,
            "errors": self.errors,
            "missed": self.missed,
            "cycles": self.cycles,
            "requests": self.requests,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BlockFigures:
        """The block `to_json` wrote (missing or wrong-typed figures read as None)."""
        return cls(
            name=str(data.get("name", "")),
            kind=str(data.get("kind", "")),
            period_ms=_int_or_none(data.get("periodMs")),
            enabled=bool(data.get("enabled", True)),
            tags=_int_or_none(data.get("tags")) or 0,
            last_cycle_ms=_float_or_none(data.get("lastCycleMs")),
            lateness_p99_ms=_float_or_none(data.get("latenessP99Ms")),
            errors=_int_or_none(data.get("errors")),
            missed=_int_or_none(data.get("missed")),
            cycles=_int_or_none(data.get("cycles")),
            requests=_int_or_none(data.get("requests")),
        )


@dataclass
class ConnectionSnapshot:
    """One connection as it is now: configuration summary, process and link figures.

    The read model of engine, API (`conns.list`, `conns.status`) and views alike.
    `adopted` is True when the worker running now was started by an earlier engine
    (`connections.keepRunning`) and taken over by this one.
    """

    id: str
    driver: str
    address: str
    enabled: bool
    state: ConnState
    link: str | None
    reason: str | None
    pid: int | None
    cpu: float | None
    rss: int | None
    restarts: int
    uptime: float
    tags: int
    queued_writes: int = 0
    problems: list[str] = field(default_factory=list)
    blocks: list[BlockFigures] = field(default_factory=list)
    bus_state: str | None = None
    """The worker's MQTT publishing: connected, connecting, disconnected, waiting (None:
    no bus, or no worker running)."""
    bus_last_published: float | None = None
    """When the worker last published on the bus (Unix seconds)."""
    adopted: bool = False
    group: str | None = None
    """The connection group whose one worker process runs it (None: a process of its own;
    one fault in a group's process stops all its connections)."""

    def to_json(self) -> dict[str, Any]:
        """The JSON shape of `conns.list`."""
        return {
            "id": self.id,
            "driver": self.driver,
            "address": self.address,
            "enabled": self.enabled,
            "state": str(self.state),
            "link": self.link,
            "reason": self.reason,
            "pid": self.pid,
            "cpu": self.cpu,
            "rss": self.rss,
            "restarts": self.restarts,
            "uptime": round(self.uptime, 3),
            "tags": self.tags,
            "queuedWrites": self.queued_writes,
            "problems": list(self.problems),
            "blocks": [block.to_json() for block in self.blocks],
            "busState": self.bus_state,
            "busLastPublished": self.bus_last_published,
            "adopted": self.adopted,
            "group": self.group,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ConnectionSnapshot:
        """The snapshot `to_json` wrote (an unknown state reads as error)."""
        try:
            state = ConnState(str(data.get("state")))
        except ValueError:
            state = ConnState.ERROR
        link, reason = data.get("link"), data.get("reason")
        return cls(
            id=str(data.get("id", "")),
            driver=str(data.get("driver", "")),
            address=str(data.get("address", "")),
            enabled=bool(data.get("enabled", True)),
            state=state,
            link=str(link) if link is not None else None,
            reason=str(reason) if reason is not None else None,
            pid=_int_or_none(data.get("pid")),
            cpu=_float_or_none(data.get("cpu")),
            rss=_int_or_none(data.get("rss")),
            restarts=_int_or_none(data.get("restarts")) or 0,
            uptime=_float_or_none(data.get("uptime")) or 0.0,
            tags=_int_or_none(data.get("tags")) or 0,
            queued_writes=_int_or_none(data.get("queuedWrites")) or 0,
            problems=[str(p) for p in data.get("problems") or []],
            blocks=[
                BlockFigures.from_json(b) for b in data.get("blocks") or [] if isinstance(b, dict)
            ],
            bus_state=str(data["busState"]) if data.get("busState") is not None else None,
            bus_last_published=_float_or_none(data.get("busLastPublished")),
            adopted=data.get("adopted") is True,
            group=str(data["group"]) if isinstance(data.get("group"), str) else None,
        )
