"""The tag bus of the engine in this process."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from panel.mqtt.status import BusStatus
from panel.viewmodels.bus import BusModel

if TYPE_CHECKING:
    from panel.engine import Engine

THROTTLE_MS = 500


class LocalBusModel(BusModel):
    """Reads the engine's bus; a change of the bus or of a connection's figures refreshes it
    (at most twice a second, through one single-shot timer)."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self._engine = engine
        self._timer = QTimer(self, singleShot=True, interval=THROTTLE_MS)
        self._timer.timeout.connect(lambda: self.sig_changed.emit(self.status()))
        engine.bus.sig_changed.connect(self._soon)
        engine.connections.sig_status_changed.connect(self._soon)

    def _soon(self, *_: object) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def status(self) -> BusStatus:
        return BusStatus.from_json(self._engine.bus.status())
