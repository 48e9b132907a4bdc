"""Services on the JSON-RPC API: `services.list | status | start | stop | restart |
configure | add | remove | subscribe`, each by name.

Notifications on topic ``services``: ``services.status`` with a service's snapshot
(name, status, pid, port, uptime, restarts, lastError, lastExit {code, signal},
exits, ...) on every status change and every exit of its process, and
``services.changed`` (`{names}`) when a service was added or removed or the list was
replaced by an import. `server.*` stays: it is the service named ``server``.

Errors: -32010 no such service, -32011 refused (stopping, running, the
`server` service removed), -32012 did not settle in time, -32602 bad settings
(every problem named, `$.services[i]...`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from panel.api.rpc import INVALID_PARAMS, INVALID_STATE, NOT_FOUND, TIMEOUT, RpcContext, RpcError
from panel.server.services import ServiceError
from panel.server.status import ServerStatus, ServiceSnapshot
from panel.workspace.errors import ConfigError
from panel.workspace.schema import workspace_schema
from panel.workspace.service_config import ServiceConfig

if TYPE_CHECKING:
    from panel.api.rpc import RpcRegistry
    from panel.api.server import ApiServer
    from panel.engine import Engine

SERVICES_TOPIC = "services"

_NAME = {"type": "string", "minLength": 1, "maxLength": 64, "description": "the service's name"}
_WAIT = {"type": "boolean", "description": "answer only when the change is done"}
_TIMEOUT = {"type": "integer", "minimum": 1, "maximum": 600_000}
_EMPTY: dict[str, Any] = {"type": "object", "additionalProperties": False}
_BY_NAME: dict[str, Any] = {
    "type": "object",
    "properties": {"name": _NAME},
    "required": ["name"],
    "additionalProperties": False,
}
_ACTION: dict[str, Any] = {
    "type": "object",
    "properties": {"name": _NAME, "wait": _WAIT, "timeoutMs": _TIMEOUT},
    "required": ["name"],
    "additionalProperties": False,
}
_MANY: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": _NAME,
        "all": {"type": "boolean", "description": "every service, in `after` order"},
        "wait": _WAIT,
        "timeoutMs": _TIMEOUT,
    },
    "oneOf": [{"required": ["name"]}, {"required": ["all"]}],
    "additionalProperties": False,
}
_START: dict[str, Any] = {
    **_MANY,
    "properties": {
        **_MANY["properties"],
        "nextFreePort": {
            "type": "boolean",
            "description": "a taken port is replaced by the next free one (stored)",
        },
    },
}


def _add_schema() -> dict[str, Any]:
    """`{config: <a service>}`; the `$defs` at the top, where `#/$defs/...` resolves."""
    return {
        "$defs": workspace_schema()["$defs"],
        "type": "object",
        "properties": {"config": {"$ref": "#/$defs/service"}},
        "required": ["config"],
        "additionalProperties": False,
    }


class ServicesApi:
    """Binds the engine's services to an API server: methods in, notifications out."""

    def __init__(self, engine: Engine, server: ApiServer) -> None:
        self._engine = engine
        self._services = engine.services
        self._server = server
        engine.sig_service_status.connect(self._push_status)
        engine.sig_services_changed.connect(self._push_changed)

    def register(self, registry: RpcRegistry) -> None:
        """Add every `services.*` method to `registry`."""
        add = registry.register
        add(
            "services.list",
            self.list_services,
            _EMPTY,
            doc="Every service: its status and settings.",
        )
        add("services.status", self.status, _BY_NAME, doc="One service's status.")
        add(
            "services.start",
            self.start,
            _START,
            mutating=True,
            doc=(
                "Start a service (or all, in `after` order); with wait, answer when it is"
                " running or has failed; with nextFreePort, move off a taken port first."
            ),
        )
        add(
            "services.stop",
            self.stop,
            _MANY,
            mutating=True,
            doc="Stop a service (or all, in reverse `after` order) and its process tree.",
        )
        add(
            "services.restart",
            self.restart,
            _ACTION,
            mutating=True,
            doc="Restart a service; with wait, answer when it is running again or has failed.",
        )
        configure_schema = {
            "type": "object",
            "properties": {"name": _NAME, "config": {"type": "object"}},
            "required": ["name", "config"],
            "additionalProperties": False,
        }
        add(
            "services.configure",
            self.configure,
            configure_schema,
            mutating=True,
            doc="Change a service's settings (the fields given); used from its next start.",
        )
        add(
            "services.add",
            self.add,
            _add_schema(),
            mutating=True,
            doc="Add a service (not started).",
        )
        add(
            "services.remove",
            self.remove,
            _BY_NAME,
            mutating=True,
            doc="Remove a stopped service (not the one named `server`).",
        )
        add(
            "services.subscribe",
            self.subscribe,
            _EMPTY,
            doc=(
                "Receive `services.status` notifications on every status change and exit,"
                " and `services.changed` when services are added or removed."
            ),
        )

    # ----------------------------------------------------------------- methods

    def list_services(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Every service with its settings."""
        return {
            "services": [
                {**s.snapshot().to_json(), "config": s.config.to_json()}
                for s in self._services.supervisors()
            ]
        }

    def status(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """One service's snapshot and settings."""
        service = self._get(params["name"])
        return {**service.snapshot().to_json(), "config": service.config.to_json()}

    async def start(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Start one or all."""
        names = self._names(params)
        for name in names:
            if self._get(name).status() == ServerStatus.STOPPING:
                raise RpcError(INVALID_STATE, f"{name} is stopping; start it once it has stopped")
        if params.get("all"):
            action: Callable[[], object] = lambda: self._services.start_all(names)  # noqa: E731
        else:
            free = bool(params.get("nextFreePort"))
            action = lambda: self._guard(  # noqa: E731
                lambda: self._services.start(names[0], next_free_port=free)
            )
        return await self._act(params, names, action, (ServerStatus.RUNNING, ServerStatus.ERROR))

    async def stop(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Stop one or all."""
        names = self._names(params)
        action = lambda: self._services.stop_all(names)  # noqa: E731
        return await self._act(params, names, action, (ServerStatus.STOPPED, ServerStatus.ERROR))

    async def restart(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Restart one."""
        names = self._names(params)
        action = lambda: self._services.restart(names[0])  # noqa: E731
        return await self._act(params, names, action, (ServerStatus.RUNNING, ServerStatus.ERROR))

    def configure(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Change settings."""
        name = params["name"]
        self._get(name)
        try:
            cfg = self._guard(lambda: self._services.configure(name, dict(params["config"])))
        except ConfigError as exc:
            raise _config_error(exc) from None
        return cfg.to_json()

    def add(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Add a service."""
        try:
            cfg = ServiceConfig.from_json(params["config"])
            service = self._guard(lambda: self._services.add(cfg))
        except ConfigError as exc:
            raise _config_error(exc) from None
        return {**service.snapshot().to_json(), "config": service.config.to_json()}

    def remove(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Remove a service."""
        name = params["name"]
        self._get(name)
        self._guard(lambda: self._services.remove(name))
        return {"removed": name}

    def subscribe(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Subscribe to status changes of every service."""
        ctx.subscribe(SERVICES_TOPIC)
        return {"subscribed": True}

    # --------------------------------------------------------------- helpers

    def _get(self, name: str) -> Any:
        try:
            return self._services.get(name)
        except ServiceError as exc:
            raise RpcError(NOT_FOUND, str(exc), {"services": self._services.names()}) from None

    def _names(self, params: dict[str, Any]) -> list[str]:
        if params.get("all"):
            return self._services.names()
        self._get(params["name"])
        return [params["name"]]

    @staticmethod
    def _guard(action: Callable[[], Any]) -> Any:
        try:
            return action()
        except ServiceError as exc:
            raise RpcError(INVALID_STATE, str(exc)) from None

    async def _act(
        self,
        params: dict[str, Any],
        names: list[str],
        action: Callable[[], object],
        settled: tuple[ServerStatus, ...],
    ) -> dict[str, Any]:
        """Run `action`; with `wait`, answer once every one of `names` is `settled`."""

        def answer() -> dict[str, Any]:
            if params.get("all"):
                return {"services": [self._get(n).snapshot().to_json() for n in names]}
            return dict(self._get(names[0]).snapshot().to_json())

        def all_settled() -> bool:
            return all(self._get(n).status() in settled for n in names)

        if not params.get("wait"):
            action()
            return answer()
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        acted = False

        def on_status(_snap: ServiceSnapshot) -> None:
            if acted and all_settled() and not done.done():
                done.set_result(None)

        self._engine.sig_service_status.connect(on_status)
        try:
            action()
            acted = True
            if all_settled():
                return answer()
            timeout = params.get("timeoutMs", self._wait_timeout_ms(names)) / 1000
            try:
                await asyncio.wait_for(done, timeout)
            except TimeoutError:
                raise RpcError(
                    TIMEOUT, f"the service did not settle within {timeout:g} s", answer()
                ) from None
            return answer()
        finally:
            self._engine.sig_service_status.disconnect(on_status)

    def _wait_timeout_ms(self, names: list[str]) -> int:
        configs = [self._get(n).config for n in names]
        return sum(c.ready_timeout_ms + 2 * c.stop_timeout_ms for c in configs) + 5000

    def _push_status(self, snap: ServiceSnapshot) -> None:
        self._server.publish(SERVICES_TOPIC, "services.status", snap.to_json())

    def _push_changed(self) -> None:
        names = self._services.names()
        self._server.publish(SERVICES_TOPIC, "services.changed", {"names": names})


def _config_error(exc: ConfigError) -> RpcError:
    problems = [{"path": path, "message": message} for path, message in exc.problems]
    return RpcError(INVALID_PARAMS, f"invalid params: {exc}", {"problems": problems})
