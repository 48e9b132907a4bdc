"""The Engines board: every entry of the registry with a health source, while someone looks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from panel.viewmodels.engines.health import EngineHealth
from panel.viewmodels.engines.probe import HealthSource, LinkHealth, ModelsHealth
from panel.viewmodels.engines.registry import EngineEntry, EngineRegistry, target_where
from panel.workspace.location import default_workspace_dir

if TYPE_CHECKING:
    from panel.viewmodels.models import EngineModels


def models_where(models: EngineModels) -> str:
    """How the engine of `models` is named, as `EngineEntry.where` names an entry's."""
    if models.link is not None:
        return target_where(models.link.endpoint.where)
    return target_where(models.engine.identity().where)


class EnginesBoard(QObject):
    """The registry's entries, each with its health; the window's own engine from its models.

    `start()` gives every other entry a `LinkHealth` probe, `stop()` closes them all:
    an engine is probed only while the board is shown.
    """

    sig_entries = Signal()
    """Entries were added, removed or renamed: re-read `entries()`."""

    sig_health = Signal(str)
    """(key) that entry's health changed."""

    def __init__(
        self,
        registry: EngineRegistry,
        own: EngineModels | None = None,
        probe: Callable[[EngineEntry], HealthSource] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.registry = registry
        self._own = own
        self._own_where = models_where(own) if own is not None else None
        self._probe = probe or (lambda entry: LinkHealth(entry, parent=self))
        self._sources: dict[str, tuple[EngineEntry, HealthSource]] = {}
        self._running = False
        registry.sig_changed.connect(self._sync)

    # ----------------------------------------------------------------- reading

    def entries(self) -> list[EngineEntry]:
        """The registry's entries, the local workspace first."""
        return self.registry.entries()

    def health(self, key: str) -> EngineHealth:
        """The entry's health as last seen (connecting while not started)."""
        found = self._sources.get(key)
        return found[1].health() if found is not None else EngineHealth()

    def is_own(self, entry: EngineEntry) -> bool:
        """True when `entry` is the engine of the window the board belongs to."""
        return self._own_where is not None and entry.where == self._own_where

    # ------------------------------------------------------------------- life

    def start(self) -> None:
        """Start following every entry's health."""
        self._running = True
        self._sync()

    def stop(self) -> None:
        """Stop following (close every probe's link)."""
        self._running = False
        self._sync()

    def _sync(self) -> None:
        wanted = {e.key: e for e in self.registry.entries()} if self._running else {}
        for key, (entry, source) in list(self._sources.items()):
            now = wanted.get(key)
            if now is None or (now.target, now.token_file, now.tls_ca) != (
                entry.target,
                entry.token_file,
                entry.tls_ca,
            ):
                del self._sources[key]
                source.close()
                source.deleteLater()
            else:
                self._sources[key] = (now, source)  # renamed: same engine, same source
        for key, entry in wanted.items():
            if key not in self._sources:
                source = self._source(entry)
                source.sig_changed.connect(lambda k=key: self.sig_health.emit(k))
                self._sources[key] = (entry, source)
                self.sig_health.emit(key)
        self.sig_entries.emit()

    def _source(self, entry: EngineEntry) -> HealthSource:
        if self._own is not None and self.is_own(entry):
            return ModelsHealth(self._own, self)
        return self._probe(entry)


def local_workspace_of(models: EngineModels) -> Path:
    """This computer's workspace as a window on `models` sees it: its engine's, when that runs
    here, else the per-user default."""
    if models.embedded is not None:
        return Path(models.engine.identity().where)
    if models.link is not None and models.link.endpoint.workspace is not None:
        return models.link.endpoint.workspace
    return default_workspace_dir()
