"""The tag bus (MQTT) as a window sees it: one `BusStatus`, refreshed on changes."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from panel.mqtt.status import BusStatus

__all__ = ["BusModel", "BusStatus"]


class BusModel(QObject):
    """The engine's bus: `status()` now; `sig_changed` when it may have changed."""

    sig_changed = Signal(object)
    """(BusStatus) the bus, its broker or its publishers changed."""

    def status(self) -> BusStatus:
        """The bus as it is now (disabled until known)."""
        raise NotImplementedError
