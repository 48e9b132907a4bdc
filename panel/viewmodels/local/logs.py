"""The log lines of the engine in this process: its hub itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from panel.logs.store import LogStore
from panel.viewmodels.logs import LogsModel

if TYPE_CHECKING:
    from panel.engine import Engine


class LocalLogsModel(LogsModel):
    """The embedded engine's hub, shown as it is."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self._hub = engine.hub
        self._hub.sig_source_added.connect(self.sig_source_added)

    def store(self) -> LogStore:
        return self._hub
