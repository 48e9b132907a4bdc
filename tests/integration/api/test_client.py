"""ApiClient against a real ApiServer: results, errors, timeouts, buffered notifications."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from panel.api.apifile import write_api_file
from panel.api.client import (
    ApiClient,
    ApiError,
    ApiTimeout,
    ConnectionLost,
    EngineNotRunning,
    Unauthorized,
)
from panel.api.rpc import RpcContext, RpcRegistry


def _registry(release: threading.Event) -> RpcRegistry:
    registry = RpcRegistry()
    registry.register("echo", lambda params, ctx: params)

    async def held(params: dict[str, Any], ctx: RpcContext) -> str:
        """Answer once the test releases it (bounded)."""
        await asyncio.get_running_loop().run_in_executor(None, release.wait, 10)
        return "released"

    registry.register("held", held)

    def sub(params: dict[str, Any], ctx: RpcContext) -> bool:
        ctx.subscribe("t")
        return True

    registry.register("sub", sub)
    return registry


@pytest.fixture
def served(server_factory: Callable[..., Any], workspace_dir: Path) -> Any:
    release = threading.Event()
    st = server_factory(_registry(release))
    st.release = release
    write_api_file(workspace_dir / "api.json", st.port, st.token, os.getpid())
    yield st
    release.set()


def test_call_result_and_errors(served: Any, workspace_dir: Path) -> None:
    with ApiClient.from_workspace(workspace_dir) as client:
        assert client.call("echo", {"a": [1, 2]}) == {"a": [1, 2]}
        with pytest.raises(ApiError) as info:
            client.call("nope")
        assert info.value.code == -32601
        assert "nope" in str(info.value)


def test_timeout_then_the_connection_still_works(served: Any, workspace_dir: Path) -> None:
    with ApiClient.from_workspace(workspace_dir) as client:
        with pytest.raises(ApiTimeout, match=r"held did not answer within 0\.2 s"):
            client.call("held", timeout=0.2)
        served.release.set()
        # The late answer to the first call is skipped; this call gets its own.
        assert client.call("echo", {"n": 1}) == {"n": 1}


def test_notifications_arriving_during_a_call_are_kept(served: Any, workspace_dir: Path) -> None:
    with ApiClient.from_workspace(workspace_dir) as client:
        assert client.call("sub") is True
        served.call(served.server.publish, "t", "t.one", {"i": 1})
        assert client.call("echo") == {}  # a notification read while waiting is buffered
        served.call(served.server.publish, "t", "t.two", {"i": 2})
        notes = client.notifications(timeout=5)
        got = [next(notes)["params"]["i"], next(notes)["params"]["i"]]
        assert got == [1, 2]
        # With nothing more to read, notifications() ends on its idle timeout.
        assert list(client.notifications(timeout=0.05)) == []


def test_notifications_end_with_connection_lost(served: Any, workspace_dir: Path) -> None:
    with ApiClient.from_workspace(workspace_dir) as client:
        client.call("sub")
        served.run(served.server.close())
        with pytest.raises(ConnectionLost):
            list(client.notifications(timeout=5))


def test_clear_errors_for_missing_engine_and_bad_token(served: Any, tmp_path: Path) -> None:
    with pytest.raises(EngineNotRunning, match=r"no api\.json"):
        ApiClient.from_workspace(tmp_path)
    with pytest.raises(Unauthorized, match="401"):
        ApiClient(served.server.url, "wrong")
