"""Sessions, datasets, settings and configuration on the JSON-RPC API.

Session methods: `session.create`, `session.execute`, `session.list`,
`session.close`, `session.subscribe`, `session.unsubscribe`, and `execution.run`
(a stateless run: a session created, used once and closed). Notifications on topic
``sessions``: ``session.event`` with params ``{sessionId, event, ...}`` where event
is ``created``, ``ready``, ``executed`` or ``closed`` (a subscription may filter on
``sessionId``). A `session.execute` (or `execution.run`) with ``"stream": true``
sends its caller ``session.output`` notifications ``{sessionId, executionId,
stream: stdout|stderr, data}`` while the command writes, then answers as usual
(with the same ``executionId``). `session.list` and `rpc.discover` name the
``languages`` this machine can run.

Also the panel actions that had no method yet: `datasets.list`, `settings.get`,
`settings.set` (the known settings below, checked by range; they apply from the
next start of the engine), `config.export`, `config.import`, `server.config`,
`server.configure`.

Errors: -32010 unknown session, -32011 refused (session not ready or closed,
dataset held), -32012 the runner was not ready in time, -32013 feature not
available (no sandbox: bubblewrap missing, network isolation, shutting down),
-32000 session limit reached.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import TYPE_CHECKING, Any

from panel.api.rpc import (
    INVALID_PARAMS,
    INVALID_STATE,
    NOT_FOUND,
    SERVER_ERROR,
    TIMEOUT,
    UNAVAILABLE,
    RpcContext,
    RpcError,
)
from panel.sessions.config import CONFIG_SCHEMA
from panel.sessions.manager import SessionError, SessionManager
from panel.workspace.errors import ConfigError
from panel.workspace.server_config import ServerConfig

if TYPE_CHECKING:
    from panel.api.rpc import RpcRegistry
    from panel.api.server import ApiServer
    from panel.engine import Engine

SESSIONS_TOPIC = "sessions"
READY_TIMEOUT_S = 30.0
MAX_EXEC_TIMEOUT_MS = 3_600_000

_EMPTY: dict[str, Any] = {"type": "object", "additionalProperties": False}
_SID = {"type": "string", "minLength": 1, "maxLength": 64}
_PATH = {"type": "string", "minLength": 1, "maxLength": 4096}
_TIMEOUT = {"type": "integer", "minimum": 1, "maximum": MAX_EXEC_TIMEOUT_MS}


def _command(kind: str, props: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"type": {"const": kind}, **props},
        "required": ["type", *required],
        "additionalProperties": False,
    }


COMMAND_SCHEMAS: dict[str, dict[str, Any]] = {
    "write_file": _command(
        "write_file",
        {
            "path": _PATH,
            "content": {"type": "string"},
            "mode": {"enum": ["Create", "Append", "Overwrite"]},
        },
        ["path", "content"],
    ),
    "read_file": _command("read_file", {"path": _PATH}, ["path"]),
    "list_files": _command("list_files", {"path": {"type": "string", "maxLength": 4096}}, []),
    "delete_file": _command("delete_file", {"path": _PATH}, ["path"]),
    "execute_shell": _command(
        "execute_shell",
        {
            "commandName": {"type": "string", "minLength": 1, "maxLength": 4096},
            "args": {"type": "array", "items": {"type": "string"}, "maxItems": 10_000},
            "timeoutMs": _TIMEOUT,
            "env": {"type": "object", "additionalProperties": {"type": "string"}},
        },
        ["commandName"],
    ),
    "run_code": _command(
        "run_code",
        {"code": {"type": "string"}, "language": {"type": "string"}, "timeoutMs": _TIMEOUT},
        ["code"],
    ),
    "allocate_dataset": _command(
        "allocate_dataset",
        {"name": _SID, "path": _PATH, "mode": {"enum": ["exclusive", "shared"]}},
        ["name", "path"],
    ),
    "release_dataset": _command("release_dataset", {"name": _SID}, ["name"]),
}

EXECUTE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "sessionId": _SID,
        "command": {
            "type": "object",
            "properties": {"type": {"enum": sorted(COMMAND_SCHEMAS)}},
            "required": ["type"],
            "allOf": [
                {"if": {"properties": {"type": {"const": k}}}, "then": schema}
                for k, schema in COMMAND_SCHEMAS.items()
            ],
        },
        "stream": {"type": "boolean"},
    },
    "required": ["sessionId", "command"],
    "additionalProperties": False,
}
RUN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "language": {"type": "string", "minLength": 1, "maxLength": 32},
        "code": {"type": "string"},
        "timeoutMs": _TIMEOUT,
        "memoryLimitMB": {"type": "integer", "minimum": 16, "maximum": 1_048_576},
        "network": {"type": "boolean"},
        "stream": {"type": "boolean"},
    },
    "required": ["code"],
    "additionalProperties": False,
}
CLOSE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"sessionId": _SID, "wait": {"type": "boolean"}},
    "required": ["sessionId"],
    "additionalProperties": False,
}
SUBSCRIBE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"sessionId": _SID},
    "additionalProperties": False,
}

KNOWN_SETTINGS: dict[str, tuple[int, int, int]] = {
    "logs.capacity": (1_000_000, 1000, 50_000_000),
    "logs.ringMegabytes": (256, 1, 65536),
    "logs.maxFileBytes": (10 * 1024 * 1024, 4096, 1 << 34),
    "logs.backups": (5, 0, 100),
    "api.maxMessageBytes": (1024 * 1024, 1024, 256 * 1024 * 1024),
    "api.port": (0, 0, 65535),
    "api.rateLimit": (1000, 0, 1_000_000),
    "api.rateBurst": (2000, 1, 1_000_000),
    "api.maxClients": (64, 1, 10_000),
    "connections.restartDelayMs": (1000, 0, 3_600_000),
    "jobs.historyDays": (90, 1, 36_500),
    "sessions.maxSessions": (64, 1, 10_000),
}
"""Settings the API reads and writes: key -> (default, minimum, maximum). Integers only."""

TEXT_SETTINGS: dict[str, tuple[str, int]] = {
    "api.listen": ("127.0.0.1", 64),
    "api.tlsCert": ("", 4096),
    "api.tlsKey": ("", 4096),
}
"""Text settings the API reads and writes: key -> (default, longest length)."""

SETTINGS_GET_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"key": {"enum": sorted([*KNOWN_SETTINGS, *TEXT_SETTINGS])}},
    "additionalProperties": False,
}
SETTINGS_SET_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "key": {"enum": sorted([*KNOWN_SETTINGS, *TEXT_SETTINGS])},
        "value": {"type": ["integer", "string"]},
    },
    "required": ["key", "value"],
    "additionalProperties": False,
}
CONFIG_IMPORT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"config": {"type": "object"}},
    "required": ["config"],
    "additionalProperties": False,
}
SERVER_CONFIGURE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"config": {"type": "object"}},
    "required": ["config"],
    "additionalProperties": False,
}

_KINDS = {
    "not_found": NOT_FOUND,
    "invalid": INVALID_STATE,
    "unavailable": UNAVAILABLE,
    "limit": SERVER_ERROR,
}


def session_error(exc: SessionError) -> RpcError:
    """The API error of a refused session request."""
    return RpcError(_KINDS.get(exc.kind, SERVER_ERROR), exc.message, {"kind": exc.kind})


class SessionsApi:
    """Binds the session manager (and the engine's workspace) to an API server."""

    def __init__(self, engine: Engine, server: ApiServer) -> None:
        self._engine = engine
        self._sessions: SessionManager = engine.sessions
        self._server = server
        self._sessions.sig_event.connect(self._push_event)

    def register(self, registry: RpcRegistry) -> None:
        """Add the session, dataset, settings and configuration methods to `registry`."""
        add = registry.register
        add("session.create", self.create, CONFIG_SCHEMA, True, "Start a session; ready on return.")
        add(
            "session.execute",
            self.execute,
            EXECUTE_SCHEMA,
            True,
            "Run a command in a session: {success, result, error, durationMs}.",
        )
        add(
            "execution.run",
            self.run,
            RUN_SCHEMA,
            True,
            "Run code once in a new session, closed after: {success, result, error, durationMs}.",
        )
        add("session.list", self.list, _EMPTY, doc="Open sessions with state and figures.")
        registry.discover_extras["languages"] = self._sessions.languages
        add("session.close", self.close, CLOSE_SCHEMA, True, "Close a session and its tree.")
        add("session.subscribe", self.subscribe, SUBSCRIBE_SCHEMA, doc="Receive session.event.")
        add("session.unsubscribe", self.unsubscribe, _EMPTY, doc="Stop session.event.")
        add("datasets.list", self.datasets, _EMPTY, doc="Every dataset allocation, oldest first.")
        add("settings.get", self.settings_get, SETTINGS_GET_SCHEMA, doc="Known settings.")
        add(
            "settings.set",
            self.settings_set,
            SETTINGS_SET_SCHEMA,
            True,
            "Store a known setting (applies from the next engine start).",
        )
        add("config.export", self.config_export, _EMPTY, doc="The workspace configuration.")
        add(
            "config.import",
            self.config_import,
            CONFIG_IMPORT_SCHEMA,
            True,
            "Replace the workspace configuration (validated, one transaction) and apply what "
            "changed: each changed connection reloaded or restarted, added or removed (a "
            "conns.event each, source import); jobs rescheduled only when they changed.",
        )
        add("server.config", self.server_config, _EMPTY, doc="The server's settings.")
        add(
            "server.configure",
            self.server_configure,
            SERVER_CONFIGURE_SCHEMA,
            True,
            "Store new server settings (used from the next start).",
        )

    # ------------------------------------------------------------------ sessions

    async def create(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Start a session and answer once its runner is ready."""
        try:
            session = self._sessions.create(params)
        except SessionError as exc:
            raise session_error(exc) from None
        if not session.ready:
            sid = session.session_id
            try:
                event = await self._wait_event(sid, ("ready", "closed"), READY_TIMEOUT_S)
            except TimeoutError:
                self._sessions.close(sid, "not ready in time")
                raise RpcError(TIMEOUT, "the session runner was not ready in time") from None
            if event == "closed":
                raise RpcError(SERVER_ERROR, f"the session runner failed: {session.end_reason}")
        row = session.to_json()
        return {
            "sessionId": row["sessionId"],
            "pid": row["pid"],
            "createdAt": row["createdAt"],
            "state": row["state"],
            "config": row["config"],
            "networkIsolation": row["networkIsolation"],
            "sandbox": row["sandbox"],
            "network": row["network"],
        }

    async def execute(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Run one command in a session (its output sent as it comes with stream)."""
        sid, command = params["sessionId"], params["command"]
        return await self._execute(sid, command, ctx, bool(params.get("stream")))

    async def _execute(
        self, sid: str, command: dict[str, Any], ctx: RpcContext, stream: bool
    ) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        done: asyncio.Future[dict[str, Any]] = loop.create_future()
        execution_id = uuid.uuid4().hex[:16]

        def on_reply(reply: dict[str, Any]) -> None:
            if not done.done():
                done.set_result({**reply, "executionId": execution_id})

        def on_output(name: str, data: str) -> None:
            note = {"sessionId": sid, "executionId": execution_id, "stream": name, "data": data}
            ctx.notify("session.output", note)

        sink = on_output if stream and ctx.can_notify else None
        try:
            self._sessions.execute(sid, command, on_reply, sink)
        except SessionError as exc:
            raise session_error(exc) from None
        return await done

    async def run(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """A stateless run: a new session runs the code once and is closed, whatever happens."""
        create: dict[str, Any] = {"language": params.get("language", "python")}
        for key in ("memoryLimitMB", "network"):
            if key in params:
                create[key] = params[key]
        created = await self.create(create, ctx)
        sid = created["sessionId"]
        command = {"type": "run_code", "code": params["code"], "language": create["language"]}
        if "timeoutMs" in params:
            command["timeoutMs"] = params["timeoutMs"]
        try:
            reply = await self._execute(sid, command, ctx, bool(params.get("stream")))
        finally:
            await self._close_quietly(sid)
        return {**reply, "sessionId": sid, "language": create["language"]}

    async def _close_quietly(self, sid: str) -> None:
        """Close a run's session and wait (bounded) until its tree is gone."""
        try:
            session = self._sessions.close(sid, "the run ended")
        except SessionError:
            return  # gone already
        if not session.ended:
            with contextlib.suppress(TimeoutError):
                await self._wait_event(sid, ("closed",), READY_TIMEOUT_S)

    def list(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Open sessions."""
        return self._sessions.list_json()

    async def close(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Close a session; with wait, answer once its tree is gone."""
        try:
            session = self._sessions.close(params["sessionId"])
        except SessionError as exc:
            raise session_error(exc) from None
        if params.get("wait") and not session.ended:
            try:
                await self._wait_event(session.session_id, ("closed",), READY_TIMEOUT_S)
            except TimeoutError:
                raise RpcError(TIMEOUT, "the session's processes did not end in time") from None
        return {"sessionId": params["sessionId"], "closed": True}

    async def _wait_event(self, session_id: str, events: tuple[str, ...], timeout: float) -> str:
        """Wait (bounded) for one of `events` of a session on the manager's long-lived signal."""
        loop = asyncio.get_running_loop()
        seen: asyncio.Future[str] = loop.create_future()

        def on_event(sid: str, event: str, _details: object) -> None:
            if sid == session_id and event in events and not seen.done():
                seen.set_result(event)

        self._sessions.sig_event.connect(on_event)
        try:
            return await asyncio.wait_for(seen, timeout)
        finally:
            self._sessions.sig_event.disconnect(on_event)

    def subscribe(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Subscribe to session events (of one session with sessionId)."""
        sid = params.get("sessionId")
        ctx.subscribe(SESSIONS_TOPIC, {"sessionId": sid} if sid else None)
        return {"subscribed": True}

    def unsubscribe(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Unsubscribe from session events."""
        ctx.unsubscribe(SESSIONS_TOPIC)
        return {"subscribed": False}

    def _push_event(self, session_id: str, event: str, details: dict[str, Any]) -> None:
        params = {"sessionId": session_id, "event": event, **details}
        self._server.publish(SESSIONS_TOPIC, "session.event", params)

    # ------------------------------------------------------------------ datasets, settings

    def datasets(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Every dataset allocation (job runs and sessions)."""
        rows = self._engine.jobs.datasets.allocations()
        return {"count": len(rows), "allocations": rows}

    def settings_get(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """One known setting, or all of them."""
        keys = [params["key"]] if "key" in params else sorted([*KNOWN_SETTINGS, *TEXT_SETTINGS])
        return {"settings": {key: self._setting_info(key) for key in keys}}

    def _setting_info(self, key: str) -> dict[str, Any]:
        ws = self._engine.workspace
        if key in TEXT_SETTINGS:
            default, longest = TEXT_SETTINGS[key]
            return {"value": ws.get_setting(key, default), "default": default, "maxLength": longest}
        default_int, low, high = KNOWN_SETTINGS[key]
        return {
            "value": ws.get_setting(key, default_int),
            "default": default_int,
            "minimum": low,
            "maximum": high,
        }

    def settings_set(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Store a known setting after a type and range check."""
        key, value = params["key"], params["value"]
        if key in TEXT_SETTINGS:
            return self._set_text(key, value)
        if not isinstance(value, int):
            raise RpcError(
                INVALID_PARAMS,
                f"invalid params: params.value: {key} must be an integer",
                {"path": "params.value"},
            )
        _default, low, high = KNOWN_SETTINGS[key]
        if not low <= value <= high:
            raise RpcError(
                INVALID_PARAMS,
                f"invalid params: params.value: {key} must be between {low} and {high}",
                {"path": "params.value", "minimum": low, "maximum": high},
            )
        self._engine.workspace.set_setting(key, value)
        return {"key": key, "value": value, "appliesOn": "next start"}

    def _set_text(self, key: str, value: Any) -> dict[str, Any]:
        longest = TEXT_SETTINGS[key][1]
        if not isinstance(value, str) or len(value) > longest:
            raise RpcError(
                INVALID_PARAMS,
                f"invalid params: params.value: {key} must be a text of at most {longest} chars",
                {"path": "params.value", "maxLength": longest},
            )
        self._engine.workspace.set_setting(key, value.strip())
        return {"key": key, "value": value.strip(), "appliesOn": "next start"}

    # ------------------------------------------------------------------ configuration

    def config_export(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """The workspace configuration as JSON."""
        return self._engine.export_config()

    def config_import(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Replace and apply the configuration."""
        try:
            applied = self._engine.import_config(params["config"])
        except ConfigError as exc:
            raise _config_error(exc) from None
        return {"imported": True, "applied": applied}

    def server_config(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """The server's settings."""
        return self._engine.server.config.to_json()

    def server_configure(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        """Store new server settings."""
        try:
            current = self._engine.server.config.to_json()
            config = ServerConfig.from_json({**current, **params["config"]})
            self._engine.save_server_config(config)
        except ConfigError as exc:
            raise _config_error(exc) from None
        except (TypeError, ValueError, KeyError) as exc:
            raise RpcError(INVALID_PARAMS, f"invalid params: params.config: {exc}") from None
        return self._engine.server.config.to_json()


def _config_error(exc: ConfigError) -> RpcError:
    problems = [{"path": path, "message": message} for path, message in exc.problems]
    return RpcError(INVALID_PARAMS, f"invalid params: {exc}", {"problems": problems})
