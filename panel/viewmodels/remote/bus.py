"""The tag bus of an engine reached over its API: `mqtt.status`, read every few seconds."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer

from panel.mqtt.status import BusStatus
from panel.viewmodels.bus import BusModel
from panel.viewmodels.remote.link import RemoteLink

REFRESH_MS = 2000


class RemoteBusModel(BusModel):
    """Mirrors `mqtt.status` (no notifications for it: a status line, read at 0.5 Hz)."""

    def __init__(self, link: RemoteLink) -> None:
        super().__init__(link)
        self._link = link
        self._status = BusStatus(enabled=False)
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self._fetch)
        link.sig_connected.connect(self._on_connected)

    def _on_connected(self, *_: object) -> None:
        self._fetch()
        self._timer.start()

    def _fetch(self) -> None:
        self._link.call("mqtt.status", {}, self._on_status, lambda _error: None)

    def _on_status(self, data: Any) -> None:
        if not isinstance(data, dict):
            return  # an engine without the method, or an error: keep what we had
        status = BusStatus.from_json(data)
        if status != self._status:
            self._status = status
            self.sig_changed.emit(status)

    def status(self) -> BusStatus:
        return self._status
