"""Fixtures for the API: a real ApiServer on an asyncio loop in a background thread."""

from __future__ import annotations

import asyncio
import gc
import os
import threading
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from panel.api.apifile import write_api_file
from panel.api.rpc import NOT_FOUND, RpcContext, RpcError, RpcRegistry
from panel.api.server import ApiServer

T = TypeVar("T")
TOKEN = "test-token-0123456789"


class ServerThread:
    """An ApiServer served by an asyncio loop running in its own thread."""

    def __init__(self, registry: RpcRegistry, token: str = TOKEN, **kwargs: Any) -> None:
        self.registry = registry
        self.token = token
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="api-loop", daemon=True)
        self.server = ApiServer(registry, token, **kwargs)
        self.port = 0

    def start(self) -> ServerThread:
        """Run the loop and start the server on a free port."""
        self.thread.start()
        self.port = self.run(self.server.start())
        return self

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 10.0) -> T:
        """Run `coro` on the server's loop and wait (bounded) for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run plain `fn(*args)` on the loop thread and return its result."""

        async def wrapper() -> T:
            return fn(*args)

        return self.run(wrapper())

    @property
    def url(self) -> str:
        """ws:// URL of the RPC endpoint."""
        return f"ws://127.0.0.1:{self.port}/rpc"

    def stop(self) -> None:
        """Close the server, stop and close the loop."""
        if self.thread.is_alive():
            try:
                self.run(self.server.close())
            finally:
                self.loop.call_soon_threadsafe(self.loop.stop)
                self.thread.join(10)
        if not self.loop.is_closed():
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.run_until_complete(self.loop.shutdown_default_executor())
            self.loop.close()


