"""Transport limits of the API: rate limit per connection, client limit, metrics endpoint."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from panel.api.rpc import RpcContext, RpcRegistry
from panel.api.server import ApiServer

TOKEN = "limits-token-0123456789"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}


def _echo(params: dict[str, Any], ctx: RpcContext) -> dict[str, Any]:
    return params


def _boom(params: dict[str, Any], ctx: RpcContext) -> None:
    raise RuntimeError("boom")


async def _server(**kwargs: Any) -> ApiServer:
    registry = RpcRegistry()
    registry.register("echo", _echo)
    registry.register("boom", _boom)
    server = ApiServer(registry, TOKEN, **kwargs)
    await server.start()
    return server


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 60))


async def _accepted_again(ws: Any, timeout: float = 5.0) -> bool:
    """Send until a request is accepted again (bounded), as a client honouring -32002 would."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        await ws.send(json.dumps({"jsonrpc": "2.0", "id": "again", "method": "echo"}))
        reply = json.loads(await ws.recv())
        if "result" in reply:
            return True
        await asyncio.sleep(reply["error"]["data"]["retryAfterMs"] / 1000)  # the advertised wait
    return False


def test_rate_limit_answers_32002_and_recovers() -> None:
    async def scenario() -> None:
        server = await _server(rate_limit=1.0, rate_burst=5)
        try:
            async with connect(server.url, additional_headers=HEADERS) as ws:
                for n in range(5):
                    await ws.send(json.dumps({"jsonrpc": "2.0", "id": n, "method": "echo"}))
                await ws.send(json.dumps({"jsonrpc": "2.0", "id": "over", "method": "echo"}))
                replies = [json.loads(await ws.recv()) for _ in range(6)]
                limited = [r for r in replies if "error" in r]
                assert len(limited) == 1
                error = limited[0]
                assert error["id"] == "over" and error["error"]["code"] == -32002
                assert error["error"]["data"]["retryAfterMs"] >= 1
                assert await _accepted_again(ws)  # refilled: the limit only delays
                batch = [{"jsonrpc": "2.0", "id": i, "method": "echo"} for i in range(10)]
                await ws.send(json.dumps(batch))
                assert json.loads(await ws.recv())["error"]["code"] == -32002  # 10 > burst
            assert server.rate_limited >= 2
        finally:
            await server.close()

    run(scenario())


def test_too_many_clients_get_http_503() -> None:
    async def scenario() -> None:
        server = await _server(max_clients=2)
        try:
            async with (
                connect(server.url, additional_headers=HEADERS) as one,
                connect(server.url, additional_headers=HEADERS) as two,
            ):
                await one.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "echo"}))
                await two.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "echo"}))
                await one.recv()
                await two.recv()
                with pytest.raises(InvalidStatus) as caught:
                    async with connect(server.url, additional_headers=HEADERS):
                        pass
                response = caught.value.response
                assert response.status_code == 503
                assert json.loads(response.body) == {"error": "too many clients", "limit": 2}
            assert server.refused_clients == 1
            async with connect(server.url, additional_headers=HEADERS) as three:  # room again
                await three.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "echo"}))
                assert "result" in json.loads(await three.recv())
        finally:
            await server.close()

    run(scenario())


def test_internal_error_is_32603_and_the_server_goes_on() -> None:
    async def scenario() -> None:
        server = await _server()
        try:
            async with connect(server.url, additional_headers=HEADERS) as ws:
                await ws.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "boom"}))
                reply = json.loads(await ws.recv())
                assert reply["error"]["code"] == -32603
                assert reply["error"]["data"] == {"type": "RuntimeError", "message": "boom"}
                await ws.send(json.dumps({"jsonrpc": "2.0", "id": 2, "method": "echo"}))
                assert json.loads(await ws.recv())["id"] == 2
        finally:
            await server.close()

    run(scenario())


def test_metrics_provider_and_auth() -> None:
    async def scenario() -> None:
        server = await _server()
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(b"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            head = await reader.read(200)
            assert b" 401 " in head
            writer.close()
            await writer.wait_closed()
            server.set_metrics(lambda: "opspanel_x 1\n")
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            request = (
                f"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {TOKEN}\r\n\r\n"
            )
            writer.write(request.encode())
            body = await reader.read()
            assert b" 200 " in body and b"text/plain; version=0.0.4" in body
            assert body.endswith(b"opspanel_x 1\n")
            writer.close()
            await writer.wait_closed()
        finally:
            await server.close()

    run(scenario())
