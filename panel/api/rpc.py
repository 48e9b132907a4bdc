"""JSON-RPC 2.0 dispatch, independent of any transport.

`RpcRegistry` holds the methods; `dispatch(raw, ctx)` turns one incoming message
(a request, a notification or a batch) into the text of the answer, or None when
nothing must be answered (notifications only); `answer(raw, ctx)` is the same
without a coroutine: it runs a synchronous handler at once and hands back a
`Later` only when something must be awaited. Handlers are called as
`handler(params: dict, ctx: RpcContext)`, may be sync or async, and return any
JSON-serialisable value. Params are checked against the method's JSON Schema
(`schema_check` decides quickly for the common keywords, jsonschema explains).

Error codes
-----------

Standard (JSON-RPC 2.0):

======  ====================  ===================================================
code    message               when
======  ====================  ===================================================
-32700  parse error           the message is not valid UTF-8 JSON, or nests so
                              deeply that the parser gives up (id null)
-32600  invalid request       not an object, `jsonrpc` != "2.0", `method` not a
                              string, `id` not a string/integer/null, empty or
                              oversized batch, or nested deeper than `MAX_DEPTH`
                              levels
-32601  method not found      no such method
-32602  invalid params        params not an object, or not valid against the
                              method's JSON Schema (the message names the path,
                              e.g. ``params.wait``)
-32603  internal error        the handler raised an unexpected exception (logged
                              with its traceback; the server keeps serving) or
                              returned something that is not JSON
======  ====================  ===================================================

Application (raised by handlers as `RpcError`, or by the transport):

======  ====================  ===================================================
-32000  server error          generic failure of the engine
-32001  message too large     the request exceeded the server's message limit
-32002  rate limited          the client sent more requests than its token bucket
                              allows (`api.rateLimit` per second, bursts of
                              `api.rateBurst`); ``data.retryAfterMs`` says when
                              the next one will be accepted
-32003  unauthorized          reserved (the WebSocket handshake already answers
                              HTTP 401)
-32010  not found             the named thing (source, job, connection) is unknown
-32011  invalid state         conflicts with the current state (e.g. start while
                              stopping)
-32012  timeout               the engine gave up waiting (e.g. server readiness)
-32013  unavailable           the feature is not running in this engine
======  ====================  ===================================================

Names starting with ``rpc.`` are reserved for built-ins: ``rpc.discover`` lists
every method with its doc, params schema and whether it changes state (plus the
keys of `RpcRegistry.discover_extras`, such as the session languages).
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from panel.api.schema_check import Check, compile_check
from panel.util.diskfull import NO_SPACE, is_disk_full

log = logging.getLogger(__name__)

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603

SERVER_ERROR = -32000
MESSAGE_TOO_LARGE = -32001
RATE_LIMITED = -32002
UNAUTHORIZED = -32003
NOT_FOUND = -32010
INVALID_STATE = -32011
TIMEOUT = -32012
UNAVAILABLE = -32013

DISK_FULL_LOG_S = 60.0
"""At most one log line per this many seconds for calls refused for a full disk."""

MAX_BATCH = 256
MAX_DEPTH = 64
"""Deepest nesting of arrays and objects a message may have (the message itself is level 1)."""

Handler = Callable[[dict[str, Any], "RpcContext"], Any | Awaitable[Any]]
CallObserver = Callable[["RpcContext", str, dict[str, Any], "RpcError | None", float], None]
"""(ctx, method, params, error or None, elapsed ms): told after every call of a mutating method."""


class RpcError(Exception):
    """An error a handler raises to answer the caller with `code`, `message` and `data`."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def to_json(self) -> dict[str, Any]:
        """The JSON-RPC `error` object."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            error["data"] = self.data
        return error


class Later:
    """The rest of an answer that must be awaited (an async handler, a batch)."""

    __slots__ = ("rest",)

    def __init__(self, rest: Coroutine[Any, Any, Any]) -> None:
        self.rest = rest


class RpcContext:
    """What a handler knows about its caller: an id, and its topic subscriptions.

    The transport passes hooks that are told about every subscribe/unsubscribe;
    without hooks (tests, in-process calls) the subscriptions are only recorded.
    """

    def __init__(
        self,
        client_id: str,
        on_subscribe: Callable[[str, dict[str, Any] | None], None] | None = None,
        on_unsubscribe: Callable[[str], None] | None = None,
        on_notify: Callable[[str, dict[str, Any]], None] | None = None,
    ) -> None:
        self.client_id = client_id
        self.subscriptions: dict[str, dict[str, Any] | None] = {}
        self._on_subscribe = on_subscribe
        self._on_unsubscribe = on_unsubscribe
        self._on_notify = on_notify

    @property
    def can_notify(self) -> bool:
        """True when `notify` reaches the caller (a WebSocket client)."""
        return self._on_notify is not None

    def notify(self, method: str, params: dict[str, Any]) -> None:
        """Send the caller alone a notification, in order with the answers to its calls
        (never dropped); a no-op without a transport."""
        if self._on_notify is not None:
            self._on_notify(method, params)

    def subscribe(self, topic: str, filter: dict[str, Any] | None = None) -> None:
        """Receive the notifications published on `topic` (replacing an earlier filter)."""
        self.subscriptions[topic] = filter
        if self._on_subscribe is not None:
            self._on_subscribe(topic, filter)

    def unsubscribe(self, topic: str) -> None:
        """Stop receiving `topic`; a no-op when not subscribed."""
        if self.subscriptions.pop(topic, _MISSING) is not _MISSING and self._on_unsubscribe:
            self._on_unsubscribe(topic)


_MISSING = object()


@dataclass
class RpcMethod:
    """One registered method."""

    name: str
    handler: Handler
    params_schema: dict[str, Any] | None
    mutating: bool
    doc: str
    _validator: Any = field(default=None, repr=False)
    _check: Check | None = field(default=None, repr=False)

    @property
    def validator(self) -> Any:
        """The jsonschema validator of the params, None without a schema; compiled
        (and the schema checked) when first needed, so an engine that only ever
        sees valid calls of common schemas never loads jsonschema."""
        if self._validator is None and self.params_schema is not None:
            self._validator = _compile(self.params_schema)
        return self._validator

    @property
    def check(self) -> Check | None:
        """A quick yes/no for params (None without a schema): compiled from the
        schema when it uses only the common keywords (a malformed one is not),
        else jsonschema's own `is_valid`. A no is explained by `validator`."""
        if self._check is None and self.params_schema is not None:
            self._check = compile_check(self.params_schema) or self.validator.is_valid
        return self._check

    def describe(self) -> dict[str, Any]:
        """The method as `rpc.discover` lists it."""
        return {
            "name": self.name,
            "doc": self.doc,
            "params": self.params_schema,
            "mutating": self.mutating,
        }


