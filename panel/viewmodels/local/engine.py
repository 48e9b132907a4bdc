"""The engine in this process, as its window sees it."""

from __future__ import annotations

import os
from collections.abc import Callable

from panel.engine import Engine
from panel.viewmodels.engine import ConfigDone, EngineIdentity, EngineModel
from panel.workspace.errors import ConfigError


class LocalEngineModel(EngineModel):
    """Forwards to the embedded engine."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self._engine = engine
        engine.sig_stats.connect(self.sig_stats)

    def identity(self) -> EngineIdentity:
        return EngineIdentity(str(self._engine.workspace.root), os.getpid(), attached=False)

    def has_running_children(self) -> bool:
        return self._engine.has_running_children()

    def import_config(self, data: object, done: ConfigDone) -> None:
        try:
            applied = self._engine.import_config(data)
        except ConfigError as exc:
            done(None, str(exc))
            return
        done(applied, None)

    def export_config(self, done: Callable[[dict[str, object] | None, str | None], None]) -> None:
        done(self._engine.export_config(), None)