def _echo(params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
    return params


async def _async_echo(params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
    await asyncio.sleep(0)
    return {"async": True, **params}


def _boom(params: dict[str, Any], ctx: RpcContext) -> None:
    raise RuntimeError("boom")


def _whoami(params: dict[str, Any], ctx: RpcContext) -> str:
    return ctx.client_id


def _subscribe(params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
    ctx.subscribe(params["topic"], params.get("filter"))
    return {"subscribed": True}


def _unsubscribe(params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
    ctx.unsubscribe(params["topic"])
    return {"subscribed": False}


def _not_found(params: dict[str, Any], ctx: RpcContext) -> None:
    raise RpcError(NOT_FOUND, "no such thing", {"name": params.get("name")})


TYPED_SCHEMA = {
    "type": "object",
    "properties": {
        "wait": {"type": "boolean"},
        "opts": {"type": "object", "properties": {"n": {"type": "integer", "minimum": 0}}},
    },
    "required": ["wait"],
    "additionalProperties": False,
}


def toy_registry() -> RpcRegistry:
    """Small methods that exercise every path of the dispatcher."""
    registry = RpcRegistry()
    registry.register("echo", _echo, doc="Answer the params.")
    registry.register("aecho", _async_echo)
    registry.register("boom", _boom)
    registry.register("whoami", _whoami)
    registry.register("typed", _echo, TYPED_SCHEMA, mutating=True)
    registry.register("sub", _subscribe)
    registry.register("unsub", _unsubscribe)
    registry.register("missing", _not_found)
    return registry


@pytest.fixture
def server_factory() -> Iterator[Callable[..., ServerThread]]:
    """Start ServerThreads with toy methods (or a given registry); all stopped afterwards."""
    started: list[ServerThread] = []

    def make(registry: RpcRegistry | None = None, **kwargs: Any) -> ServerThread:
        # Collect earlier tests' garbage (maybe QObjects) here in the main thread, so
        # that the collector never destroys a QObject from our loop thread.
        gc.collect()
        st = ServerThread(registry or toy_registry(), **kwargs)
        started.append(st)
        return st.start()

    yield make
    for st in started:
        st.stop()


@pytest.fixture
def api(server_factory: Callable[..., ServerThread]) -> ServerThread:
    """One running server with the toy methods."""
    return server_factory()


# -- a toy engine for ctl --------------------------------------------------------------


class ToyEngine:
    """The engine's API methods with canned answers, recording what was asked."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.server_state: dict[str, Any] = {
            "status": "running",
            "pid": 1234,
            "port": 8121,
            "uptime": 192.4,
            "restarts": 0,
            "lastError": None,
        }
        self.start_result: dict[str, Any] | None = None
        self.lines = [
            _line(1, 1_700_000_000.123, "server", "stdout", "info", "listening on 8121"),
            _line(2, 1_700_000_001.5, "app", "stderr", "warning", "disk almost full"),
            _line(3, 1_700_000_002.25, "server", "stderr", "error", "request failed"),
        ]

    def registry(self) -> RpcRegistry:
        """A registry with status, server.* and logs.* as the engine defines them."""
        registry = RpcRegistry()
        registry.register("status", self.status)
        registry.register("server.status", self.server_status)
        for action in ("start", "stop", "restart"):
            registry.register(f"server.{action}", self._action(action), mutating=True)
        registry.register("logs.tail", self.logs_tail)
        registry.register("logs.subscribe", self.logs_subscribe)
        return registry

    def status(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        self.calls.append(("status", params))
        engine = {"pid": 4321, "version": "0.1.0", "workspace": "/ws", "uptime": 3600.0}
        return {"engine": engine, "server": self.server_state}

    def server_status(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        self.calls.append(("server.status", params))
        return self.server_state

    def _action(self, action: str) -> Callable[[dict[str, Any], RpcContext], dict[str, Any]]:
        def handler(params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
            self.calls.append((f"server.{action}", params))
            if action == "start" and self.start_result is not None:
                return self.start_result
            return self.server_state

        return handler

    def logs_tail(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        self.calls.append(("logs.tail", params))
        source = params.get("source")
        if source is not None and source not in {line["source"] for line in self.lines}:
            raise RpcError(NOT_FOUND, f"no log source named {source!r}")
        lines = [line for line in self.lines if source is None or line["source"] == source]
        n = params.get("n", 100)
        return {"lines": lines[-n:] if n else []}

    def logs_subscribe(self, params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
        self.calls.append(("logs.subscribe", params))
        ctx.subscribe("logs", {"source": params["source"]} if params.get("source") else None)
        return {"subscribed": True}


def _line(seq: int, ts: float, source: str, stream: str, level: str, text: str) -> dict[str, Any]:
    return {"seq": seq, "ts": ts, "source": source, "stream": stream, "level": level, "text": text}


def by_source(flt: dict[str, Any] | None, params: dict[str, Any]) -> dict[str, Any] | None:
    """Selector: keep only the subscriber's source."""
    if not flt:
        return params
    lines = [line for line in params["lines"] if line["source"] == flt["source"]]
    return {"lines": lines} if lines else None


class ToyApi:
    """A ToyEngine served on a real ApiServer, with api.json in a workspace folder."""

    def __init__(self, engine: ToyEngine, st: ServerThread, workspace: Path) -> None:
        self.engine = engine
        self.st = st
        self.workspace = workspace

    def push(self, lines: list[dict[str, Any]]) -> None:
        """Publish new log lines the way the engine does."""
        self.engine.lines.extend(lines)
        self.st.call(self.st.server.publish, "logs", "logs.lines", {"lines": lines}, by_source)


@pytest.fixture
def toy_api(server_factory: Callable[..., ServerThread], workspace_dir: Path) -> ToyApi:
    """A toy engine answering on a real socket; its api.json is in `workspace_dir`."""
    engine = ToyEngine()
    st = server_factory(engine.registry())
    write_api_file(workspace_dir / "api.json", st.port, st.token, os.getpid())
    return ToyApi(engine, st, workspace_dir)


@pytest.fixture
def make_line() -> Callable[..., dict[str, Any]]:
    """Build a log line dict."""
    return _line