class RpcRegistry:
    """The table of JSON-RPC methods and the dispatcher that calls them.

    A method's params schema is checked (and its validator compiled) when it is
    registered, or with `defer_checks` when jsonschema is first needed for it or
    by `check_schemas()`. The engine defers them all and never loads jsonschema at
    rest (4-6 MB resident): its own schemas are checked by the test suite against
    a running engine's `rpc.discover`.
    """

    def __init__(self, *, defer_checks: bool = False) -> None:
        self._methods: dict[str, RpcMethod] = {}
        self._defer_checks = defer_checks
        self._observer: CallObserver | None = None
        self._full_logged_at = -DISK_FULL_LOG_S  # when a refused call was last logged
        self._full_refused = 0  # calls refused since then
        self.discover_extras: dict[str, Callable[[], Any]] = {}
        """More keys of `rpc.discover`'s answer: key -> what to show (asked on each call)."""
        self._add(
            "rpc.discover",
            _discover_handler(self),
            {"type": "object", "additionalProperties": False},
            False,
            "List every method with its doc, params schema and whether it changes state.",
        )

    def register(
        self,
        name: str,
        handler: Handler,
        params_schema: dict[str, Any] | None = None,
        mutating: bool = False,
        doc: str = "",
    ) -> None:
        """Add method `name`; its params are validated against `params_schema` when given."""
        if not name or not isinstance(name, str):
            raise ValueError("method name must be a non-empty string")
        if name.startswith("rpc."):
            raise ValueError(f"method names starting with 'rpc.' are reserved: {name!r}")
        if name in self._methods:
            raise ValueError(f"method {name!r} is already registered")
        if not doc and (inspect.isfunction(handler) or inspect.ismethod(handler)):
            doc = inspect.getdoc(handler) or ""
        self._add(name, handler, params_schema, mutating, doc)

    def _add(
        self,
        name: str,
        handler: Handler,
        schema: dict[str, Any] | None,
        mutating: bool,
        doc: str,
    ) -> None:
        method = RpcMethod(name, handler, schema, mutating, doc)
        if not self._defer_checks:
            _ = method.validator  # a bad schema raises here
        self._methods[name] = method

    def check_schemas(self) -> None:
        """Check every params schema and compile its validator now (raises on a bad one)."""
        for method in self._methods.values():
            _ = method.validator

    def set_observer(self, observer: CallObserver | None) -> None:
        """Have `observer` told about every call of a mutating method (the audit log)."""
        self._observer = observer

    def unregister(self, name: str) -> None:
        """Remove method `name` (KeyError if unknown)."""
        del self._methods[name]

    def methods(self) -> list[RpcMethod]:
        """Every registered method, sorted by name."""
        return [self._methods[name] for name in sorted(self._methods)]

    def __contains__(self, name: object) -> bool:
        return name in self._methods

    def answer(self, raw: str | bytes, ctx: RpcContext) -> str | Later | None:
        """Answer one message (request, notification or batch) right away when its
        handler is synchronous: the reply text, or None when nothing must be sent.
        When something must be awaited (an async handler, a batch) the answer is a
        `Later`: await its `rest` for the reply. The transport runs most calls
        this way without a task of their own."""
        try:
            message = loads(raw)
        except ValueError as exc:
            return dumps(error_response(None, PARSE_ERROR, f"parse error: {exc}"))
        if _brackets(raw) > MAX_DEPTH and _deeper_than(message, MAX_DEPTH):
            msg_id = message.get("id") if isinstance(message, dict) else None
            safe_id = msg_id if _valid_id(msg_id) else None
            text = f"invalid request: nested deeper than {MAX_DEPTH} levels"
            return dumps(error_response(safe_id, INVALID_REQUEST, text))
        if isinstance(message, list):
            return Later(self._dispatch_batch(message, ctx))
        reply = self._one(message, ctx)
        if isinstance(reply, Later):
            return Later(_encode_later(reply.rest))
        return None if reply is None else _encode(reply)

    async def dispatch(self, raw: str | bytes, ctx: RpcContext) -> str | None:
        """Answer one message (request, notification or batch); None if nothing to send."""
        answer = self.answer(raw, ctx)
        return await answer.rest if isinstance(answer, Later) else answer

    async def _dispatch_batch(self, batch: list[Any], ctx: RpcContext) -> str | None:
        if not batch:
            return dumps(error_response(None, INVALID_REQUEST, "invalid request: empty batch"))
        if len(batch) > MAX_BATCH:
            message = f"invalid request: batch of {len(batch)} exceeds {MAX_BATCH}"
            return dumps(error_response(None, INVALID_REQUEST, message))
        replies = await asyncio.gather(*(self.dispatch_one(item, ctx) for item in batch))
        answered = [_encode(reply) for reply in replies if reply is not None]
        return f"[{','.join(answered)}]" if answered else None

    async def dispatch_one(self, message: Any, ctx: RpcContext) -> dict[str, Any] | None:
        """Answer one decoded request object; None for a notification."""
        reply = self._one(message, ctx)
        return await reply.rest if isinstance(reply, Later) else reply

    def _one(self, message: Any, ctx: RpcContext) -> dict[str, Any] | Later | None:
        """The reply object to one decoded request, None for a notification, or a
        `Later` of either when the handler must be awaited."""
        problem = _request_problem(message)
        if problem:
            msg_id = message.get("id") if isinstance(message, dict) else None
            safe_id = msg_id if _valid_id(msg_id) else None
            return error_response(safe_id, INVALID_REQUEST, f"invalid request: {problem}")
        is_notification = "id" not in message
        msg_id = message.get("id")
        try:
            result = self._call(message["method"], message.get("params", {}), ctx)
        except RpcError as exc:
            return None if is_notification else {"jsonrpc": "2.0", "id": msg_id, **_err(exc)}
        if isinstance(result, Later):
            return Later(_reply_later(result.rest, msg_id, is_notification))
        if is_notification:
            return None
        return {"jsonrpc": "2.0", "id": msg_id, "result": result}

    def _call(self, name: str, params: Any, ctx: RpcContext) -> Any:
        """The result of method `name` (or a `Later` of it); RpcError on failure."""
        method = self._methods.get(name)
        if method is None:
            raise RpcError(METHOD_NOT_FOUND, f"method not found: {name}")
        if not method.mutating or self._observer is None:
            return self._invoke(method, params, ctx)
        started = time.perf_counter()
        try:
            result = self._invoke(method, params, ctx)
        except RpcError as exc:
            self._observe(ctx, name, params, exc, started)
            raise
        if isinstance(result, Later):
            return Later(self._observe_later(result.rest, ctx, name, params, started))
        self._observe(ctx, name, params, None, started)
        return result

    async def _observe_later(
        self,
        rest: Coroutine[Any, Any, Any],
        ctx: RpcContext,
        name: str,
        params: Any,
        started: float,
    ) -> Any:
        try:
            result = await rest
        except RpcError as exc:
            self._observe(ctx, name, params, exc, started)
            raise
        self._observe(ctx, name, params, None, started)
        return result

    def _observe(
        self, ctx: RpcContext, name: str, params: Any, error: RpcError | None, started: float
    ) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        observer = self._observer
        try:
            if observer is not None:
                observer(ctx, name, params if isinstance(params, dict) else {}, error, elapsed)
        except Exception:  # the observer must never break the call
            log.exception("call observer failed for %s", name)

    def _invoke(self, method: RpcMethod, params: Any, ctx: RpcContext) -> Any:
        """Validate `params` and call the handler: its result, or a `Later` of it."""
        if not isinstance(params, dict):
            raise RpcError(INVALID_PARAMS, "invalid params: params must be an object (by name)")
        check = method.check
        if check is not None and not check(params):
            _validate(method.validator, params)
        try:
            result = method.handler(params, ctx)
        except RpcError:
            raise
        except Exception as exc:
            raise self._failure(method.name, exc) from exc
        if inspect.isawaitable(result):
            return Later(self._settle(method.name, result))
        return result

    async def _settle(self, name: str, awaitable: Awaitable[Any]) -> Any:
        """Await a handler's result; its failures become RpcErrors as in `_invoke`."""
        try:
            return await awaitable
        except RpcError:
            raise
        except Exception as exc:
            raise self._failure(name, exc) from exc

    def _failure(self, name: str, exc: Exception) -> RpcError:
        """The RpcError answering a handler's unexpected exception (logged)."""
        if is_disk_full(exc):
            return self._disk_full(name, exc)
        log.exception("method %s failed", name, exc_info=exc)
        data = {"type": type(exc).__name__, "message": str(exc)}
        return RpcError(INTERNAL_ERROR, "internal error", data)

    def _disk_full(self, name: str, exc: Exception) -> RpcError:
        """The answer to a call that failed for a full disk (logged once per condition)."""
        text = str(exc)
        message = text if text.startswith(NO_SPACE) else NO_SPACE
        self._full_refused += 1
        now = time.monotonic()
        if now - self._full_logged_at >= DISK_FULL_LOG_S:
            log.error(
                "%s refused: %s (%d calls refused since the last such line; one a minute at most)",
                name,
                message,
                self._full_refused,
            )
            self._full_logged_at, self._full_refused = now, 0
        return RpcError(UNAVAILABLE, message, {"type": "DiskFullError"})


