"""Live session output: how long after a command writes a line the client has it.

A real headless engine (sessions under bubblewrap); each `session.execute` with
``"stream": true`` runs a Python snippet that prints a wall-clock stamp, flushes,
and does it again every 20 ms (10 lines). The client stamps each
``session.output`` on arrival: the first chunk's latency is the issue's bound
(<= 50 ms); every chunk's latency is reported beside it. Same clock, same machine.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.integration.sessions.engine_proc import EngineProc, client

RUNS = 40
BOUND_MS = 50.0
CODE = """
import time
for _ in range(10):
    print(f"{time.time():.6f}", flush=True)
    time.sleep(0.02)
"""


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p99_ms": round(ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
    }


async def _figures(engine: EngineProc) -> dict[str, Any]:
    firsts: list[float] = []
    every: list[float] = []
    async with client(engine) as c:
        sid = (await c.result("session.create"))["sessionId"]
        for n in range(RUNS):
            request = {
                "jsonrpc": "2.0",
                "id": f"s{n}",
                "method": "session.execute",
                "params": {
                    "sessionId": sid,
                    "stream": True,
                    "command": {"type": "run_code", "code": CODE},
                },
            }
            await c.ws.send(json.dumps(request))
            first = True
            while True:
                message = json.loads(await c.ws.recv())
                now = time.time()
                if message.get("method") == "session.output":
                    stamps = [float(x) for x in message["params"]["data"].split()]
                    every.extend(now - s for s in stamps)
                    if first:
                        firsts.append(now - stamps[0])
                        first = False
                elif message.get("id") == f"s{n}":
                    assert message["result"]["success"], message
                    break
        await c.result("session.close", sessionId=sid, wait=True)
    first_stats = _stats(firsts)
    return {
        "first_chunk_latency": first_stats,
        "every_line_latency": _stats(every),
        "bound_ms": BOUND_MS,
        "within_bound": first_stats["max_ms"] <= BOUND_MS,
    }


def run() -> dict[str, Any]:
    """Figures: first-chunk and per-line latency of streamed output."""
    with tempfile.TemporaryDirectory(prefix="bench-stream-") as tmp:
        engine = EngineProc(Path(tmp) / "ws")
        try:
            return asyncio.run(_figures(engine))
        finally:
            engine.stop()


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
