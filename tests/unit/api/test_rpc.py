"""RpcRegistry.dispatch without any transport."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from typing import Any

import pytest

from panel.api.rpc import (
    INVALID_STATE,
    MAX_BATCH,
    UNAVAILABLE,
    Later,
    RpcContext,
    RpcError,
    RpcRegistry,
)


def _registry() -> RpcRegistry:
    registry = RpcRegistry()
    registry.register("echo", lambda params, ctx: params)

    async def slow_add(params: dict[str, Any], ctx: RpcContext) -> int:
        """Add a and b, asynchronously."""
        await asyncio.sleep(0)
        return int(params["a"]) + int(params["b"])

    registry.register(
        "add",
        slow_add,
        {
            "type": "object",
            "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
            "required": ["a", "b"],
        },
    )
    registry.register(
        "items",
        lambda p, c: None,
        {"type": "object", "properties": {"list": {"type": "array", "items": {"type": "string"}}}},
    )
    registry.register("conflict", _conflict, mutating=True)
    registry.register("not_json", lambda p, c: {1, 2})
    registry.register("who", lambda p, c: c.client_id)
    return registry


def _conflict(params: dict[str, Any], ctx: RpcContext) -> None:
    raise RpcError(INVALID_STATE, "server is stopping")


def dispatch(raw: Any, registry: RpcRegistry | None = None) -> Any:
    text = raw if isinstance(raw, str | bytes) else json.dumps(raw)
    ctx = RpcContext("unit")
    reply = asyncio.run((registry or _registry()).dispatch(text, ctx))
    return None if reply is None else json.loads(reply)


def test_sync_and_async_handlers() -> None:
    assert dispatch({"jsonrpc": "2.0", "id": 1, "method": "echo", "params": {"x": [1]}}) == {
        "jsonrpc": "2.0",
        "id": 1,
        "result": {"x": [1]},
    }
    reply = dispatch({"jsonrpc": "2.0", "id": "k", "method": "add", "params": {"a": 2, "b": 3}})
    assert reply == {"jsonrpc": "2.0", "id": "k", "result": 5}
    assert dispatch({"jsonrpc": "2.0", "id": None, "method": "who"})["result"] == "unit"


def test_params_default_to_an_empty_object() -> None:
    assert dispatch({"jsonrpc": "2.0", "id": 1, "method": "echo"})["result"] == {}


def test_notification_gets_no_reply() -> None:
    assert dispatch({"jsonrpc": "2.0", "method": "echo"}) is None
    assert dispatch({"jsonrpc": "2.0", "method": "nope"}) is None
    assert dispatch([{"jsonrpc": "2.0", "method": "echo"}]) is None


@pytest.mark.parametrize("raw", ["{", "", "[1,", b"\xc3\x28", "Infinity", '{"a": NaN}'])
def test_parse_errors(raw: str | bytes) -> None:
    reply = dispatch(raw)
    assert reply["id"] is None
    assert reply["error"]["code"] == -32700


def test_invalid_request_keeps_a_valid_id() -> None:
    reply = dispatch({"jsonrpc": "2.0", "id": 5, "method": 1})
    assert (reply["id"], reply["error"]["code"]) == (5, -32600)
    reply = dispatch({"jsonrpc": "2.0", "id": [1], "method": "echo"})
    assert (reply["id"], reply["error"]["code"]) == (None, -32600)


def test_param_path_in_message_and_data() -> None:
    reply = dispatch({"jsonrpc": "2.0", "id": 1, "method": "items", "params": {"list": ["a", 2]}})
    assert reply["error"]["code"] == -32602
    assert reply["error"]["message"].startswith("invalid params: params.list[1]:")
    assert reply["error"]["data"]["path"] == "params.list[1]"
    reply = dispatch({"jsonrpc": "2.0", "id": 1, "method": "add", "params": {"a": 1}})
    assert "'b' is a required property" in reply["error"]["message"]


def test_application_error_and_bad_result() -> None:
    reply = dispatch({"jsonrpc": "2.0", "id": 1, "method": "conflict"})
    assert reply["error"] == {"code": -32011, "message": "server is stopping"}
    reply = dispatch({"jsonrpc": "2.0", "id": 2, "method": "not_json"})
    assert reply["error"]["code"] == -32603


def test_batches() -> None:
    replies = dispatch(
        [
            {"jsonrpc": "2.0", "id": 1, "method": "add", "params": {"a": 1, "b": 1}},
            {"jsonrpc": "2.0", "method": "echo"},
            {"jsonrpc": "2.0", "id": 2, "method": "add", "params": {"a": "x", "b": 1}},
            [],
        ]
    )
    assert [reply["id"] for reply in replies] == [1, 2, None]
    assert replies[0]["result"] == 2
    assert replies[1]["error"]["code"] == -32602
    assert replies[2]["error"]["code"] == -32600
    assert dispatch([])["error"]["code"] == -32600
    too_many = [{"jsonrpc": "2.0", "method": "echo"}] * (MAX_BATCH + 1)
    assert dispatch(too_many)["error"]["code"] == -32600


def test_registration_rules() -> None:
    registry = RpcRegistry()
    with pytest.raises(ValueError, match="reserved"):
        registry.register("rpc.mine", lambda p, c: None)
    registry.register("a", lambda p, c: None)
    with pytest.raises(ValueError, match="already"):
        registry.register("a", lambda p, c: None)
    with pytest.raises(Exception, match="is not valid under any of the given schemas"):
        registry.register("b", lambda p, c: None, {"type": "no-such-type"})
    registry.unregister("a")
    assert "a" not in registry


def test_discover_uses_docstrings() -> None:
    methods = dispatch({"jsonrpc": "2.0", "id": 1, "method": "rpc.discover"})["result"]["methods"]
    by_name = {method["name"]: method for method in methods}
    assert by_name["add"]["doc"] == "Add a and b, asynchronously."
    assert by_name["add"]["params"]["required"] == ["a", "b"]
    assert by_name["conflict"]["mutating"] is True
    assert by_name["echo"]["params"] is None


def test_context_records_subscriptions_and_calls_hooks() -> None:
    seen: list[tuple[Any, ...]] = []
    ctx = RpcContext(
        "c1", lambda t, f: seen.append(("sub", t, f)), lambda t: seen.append(("un", t))
    )
    ctx.subscribe("logs", {"source": "server"})
    ctx.unsubscribe("logs")
    ctx.unsubscribe("logs")  # not subscribed any more: no hook
    assert seen == [("sub", "logs", {"source": "server"}), ("un", "logs")]
    assert ctx.subscriptions == {}


def test_a_full_disk_is_a_clear_error_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    def save(params: dict[str, Any], ctx: RpcContext) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    registry = _registry()
    registry.register("save", save, mutating=True)
    caplog.set_level(logging.INFO, logger="panel.api.rpc")
    for n in range(3):
        reply = dispatch({"jsonrpc": "2.0", "id": n, "method": "save"}, registry)
        assert reply["error"]["code"] == UNAVAILABLE
        assert reply["error"]["message"] == "no space left on device"
    assert [r.getMessage() for r in caplog.records] == [
        "save refused: no space left on device"
        " (1 calls refused since the last such line; one a minute at most)"
    ]
    assert all(r.exc_info is None for r in caplog.records)


def test_the_observer_hears_every_mutating_call_sync_or_async(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def launch(params: dict[str, Any], ctx: RpcContext) -> str:
        await asyncio.sleep(0)
        if params.get("fail"):
            raise RuntimeError("engine on fire")
        if params.get("refuse"):
            raise RpcError(INVALID_STATE, "already running")
        return "launched"

    heard: list[tuple[str, str, dict[str, Any], int | None]] = []

    def observer(
        ctx: RpcContext, method: str, params: dict[str, Any], error: Any, ms: float
    ) -> None:
        assert ms >= 0
        heard.append((ctx.client_id, method, params, error.code if error else None))

    registry = _registry()
    registry.register("launch", launch, mutating=True)
    registry.set_observer(observer)
    caplog.set_level(logging.CRITICAL, logger="panel.api.rpc")  # the fire is logged: expected
    assert (
        dispatch({"jsonrpc": "2.0", "id": 1, "method": "launch"}, registry)["result"] == "launched"
    )
    refused = {"jsonrpc": "2.0", "id": 2, "method": "launch", "params": {"refuse": True}}
    assert dispatch(refused, registry)["error"]["code"] == INVALID_STATE
    fire = {"jsonrpc": "2.0", "id": 3, "method": "launch", "params": {"fail": True}}
    assert dispatch(fire, registry)["error"]["data"] == {
        "type": "RuntimeError",
        "message": "engine on fire",
    }
    assert dispatch({"jsonrpc": "2.0", "id": 4, "method": "conflict"}, registry)["error"]
    assert dispatch({"jsonrpc": "2.0", "id": 5, "method": "echo"}, registry)["result"] == {}
    assert heard == [
        ("unit", "launch", {}, None),
        ("unit", "launch", {"refuse": True}, INVALID_STATE),
        ("unit", "launch", {"fail": True}, -32603),
        ("unit", "conflict", {}, INVALID_STATE),
    ]


def test_answer_is_immediate_for_sync_handlers_and_later_for_async_ones() -> None:
    registry = _registry()
    ctx = RpcContext("unit")
    now = registry.answer(b'{"jsonrpc":"2.0","id":1,"method":"echo","params":{"a":1}}', ctx)
    assert isinstance(now, str) and json.loads(now)["result"] == {"a": 1}
    later = registry.answer(b'{"jsonrpc":"2.0","id":2,"method":"add","params":{"a":1,"b":2}}', ctx)
    assert isinstance(later, Later)
    assert json.loads(asyncio.run(later.rest)) == {"jsonrpc": "2.0", "id": 2, "result": 3}
