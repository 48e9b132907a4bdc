"""An engine reached over its API, as an attached window sees it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from panel.engine import ProcessStats
from panel.viewmodels.engine import ConfigDone, EngineIdentity, EngineModel
from panel.viewmodels.remote.link import CallError, LinkState, RemoteLink


class RemoteEngineModel(EngineModel):
    """Identity from the engine's `status`, figures from `stats` notifications."""

    def __init__(self, link: RemoteLink) -> None:
        super().__init__(link)
        self._link = link
        link.on("stats", self._on_stats)
        link.subscribe("stats.subscribe")
        link.sig_state.connect(self._on_state)

    def identity(self) -> EngineIdentity:
        info = self._link.engine_info
        endpoint = self._link.endpoint
        workspace = info.get("workspace")
        where = str(workspace or endpoint.where)
        if workspace and endpoint.workspace is None:
            where = f"{workspace} on {endpoint.where}"  # another machine: say which
        pid = info.get("pid")
        return EngineIdentity(where, int(pid) if pid else None, attached=True)

    def reachable(self) -> bool:
        return self._link.state == LinkState.CONNECTED

    def refused(self) -> bool:
        return self._link.state == LinkState.REFUSED

    def has_running_children(self) -> bool:
        return False  # an attached window never stops its engine

    def import_config(self, data: object, done: ConfigDone) -> None:
        def imported(result: Any) -> None:
            applied = result.get("applied", []) if isinstance(result, dict) else []
            done([str(line) for line in applied], None)

        def failed(error: CallError) -> None:
            done(None, str(error))

        self._link.call("config.import", {"config": data}, imported, failed)

    def export_config(self, done: Callable[[dict[str, object] | None, str | None], None]) -> None:
        def exported(result: Any) -> None:
            done(result if isinstance(result, dict) else {}, None)

        self._link.call("config.export", {}, exported, lambda error: done(None, str(error)))

    def _on_stats(self, data: Any) -> None:
        if isinstance(data, dict):
            self.sig_stats.emit(ProcessStats.from_json(data))

    def _on_state(self, state: str, message: str) -> None:
        if state == LinkState.CONNECTED:
            self.sig_link.emit(True, "")
        elif state in (LinkState.LOST, LinkState.REFUSED):
            self.sig_link.emit(False, message)
