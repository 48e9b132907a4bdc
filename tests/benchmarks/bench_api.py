"""Local API: call round trips and notification fan-out, against a raw WebSocket echo baseline.

The server runs in a child process (as the engine does for `opspanel ctl`); the
client is the synchronous `ApiClient`. The baseline is a bare websockets echo
server in the same child, measured with the same client library in the same run,
so the difference is the cost of JSON-RPC dispatch, validation and our queues
(and of `ApiClient.call` over a bare send and receive). The two take turns in
blocks of calls, so that a slow spell of the machine falls on both; the ratio
is ours over the baseline's, for calls/s and for the p50 round trip's speed
(baseline p50 / ours): 1.0 would be as fast as the bare echo.
"""

from __future__ import annotations

import contextlib
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

from websockets.sync.client import ClientConnection, connect

from panel.api.client import ApiClient

CALLS = 5000
"""Round trips per contender, in `BLOCKS` turns each (after `WARMUP` unmeasured calls)."""
BLOCKS = 10
WARMUP = 200
NOTES = 20_000
TOKEN = "bench-token"

SERVER = r"""
import asyncio, sys
from websockets.asyncio.server import serve
from panel.api.rpc import RpcRegistry
from panel.api.server import ApiServer

SCHEMA = {"type": "object", "properties": {"n": {"type": "integer"}}}

async def main() -> None:
    registry = RpcRegistry()
    registry.register("echo", lambda params, ctx: params, SCHEMA)
    def flood(params, ctx):
        ctx.subscribe("t")
        async def push():
            for i in range(params["count"]):
                api.publish("t", "t.n", {"i": i})
                if i % 256 == 0:
                    await asyncio.sleep(0)
        asyncio.get_running_loop().create_task(push())
        return True
    registry.register("flood", flood)
    api = ApiServer(registry, sys.argv[1], client_queue=1_000_000)
    port = await api.start()
    async def echo(ws):
        async for message in ws:
            await ws.send(message)
    async with serve(echo, "127.0.0.1", 0, compression=None) as raw:
        raw_port = raw.sockets[0].getsockname()[1]
        print(port, raw_port, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await api.close()

asyncio.run(main())
"""


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_us": round(statistics.median(ordered) * 1e6, 1),
        "p99_us": round(ordered[int(len(ordered) * 0.99) - 1] * 1e6, 1),
        "per_s": round(len(ordered) / sum(ordered)),
    }


def _rpc_calls(client: ApiClient, first: int, count: int, samples: list[float]) -> None:
    for i in range(first, first + count):
        start = time.perf_counter()
        client.call("echo", {"n": i})
        samples.append(time.perf_counter() - start)


def _raw_calls(ws: ClientConnection, first: int, count: int, samples: list[float]) -> None:
    for i in range(first, first + count):
        start = time.perf_counter()
        ws.send(json.dumps({"jsonrpc": "2.0", "id": i, "method": "echo", "params": {"n": i}}))
        ws.recv()
        samples.append(time.perf_counter() - start)


def _bench_echo(port: int, raw_port: int) -> tuple[list[float], list[float]]:
    """Round-trip samples (ours, bare echo), taking turns block by block."""
    ours: list[float] = []
    bare: list[float] = []
    with (
        ApiClient(f"ws://127.0.0.1:{port}/rpc", TOKEN) as client,
        connect(f"ws://127.0.0.1:{raw_port}", proxy=None, compression=None) as ws,
    ):
        _rpc_calls(client, 0, WARMUP, [])
        _raw_calls(ws, 0, WARMUP, [])
        per_block = CALLS // BLOCKS
        for block in range(BLOCKS):
            first = WARMUP + block * per_block
            if block % 2 == 0:
                _rpc_calls(client, first, per_block, ours)
                _raw_calls(ws, first, per_block, bare)
            else:
                _raw_calls(ws, first, per_block, bare)
                _rpc_calls(client, first, per_block, ours)
    return ours, bare


def _bench_notifications(port: int) -> dict[str, float]:
    with ApiClient(f"ws://127.0.0.1:{port}/rpc", TOKEN) as client:
        start = time.perf_counter()
        client.call("flood", {"count": NOTES})
        seen = 0
        for _note in client.notifications(timeout=10):
            seen += 1
            if seen == NOTES:
                break
        elapsed = time.perf_counter() - start
    return {"notifications": seen, "per_s": round(seen / elapsed)}


def _bench_idle_publish() -> dict[str, float]:
    from panel.api.rpc import RpcRegistry
    from panel.api.server import ApiServer

    server = ApiServer(RpcRegistry(), TOKEN)
    count = 1_000_000
    start = time.perf_counter()
    for _ in range(count):
        server.publish("nobody", "x", {})
    return {"ns_per_call": round((time.perf_counter() - start) / count * 1e9, 1)}


@contextlib.contextmanager
def echo_servers() -> Iterator[tuple[int, int]]:
    """The server child: (JSON-RPC echo port, bare websockets echo port), ended on exit."""
    child = subprocess.Popen(
        [sys.executable, "-c", SERVER, TOKEN],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdin is not None
        port, raw_port = (int(x) for x in child.stdout.readline().split())
        yield port, raw_port
        child.stdin.close()
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
        if child.stdout is not None:
            child.stdout.close()


def echo_figures(port: int, raw_port: int) -> dict[str, Any]:
    """JSON-RPC echo round trips beside the bare websockets echo, same client library,
    and ours over the baseline (calls/s, and p50 speed: baseline p50 / ours)."""
    ours_samples, bare_samples = _bench_echo(port, raw_port)
    ours, bare = _percentiles(ours_samples), _percentiles(bare_samples)
    return {
        "rpc_echo_call": ours,
        "baseline_raw_ws_echo": bare,
        "rpc_vs_baseline": {
            "calls_per_s_x": round(ours["per_s"] / bare["per_s"], 2),
            "p50_x": round(bare["p50_us"] / ours["p50_us"], 2),
        },
    }


def run() -> dict[str, Any]:
    """Figures: RPC round trips vs raw echo, notification throughput, idle publish cost."""
    with echo_servers() as (port, raw_port):
        figures = echo_figures(port, raw_port)
        figures["notifications_one_client"] = _bench_notifications(port)
    figures["publish_without_subscribers"] = _bench_idle_publish()
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