async def _encode_later(rest: Coroutine[Any, Any, dict[str, Any] | None]) -> str | None:
    reply = await rest
    return None if reply is None else _encode(reply)


async def _reply_later(
    rest: Coroutine[Any, Any, Any], msg_id: Any, is_notification: bool
) -> dict[str, Any] | None:
    try:
        result = await rest
    except RpcError as exc:
        return None if is_notification else {"jsonrpc": "2.0", "id": msg_id, **_err(exc)}
    return None if is_notification else {"jsonrpc": "2.0", "id": msg_id, "result": result}


def _encode(reply: dict[str, Any]) -> str:
    """The reply as text; a result that is not JSON becomes an internal error."""
    try:
        return dumps(reply)
    except (TypeError, ValueError) as exc:
        log.error("a method returned a value that is not JSON: %s", exc)
        message = "internal error: result is not JSON"
        return dumps(error_response(reply.get("id"), INTERNAL_ERROR, message))


def _discover_handler(registry: RpcRegistry) -> Handler:
    def discover(params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        found: dict[str, Any] = {"methods": [method.describe() for method in registry.methods()]}
        for key, provider in registry.discover_extras.items():
            found[key] = provider()
        return found

    return discover


def _compile(schema: dict[str, Any]) -> Any:
    """A jsonschema validator for `schema` (checked first); jsonschema is imported here."""
    import jsonschema

    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate(validator: Any, params: dict[str, Any]) -> None:
    """Raise INVALID_PARAMS naming the most relevant error (the quick check said no)."""
    from jsonschema.exceptions import best_match

    error = best_match(validator.iter_errors(params))
    if error is None:
        log.warning("the quick params check and jsonschema disagree on %s", _short(params))
        return
    path = "params" + "".join(
        f"[{part}]" if isinstance(part, int) else f".{part}" for part in error.absolute_path
    )
    raise RpcError(
        INVALID_PARAMS,
        f"invalid params: {path}: {error.message}",
        {"path": path, "reason": error.message},
    )


def loads(raw: str | bytes) -> Any:
    """Decode one message; ValueError when it is not UTF-8 JSON (NaN and infinities
    included) or nests too deeply for the parser (which would otherwise raise
    RecursionError and take the connection down)."""
    if isinstance(raw, bytes | bytearray | memoryview):
        raw = bytes(raw).decode("utf-8")  # UnicodeDecodeError is a ValueError
    try:
        return _DECODER.decode(raw)
    except RecursionError:
        raise ValueError("nested too deeply to parse") from None


def _brackets(raw: str | bytes) -> int:
    """How many `[` and `{` the text holds: a cheap bound on its nesting depth."""
    if isinstance(raw, str):
        return raw.count("[") + raw.count("{")
    data = bytes(raw)
    return data.count(b"[") + data.count(b"{")


def _deeper_than(value: Any, limit: int) -> bool:
    """True when arrays and objects nest in `value` more than `limit` levels (no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _valid_id(value: Any) -> bool:
    return value is None or isinstance(value, str) or type(value) is int


def _request_problem(message: Any) -> str:
    """Why `message` is not a valid JSON-RPC 2.0 request ('' when it is)."""
    if not isinstance(message, dict):
        return "a request must be an object"
    if message.get("jsonrpc") != "2.0":
        return 'jsonrpc must be "2.0"'
    if not isinstance(message.get("method"), str):
        return "method must be a string"
    if "id" in message and not _valid_id(message["id"]):
        return "id must be a string, an integer or null"
    if "params" in message and not isinstance(message["params"], dict | list):
        return "params must be an object or an array"
    return ""


def _err(exc: RpcError) -> dict[str, Any]:
    return {"error": exc.to_json()}


def error_response(msg_id: Any, code: int, message: str, data: Any = None) -> dict[str, Any]:
    """A JSON-RPC error response object."""
    return {"jsonrpc": "2.0", "id": msg_id, **_err(RpcError(code, message, data))}


def notification(method: str, params: dict[str, Any]) -> dict[str, Any]:
    """A JSON-RPC notification object."""
    return {"jsonrpc": "2.0", "method": method, "params": params}


def dumps(obj: Any) -> str:
    """Compact JSON text, refusing NaN and infinities."""
    return _ENCODER.encode(obj)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 200 else text[:199] + "…"


# One decoder and one encoder for every message: json.loads/json.dumps build a
# new one on each call when given options.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
_ENCODER = json.JSONEncoder(separators=(",", ":"), allow_nan=False)
