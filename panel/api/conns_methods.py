"""The connections' methods on the JSON-RPC API (`conns.*`): each calls the manager method
a button calls."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeAlias

from panel.api.rpc import (
    INVALID_PARAMS,
    INVALID_STATE,
    NOT_FOUND,
    SERVER_ERROR,
    TIMEOUT,
    RpcContext,
    RpcError,
    RpcRegistry,
)
from panel.connections.csv_loader import CsvError, load_csv_texts
from panel.connections.events import SystemEvent
from panel.connections.manager import ConnectionManager, NotRunning, UnknownConnection
from panel.connections.sources import CSV
from panel.connections.status import ConnState
from panel.connections.tag_columns import to_columns
from panel.connections.worker.writes import UNKNOWN
from panel.connections.write_answer import WriteAnswer
from panel.workspace.errors import ConfigError

if TYPE_CHECKING:
    from panel.api.server import ApiServer, Selector

TAGS_TOPIC = "conns.tags"
STATUS_TOPIC = "conns.status"
EVENTS_TOPIC = "conns.event"
WRITE_TIMEOUT_MS = 10_000
WAIT_TIMEOUT_MS = 30_000

_ID = {"type": "string", "minLength": 1, "description": "the connection's id"}
_WAIT = {"type": "boolean", "description": "answer only when the change is done"}
_TIMEOUT = {"type": "integer", "minimum": 1, "maximum": 600_000}
EMPTY_SCHEMA: dict[str, Any] = {"type": "object", "additionalProperties": False}
ID_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"id": _ID},
    "required": ["id"],
    "additionalProperties": False,
}
WORKER_SETTINGS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "keepRunning": {"type": "boolean", "description": "workers outlive the engine"},
        "orphanTimeoutS": {
            "type": "number",
            "minimum": 0,
            "maximum": 31_536_000,
            "description": "a kept worker stops after this long without an engine; 0: never",
        },
    },
    "additionalProperties": False,
}
ACTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"id": _ID, "wait": _WAIT, "timeoutMs": _TIMEOUT},
    "required": ["id"],
    "additionalProperties": False,
}
WRITE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": _ID,
        "tag": {"type": "string", "minLength": 1},
        "value": {"description": "the value; a string is parsed as the tag's type wants"},
        "values": {"type": "object", "minProperties": 1, "description": "tag -> value"},
        "timeoutMs": {
            **_TIMEOUT,
            "description": "how long the write may wait for the link; then it is dropped unsent",
        },
    },
    "required": ["id"],
    "oneOf": [{"required": ["tag", "value"]}, {"required": ["values"]}],
    "additionalProperties": False,
}
_CONFIG = {
    "type": "object",
    "description": "one connection object, as in the workspace's `connections` section",
}
ADD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"config": _CONFIG},
    "required": ["config"],
    "additionalProperties": False,
}
SAVE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "config": _CONFIG,
        "id": {**_ID, "description": "the id the connection has now (to rename it)"},
    },
    "required": ["config"],
    "additionalProperties": False,
}
UPDATE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {**_ID, "description": "the id the connection has now"},
        "config": {
            **_CONFIG,
            "description": "its whole new configuration (without `id`: it keeps its id)",
        },
    },
    "required": ["id", "config"],
    "additionalProperties": False,
}
ENABLE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"id": _ID, "enabled": {"type": "boolean"}, "wait": _WAIT, "timeoutMs": _TIMEOUT},
    "required": ["id", "enabled"],
    "additionalProperties": False,
}
_CSV_TEXT = {"type": "string", "maxLength": 8 * 1024 * 1024}
CSV_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "connections": {**_CSV_TEXT, "description": "the text of connections.csv"},
        "blocks": {**_CSV_TEXT, "description": "the text of blocks.csv"},
        "tags": {**_CSV_TEXT, "description": "the text of tags.csv"},
    },
    "required": ["connections"],
    "additionalProperties": False,
}
HISTORY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": _ID,
        "tags": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "maxItems": 10_000,
            "description": "the tags wanted (default: every numeric tag)",
        },
        "seconds": {
            "type": "number",
            "exclusiveMinimum": 0,
            "maximum": 600,
            "description": "how far back (default and at most 600: ten minutes)",
        },
    },
    "required": ["id"],
    "additionalProperties": False,
}
SUBSCRIBE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": _ID,
        "format": {
            "enum": ["objects", "columns"],
            "description": "objects (default): params {id, values: [{name, value, quality, "
            "ts, reason?}]}; columns: params {id, names: [...], value: [...], quality, ts, "
            "reason?}, where quality and ts are one value for every tag or a list, and "
            "reason (a list, null for none) is there only when a value has one",
        },
    },
    "additionalProperties": False,
}

SETTLED: dict[str, tuple[ConnState, ...]] = {
    "enable": (ConnState.CONNECTED, ConnState.ERROR, ConnState.RECONNECTING),
    "disable": (ConnState.DISABLED, ConnState.STOPPED),
    "start": (ConnState.CONNECTED, ConnState.ERROR, ConnState.RECONNECTING),
    "restart": (ConnState.CONNECTED, ConnState.ERROR, ConnState.RECONNECTING),
    "stop": (ConnState.DISABLED, ConnState.STOPPED),
}

# Spelled out here: inside ConnsApi the name `list` is the `conns.list` method.
_TagValues: TypeAlias = list[dict[str, Any]]


class ConnsApi:
    """Binds a connection manager to an API server: `conns.*` methods and notifications."""

    def __init__(self, manager: ConnectionManager, server: ApiServer) -> None:
        self._manager = manager
        self._server = server
        manager.sig_tags.connect(self._push_tags)
        manager.sig_status_changed.connect(self._push_status)
        manager.sig_connections_changed.connect(self._push_changed)
        manager.sig_system_event.connect(self._push_event)

    def register(self, registry: RpcRegistry) -> None:
        """Add every `conns.*` method to `registry`."""
        add = registry.register
        add("conns.list", self.list, EMPTY_SCHEMA, doc="Every connection with state and figures.")
        add(
            "conns.start",
            self.start,
            ACTION_SCHEMA,
            mutating=True,
            doc="Enable a connection and start its worker; with wait, answer once it is linked.",
        )
        add(
            "conns.stop",
            self.stop,
            ACTION_SCHEMA,
            mutating=True,
            doc="Disable a connection and stop its worker; with wait, answer once it is gone.",
        )
        add(
            "conns.restart",
            self.restart,
            ACTION_SCHEMA,
            mutating=True,
            doc="Restart a connection's worker; with wait, answer once it is linked again.",
        )
        add(
            "conns.enable",
            self.enable,
            ENABLE_SCHEMA,
            mutating=True,
            doc="Enable (start) or disable (stop) a connection; stored. With wait, answer "
            "once it is linked or gone.",
        )
        add(
            "conns.config",
            self.config,
            ID_SCHEMA,
            doc="One connection's configuration, as stored ({id, config}).",
        )
        add(
            "conns.add",
            self.add,
            ADD_SCHEMA,
            mutating=True,
            doc="Add one connection (one transaction; its worker starts when enabled). "
            "Refused with every problem by path ($.config.blocks[0].count) when invalid "
            "or when its id is taken.",
        )
        add(
            "conns.save",
            self.save,
            SAVE_SCHEMA,
            mutating=True,
            doc="Change one existing connection (id: its current id, to rename it) in one "
            "transaction: a block edit reloads the worker, an address edit restarts it. "
            "Refused with every problem by path when invalid.",
        )
        add(
            "conns.update",
            self.update,
            UPDATE_SCHEMA,
            mutating=True,
            doc="Replace one existing connection's configuration (one transaction): a block "
            "or tag edit reloads its worker (same pid), a driver/host/port/endpoint/unit id "
            "edit restarts it, enabled false stops it; other connections are untouched. "
            "Refused with every problem by path ($.config.blocks[0].periodMs) when invalid.",
        )
        add(
            "conns.remove",
            self.remove,
            ID_SCHEMA,
            mutating=True,
            doc="Remove one connection: its worker stops and it is forgotten.",
        )
        add(
            "conns.loadCsv",
            self.load_csv,
            CSV_SCHEMA,
            mutating=True,
            doc="Replace every connection with those of connections.csv, blocks.csv and "
            "tags.csv (their texts); refused, naming file, line and column, when invalid.",
        )
        add("conns.tags", self.tags, ID_SCHEMA, doc="Every tag with value, quality, timestamp.")
        add(
            "conns.history",
            self.history,
            HISTORY_SCHEMA,
            doc="The last minutes (default and at most ten) of numeric tags, kept by the "
            "engine: {id, series: [{name, unit, block, ts: [...], value: [...]}]}, oldest "
            "first; a value is null where the tag had none (a bad read). An answer of more "
            "than 500,000 values is thinned evenly (every n-th row, the newest kept).",
        )
        add(
            "conns.workerSettings",
            self.worker_settings,
            EMPTY_SCHEMA,
            doc="{keepRunning, orphanTimeoutS}: whether workers outlive the engine and are "
            "adopted by the next one, and how long one polls without an engine (0: forever).",
        )
        add(
            "conns.setWorkerSettings",
            self.set_worker_settings,
            WORKER_SETTINGS_SCHEMA,
            mutating=True,
            doc="Store keepRunning and/or orphanTimeoutS (each worker uses them from its "
            "next start); answers with the settings in force.",
        )
        add(
            "conns.write",
            self.write,
            WRITE_SCHEMA,
            mutating=True,
            doc="Write a tag (tag + value) or several (values); answers when the device did, "
            "or with what happened: failed (not applied) or unknown (sent, no answer).",
        )
        add(
            "conns.subscribe",
            self.subscribe,
            SUBSCRIBE_SCHEMA,
            doc="Receive `conns.tags` notifications ({id, values}) of one connection or all; "
            "format columns sends them as columns ({id, names, value, quality, ts, reason?}), "
            "a sixth of the text.",
        )
        add(
            "conns.subscribeStatus",
            self.subscribe_status,
            EMPTY_SCHEMA,
            doc="Receive `conns.status` notifications ({connection}: one connection's state "
            "and figures, on every change) and `conns.changed` ({ids}: connections were "
            "added, removed or reconfigured).",
        )
        add(
            "conns.unsubscribe",
            self.unsubscribe,
            EMPTY_SCHEMA,
            doc="Stop `conns.tags` notifications.",
        )
        add(
            "conns.subscribeEvents",
            self.subscribe_events,
            SUBSCRIBE_SCHEMA,
            doc="Receive `conns.event` notifications, one per committed configuration change "
            "(of one connection or all), in order: {kind: config_reload | conn_added | "
            "conn_removed, id, seq (one more per event), source: window | api | import | csv "
            "| ..., change (config_reload: endpoint, enabled, blocks, settings, comma-joined), "
            "ts}.",
        )
        add(
            "conns.unsubscribeEvents",
            self.unsubscribe_events,
            EMPTY_SCHEMA,
            doc="Stop `conns.event` notifications.",
        )

    # ----------------------------------------------------------------- methods

    def list(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Every connection."""
        return {"connections": [s.to_json() for s in self._manager.snapshots()]}

    async def start(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Enable and start."""
        conn_id = params["id"]
        return await self._act(params, "start", lambda: self._manager.set_enabled(conn_id, True))

    async def stop(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Disable and stop."""
        conn_id = params["id"]
        return await self._act(params, "stop", lambda: self._manager.set_enabled(conn_id, False))

    async def restart(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Restart the worker."""
        conn_id = params["id"]
        return await self._act(params, "restart", lambda: self._manager.restart(conn_id))

    async def enable(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Enable or disable."""
        conn_id, enabled = params["id"], bool(params["enabled"])
        kind = "enable" if enabled else "disable"
        return await self._act(params, kind, lambda: self._manager.set_enabled(conn_id, enabled))

    def config(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """One connection's configuration."""
        with _errors():
            return {"id": params["id"], "config": self._manager.connection(params["id"])}

    def add(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Add one connection."""
        data = params["config"]
        with _errors("$.config"):
            self._manager.add_connection(data)
        return self._manager.snapshot(str(data["id"])).to_json()

    def save(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Change one connection."""
        data = params["config"]
        with _errors("$.config"):
            self._manager.change_connection(data, params.get("id"))
        return self._manager.snapshot(str(data["id"])).to_json()

    def update(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Replace one connection's configuration."""
        data = {"id": params["id"], **params["config"]}
        with _errors("$.config"):
            self._manager.change_connection(data, params["id"])
        return self._manager.snapshot(str(data["id"])).to_json()

    def remove(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Remove one connection."""
        with _errors():
            self._manager.delete_connection(params["id"])
        return {"id": params["id"], "removed": True}

    def load_csv(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Replace the connections with those of CSV texts."""
        texts = {
            f"{key}.csv": params[key] for key in ("connections", "blocks", "tags") if key in params
        }
        try:
            items = load_csv_texts(texts)
        except CsvError as exc:
            raise RpcError(INVALID_PARAMS, str(exc), {"problems": exc.problems}) from exc
        with _errors():
            self._manager.replace_all(items, source=CSV)
        return {"connections": self._manager.ids()}

    def worker_settings(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """keepRunning and orphanTimeoutS in force."""
        return self._manager.worker_settings()

    def set_worker_settings(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Store keepRunning / orphanTimeoutS."""
        with _errors():
            self._manager.set_worker_settings(
                params.get("keepRunning"), params.get("orphanTimeoutS")
            )
        return self._manager.worker_settings()

    def tags(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """The tags of one connection."""
        with _errors():
            return {"id": params["id"], "tags": self._manager.tags(params["id"])}

    def history(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """The kept history of numeric tags."""
        with _errors():
            series = self._manager.history(params["id"], params.get("tags"), params.get("seconds"))
        return {"id": params["id"], "series": [s.to_json() for s in series]}

    async def write(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Check, send, and wait for the worker's one answer: done, failed or unknown."""
        conn_id = params["id"]
        values = params.get("values") or {params["tag"]: params["value"]}
        timeout = params.get("timeoutMs", WRITE_TIMEOUT_MS) / 1000
        loop = asyncio.get_running_loop()
        pending: dict[str, asyncio.Future[WriteAnswer]] = {}
        early: dict[str, WriteAnswer] = {}

        def on_written(cid: str, request_id: str, answer: WriteAnswer) -> None:
            if cid != conn_id:
                return
            future = pending.get(request_id)
            if future is None:
                early[request_id] = answer
            elif not future.done():
                future.set_result(answer)

        self._manager.sig_written.connect(on_written)
        try:
            with _errors():
                request_id = self._manager.write(conn_id, values, timeout)
                bound = self._manager.write_answer_s(conn_id, timeout)
            future = pending[request_id] = loop.create_future()
            if request_id in early:
                future.set_result(early.pop(request_id))
            try:
                answer = await asyncio.wait_for(future, bound)
            except TimeoutError:
                answer = WriteAnswer(
                    UNKNOWN, f"unknown: no answer from the worker within {bound:g} s"
                )
        finally:
            self._manager.sig_written.disconnect(on_written)
        if not answer.ok:
            raise _write_error(conn_id, answer)
        return {"id": conn_id, "written": sorted(values), "ok": True, "outcome": answer.outcome}

    def subscribe(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Subscribe to tag values."""
        conn_id = params.get("id")
        if conn_id is not None:
            with _errors():
                self._manager.snapshot(conn_id)
        wanted = {"id": conn_id} if conn_id else {}
        if params.get("format") == "columns":
            wanted["format"] = "columns"
        ctx.subscribe(TAGS_TOPIC, wanted or None)
        return {"subscribed": True}

    def subscribe_status(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Subscribe to connection states and configuration changes."""
        ctx.subscribe(STATUS_TOPIC)
        return {"subscribed": True}

    def unsubscribe(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Unsubscribe from tag values."""
        ctx.unsubscribe(TAGS_TOPIC)
        return {"subscribed": False}

    def subscribe_events(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Subscribe to system events."""
        conn_id = params.get("id")
        ctx.subscribe(EVENTS_TOPIC, {"id": conn_id} if conn_id else None)
        return {"subscribed": True}

    def unsubscribe_events(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Unsubscribe from system events."""
        ctx.unsubscribe(EVENTS_TOPIC)
        return {"subscribed": False}

    # ----------------------------------------------------------------- helpers

    async def _act(
        self, params: dict[str, Any], kind: str, action: Callable[[], None]
    ) -> dict[str, Any]:
        conn_id = params["id"]
        with _errors():
            self._manager.snapshot(conn_id)
            action()
        manager = self._manager
        settled = SETTLED[kind]
        if not params.get("wait") or manager.snapshot(conn_id).state in settled:
            return manager.snapshot(conn_id).to_json()
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def on_status(cid: str) -> None:
            if cid == conn_id and manager.snapshot(cid).state in settled and not done.done():
                done.set_result(None)

        manager.sig_status_changed.connect(on_status)
        try:
            timeout = params.get("timeoutMs", WAIT_TIMEOUT_MS) / 1000
            try:
                await asyncio.wait_for(done, timeout)
            except TimeoutError:
                raise RpcError(
                    TIMEOUT,
                    f"connection {conn_id!r} did not settle within {timeout:g} s",
                    manager.snapshot(conn_id).to_json(),
                ) from None
        finally:
            manager.sig_status_changed.disconnect(on_status)
        return manager.snapshot(conn_id).to_json()

    def _push_status(self, conn_id: str) -> None:
        if not self._server.has_subscribers(STATUS_TOPIC):
            return
        try:
            snap = self._manager.snapshot(conn_id)
        except UnknownConnection:
            return  # removed meanwhile: `conns.changed` says so
        self._server.publish(STATUS_TOPIC, "conns.status", {"connection": snap.to_json()})

    def _push_changed(self) -> None:
        if self._server.has_subscribers(STATUS_TOPIC):
            self._server.publish(STATUS_TOPIC, "conns.changed", {"ids": self._manager.ids()})

    def _push_event(self, event: SystemEvent) -> None:
        if self._server.has_subscribers(EVENTS_TOPIC):
            self._server.publish(EVENTS_TOPIC, "conns.event", event.to_json())

    def _push_tags(self, conn_id: str, values: _TagValues) -> None:
        if self._server.has_subscribers(TAGS_TOPIC):
            objects = {"id": conn_id, "values": values}
            self._server.publish(TAGS_TOPIC, "conns.tags", objects, _tags_selector(objects))


def _tags_selector(objects: dict[str, Any]) -> Selector:
    """Per subscriber: nothing (another connection), the objects or the columns (made once)."""
    columns: list[dict[str, Any]] = []

    def select(wanted: dict[str, Any] | None, _params: dict[str, Any]) -> dict[str, Any] | None:
        wanted = wanted or {}
        if wanted.get("id") not in (None, objects["id"]):
            return None
        if wanted.get("format") != "columns":
            return objects
        if not columns:
            columns.append({"id": objects["id"], **to_columns(objects["values"])})
        return columns[0]

    return select


def _write_error(conn_id: str, answer: WriteAnswer) -> RpcError:
    """The API error of a write that was not confirmed, saying what happened."""
    data = {"id": conn_id, "outcome": answer.outcome}
    if answer.expired:
        return RpcError(TIMEOUT, f"write timed out: {answer.error}", data)
    if answer.outcome == UNKNOWN:
        return RpcError(SERVER_ERROR, answer.error, data)
    return RpcError(SERVER_ERROR, f"write failed: {answer.error}", data)


class _errors:
    """Turns the manager's exceptions into API errors from the table in `rpc`.

    `where`: the params path of the object a ConfigError's `$` paths are relative to.
    """

    def __init__(self, where: str = "$") -> None:
        self._where = where

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, _: Any) -> None:
        if exc is None:
            return
        if isinstance(exc, UnknownConnection):
            raise RpcError(NOT_FOUND, f"no connection with id {exc.args[0]!r}") from exc
        if isinstance(exc, NotRunning):
            raise RpcError(INVALID_STATE, str(exc)) from exc
        if isinstance(exc, ConfigError):
            problems = [{"path": self._where + p[1:], "message": m} for p, m in exc.problems]
            text = "\n".join(f"{p['path']}: {p['message']}" for p in problems)
            raise RpcError(INVALID_PARAMS, text, {"problems": problems}) from exc
        if isinstance(exc, KeyError):
            raise RpcError(NOT_FOUND, f"no tag named {exc.args[0]!r}") from exc
        if isinstance(exc, ValueError):
            raise RpcError(INVALID_PARAMS, str(exc)) from exc
