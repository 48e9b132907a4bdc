"""The services as a window sees them: a snapshot and the settings of each, and their buttons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from panel.server.status import ServerStatus, ServiceSnapshot
from panel.workspace.errors import ConfigError
from panel.workspace.service_config import ServiceConfig

__all__ = ["ActionDone", "SaveDone", "ServicesModel"]

SaveDone = Callable[[ConfigError | None], None]
"""Called once an add or a change is done: None on success, else the error naming every
bad field (`$.services[i].field`)."""

ActionDone = Callable[[str | None], None]
"""Called once a removal is done: None on success, else one sentence saying why not."""


class ServicesModel(QObject):
    """Every service of one engine, in configured order.

    `snapshots()` and `config(name)` are always current; `sig_status` tells a
    service's changes, `sig_changed` that services were added, removed or replaced.
    """

    sig_status = Signal(object)
    """(ServiceSnapshot) a service's status, pid, restarts, last error or docs URL changed."""

    sig_changed = Signal()
    """The list of services changed (added, removed, imported, or first received)."""

    def names(self) -> list[str]:
        """Every service name, in configured order."""
        return [snap.name for snap in self.snapshots()]

    def snapshots(self) -> list[ServiceSnapshot]:
        """Every service now (uptime counted up to this moment)."""
        raise NotImplementedError

    def snapshot(self, name: str) -> ServiceSnapshot | None:
        """Service `name` now, or None when there is none of that name."""
        for snap in self.snapshots():
            if snap.name == name:
                return snap
        return None

    def config(self, name: str) -> ServiceConfig | None:
        """The settings of service `name` as stored (None when unknown or not arrived)."""
        raise NotImplementedError

    def start(self, name: str, *, next_free_port: bool = False) -> None:
        """Start one service (its port preflight may end it in error with a conflict);
        with `next_free_port`, a taken port is first replaced by the next free one (stored)."""
        raise NotImplementedError

    def stop(self, name: str) -> None:
        """Stop one service and its whole process tree."""
        raise NotImplementedError

    def restart(self, name: str) -> None:
        """Restart one service (or start it when it is not running)."""
        raise NotImplementedError

    def start_all(self) -> None:
        """Start every service, in `after` order."""
        raise NotImplementedError

    def stop_all(self) -> None:
        """Stop every service, in reverse `after` order."""
        raise NotImplementedError

    def add(self, config: dict[str, Any], done: SaveDone) -> None:
        """Validate and store a new service (JSON fields, not started); then `done`."""
        raise NotImplementedError

    def configure(self, name: str, changes: dict[str, Any], done: SaveDone) -> None:
        """Lay `changes` (JSON fields) over service `name` and store it; then `done`."""
        raise NotImplementedError

    def remove(self, name: str, done: ActionDone) -> None:
        """Forget a stopped service (not the one named `server`); then `done`."""
        raise NotImplementedError

    def any_active(self) -> bool:
        """True while a service runs or is starting."""
        active = (ServerStatus.RUNNING, ServerStatus.STARTING)
        return any(snap.status in active for snap in self.snapshots())
