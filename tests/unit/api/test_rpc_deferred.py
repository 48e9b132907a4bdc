"""Deferred params-schema checks: registering is cheap, a bad schema still fails loudly."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from panel.api.rpc import RpcContext, RpcRegistry


def _call(registry: RpcRegistry, method: str, params: dict[str, Any]) -> dict[str, Any] | None:
    message = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
    return asyncio.run(registry.dispatch_one(message, RpcContext("test")))


def test_deferred_registry_validates_on_first_call() -> None:
    registry = RpcRegistry(defer_checks=True)
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    registry.register("double", lambda p, c: p["n"] * 2, schema)
    assert _call(registry, "double", {"n": 2}) == {"jsonrpc": "2.0", "id": 1, "result": 4}
    reply = _call(registry, "double", {"n": "x"})
    assert reply is not None and reply["error"]["data"]["path"] == "params.n"


def test_check_schemas_reports_a_bad_schema() -> None:
    registry = RpcRegistry(defer_checks=True)
    registry.register("bad", lambda p, c: None, {"type": "no-such-type"})  # no error yet
    with pytest.raises(Exception, match="is not valid under any of the given schemas"):
        registry.check_schemas()
