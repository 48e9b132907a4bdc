"""The server runs on the app's qasync loop (Qt drives asyncio) as well as on plain asyncio."""

from __future__ import annotations

import asyncio
import gc
import threading
from typing import Any

import qasync

from panel.api.client import ApiClient, ConnectionLost
from panel.api.rpc import RpcContext, RpcRegistry
from panel.api.server import ApiServer


def test_serves_calls_and_notifications_on_a_qasync_loop(qapp: Any) -> None:
    registry = RpcRegistry()

    async def later(params: dict[str, Any], ctx: RpcContext) -> str:
        await asyncio.sleep(0)
        return "ok"

    def sub(params: dict[str, Any], ctx: RpcContext) -> bool:
        ctx.subscribe("t")
        return True

    registry.register("later", later)
    registry.register("sub", sub)
    results: list[Any] = []

    def client(url: str) -> None:
        with ApiClient(url, "tok") as api:
            results.append(api.call("later"))
            results.append(api.call("sub"))
            try:
                results.extend(note["params"] for note in api.notifications(timeout=5))
            except ConnectionLost:
                results.append("closed")

    async def scenario() -> None:
        server = ApiServer(registry, "tok")
        await server.start()
        thread = threading.Thread(target=client, args=(server.url,))
        thread.start()
        deadline = asyncio.get_running_loop().time() + 10
        while not server.has_subscribers("t"):
            assert asyncio.get_running_loop().time() < deadline, "client never subscribed"
            await asyncio.sleep(0.005)
        server.publish("t", "t.x", {"a": 1})
        while not results[2:]:
            assert asyncio.get_running_loop().time() < deadline, "no notification"
            await asyncio.sleep(0.005)
        await server.close()  # ends the client's notifications()
        await asyncio.to_thread(thread.join, 10)

    loop = qasync.QEventLoop(qapp)
    try:
        loop.run_until_complete(asyncio.wait_for(scenario(), 30))
    finally:
        loop.close()
        del loop
        # The loop's QObjects sit in reference cycles: destroy them here, in the Qt
        # thread, not wherever the garbage collector happens to run next.
        gc.collect()
    assert results == ["ok", True, {"a": 1}, "closed"]
