"""The services of the engine in this process."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from panel.server.services import ServiceError
from panel.server.status import ServiceSnapshot
from panel.viewmodels.services import ActionDone, SaveDone, ServicesModel
from panel.workspace.errors import ConfigError
from panel.workspace.service_config import ServiceConfig

if TYPE_CHECKING:
    from panel.engine import Engine


class LocalServicesModel(ServicesModel):
    """Forwards to the embedded engine's `ServiceManager`; its snapshots are the engine's own."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self._services = engine.services
        engine.sig_service_status.connect(self.sig_status)
        engine.sig_services_changed.connect(self.sig_changed)

    def snapshots(self) -> list[ServiceSnapshot]:
        return self._services.snapshots()

    def config(self, name: str) -> ServiceConfig | None:
        try:
            return self._services.get(name).config
        except ServiceError:
            return None

    def start(self, name: str, *, next_free_port: bool = False) -> None:
        self._services.start(name, next_free_port=next_free_port)

    def stop(self, name: str) -> None:
        self._services.stop(name)

    def restart(self, name: str) -> None:
        self._services.restart(name)

    def start_all(self) -> None:
        self._services.start_all()

    def stop_all(self) -> None:
        self._services.stop_all()

    def add(self, config: dict[str, Any], done: SaveDone) -> None:
        try:
            parsed = _parsed(config, len(self._services.names()))
            self._services.add(parsed)
        except ConfigError as exc:
            done(exc)
            return
        done(None)

    def configure(self, name: str, changes: dict[str, Any], done: SaveDone) -> None:
        try:
            self._services.configure(name, changes)
        except ConfigError as exc:
            done(exc)
            return
        except ServiceError as exc:
            done(ConfigError([("$", str(exc))]))
            return
        done(None)
        self.sig_changed.emit()  # the settings shown beneath the table

    def remove(self, name: str, done: ActionDone) -> None:
        try:
            self._services.remove(name)
        except ServiceError as exc:
            done(str(exc))
            return
        done(None)


def _parsed(config: dict[str, Any], index: int) -> ServiceConfig:
    """The service `config` describes; a field of the wrong form is named as the API names it."""
    try:
        return ServiceConfig.from_json(config)
    except (TypeError, ValueError, KeyError) as exc:
        raise ConfigError([(f"$.services[{index}]", str(exc))]) from None
