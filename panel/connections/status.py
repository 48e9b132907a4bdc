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


@dataclass
class ConnectionSnapshot:
    """One connection as it is now: configuration summary, process and link figures."""

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
    blocks: list[dict[str, Any]] = field(default_factory=list)

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
            "blocks": list(self.blocks),
        }
