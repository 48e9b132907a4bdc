"""The tag bus on the JSON-RPC API: `mqtt.status`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from panel.api.rpc import RpcContext

if TYPE_CHECKING:
    from panel.api.rpc import RpcRegistry
    from panel.mqtt.engine_bus import EngineBus

EMPTY_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}

STATUS_DOC = (
    "The MQTT tag bus: `enabled`, `baseTopic`, `writes`, `blockMessages`, `broker` (`kind`"
    " embedded or external, `state`, `url`, `pid`, `adopted`, `clients`, `publishers`,"
    " `messagesPerS` for the embedded broker), `engine` (the engine's own client: `state`"
    " connected|connecting|disconnected|waiting|off, `error`), `publishers` (per connection:"
    " `id`, `state`, `published`, `lastPublished`, `error`), `connectedPublishers` and"
    " `publishedPerS` (the workers' messages per second since the last call)."
)


class MqttApi:
    """Binds the engine's bus to the API."""

    def __init__(self, bus: EngineBus) -> None:
        self._bus = bus

    def register(self, registry: RpcRegistry) -> None:
        """Add the `mqtt.*` methods to `registry`."""
        registry.register("mqtt.status", self.status, EMPTY_SCHEMA, doc=STATUS_DOC)

    def status(self, _params: dict[str, Any], _ctx: RpcContext) -> dict[str, Any]:
        """The bus as it is now."""
        return self._bus.status()
