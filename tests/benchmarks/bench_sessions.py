"""Sessions and the API: round trips beside a bare WebSocket echo, session start, shell overhead.

Reuses `bench_api`'s server child for the JSON-RPC echo round trip and its bare
`websockets` echo baseline (same run, same client library). Then a real headless
engine: `session.list` round trips, the time from `session.create` to an answer
(the runner is ready when it answers), and `execute_shell` of `/bin/true` through
the API beside a bare `subprocess.run` of the same command. Last, the cost of the
sandbox: the same `execute_shell` on a second engine whose sessions run without
bubblewrap (sessions.allowUnsandboxed), the two engines taking turns.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from panel.sessions.sandbox import BWRAP_ENV
from panel.workspace.known_settings import SESSIONS_ALLOW_UNSANDBOXED
from tests.benchmarks.bench_api import echo_figures, echo_servers
from tests.integration.sessions.engine_proc import EngineProc, client

SESSIONS = 10
EXECS = 200
LIST_CALLS = 2000


def _stats_ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p99_ms": round(ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
    }


def _echo_figures() -> dict[str, Any]:
    with echo_servers() as (port, raw_port):
        return echo_figures(port, raw_port)


async def _engine_figures(engine: EngineProc) -> dict[str, Any]:
    true = shutil.which("true") or "/bin/true"
    async with client(engine) as c:
        lists = []
        for _ in range(LIST_CALLS):
            start = time.perf_counter()
            await c.result("session.list")
            lists.append(time.perf_counter() - start)
        creates, sids = [], []
        for _ in range(SESSIONS):
            start = time.perf_counter()
            sids.append((await c.result("session.create"))["sessionId"])
            creates.append(time.perf_counter() - start)
        execs, inner = [], []
        command = {"type": "execute_shell", "commandName": "true", "args": []}
        for i in range(EXECS):
            start = time.perf_counter()
            reply = await c.result("session.execute", sessionId=sids[i % SESSIONS], command=command)
            execs.append(time.perf_counter() - start)
            assert reply["success"], reply
            inner.append(reply["result"]["elapsedMs"] / 1000)
        for sid in sids:
            await c.result("session.close", sessionId=sid, wait=True)
    bare = []
    for _ in range(EXECS):
        start = time.perf_counter()
        subprocess.run([true], check=True)
        bare.append(time.perf_counter() - start)
    list_stats = _stats_ms(lists)
    list_stats["per_s"] = round(len(lists) / sum(lists))
    return {
        "session_list_call": list_stats,
        "create_to_ready": _stats_ms(creates),
        "execute_shell_true_api": _stats_ms(execs),
        "execute_shell_true_in_runner": _stats_ms(inner),
        "baseline_subprocess_run_true": _stats_ms(bare),
        "execute_shell_overhead_p50_ms": round(
            (statistics.median(execs) - statistics.median(bare)) * 1000, 3
        ),
    }


ROUNDS = 4


async def _sandbox_cost(sandboxed: EngineProc, bare: EngineProc) -> dict[str, Any]:
    """execute_shell `true` sandboxed vs unsandboxed, alternating rounds of EXECS / ROUNDS."""
    samples: dict[str, list[float]] = {"bwrap": [], "none": []}
    command = {"type": "execute_shell", "commandName": "true", "args": []}
    async with client(sandboxed) as one, client(bare) as two:
        sids = {}
        for name, c in (("bwrap", one), ("none", two)):
            created = await c.result("session.create")
            assert created["sandbox"] == name, created
            sids[name] = created["sessionId"]
        for _ in range(ROUNDS):
            for name, c in (("bwrap", one), ("none", two)):
                for _ in range(EXECS // ROUNDS):
                    start = time.perf_counter()
                    reply = await c.result("session.execute", sessionId=sids[name], command=command)
                    samples[name].append(time.perf_counter() - start)
                    assert reply["success"], reply
        for name, c in (("bwrap", one), ("none", two)):
            await c.result("session.close", sessionId=sids[name], wait=True)
    cost = statistics.median(samples["bwrap"]) - statistics.median(samples["none"])
    return {
        "execute_shell_true_sandboxed": _stats_ms(samples["bwrap"]),
        "execute_shell_true_unsandboxed": _stats_ms(samples["none"]),
        "sandbox_cost_p50_ms": round(cost * 1000, 3),
    }


def run() -> dict[str, Any]:
    """Figures: echo round trips vs bare echo, session.list, create-to-ready, shell overhead."""
    figures = _echo_figures()
    with tempfile.TemporaryDirectory(prefix="bench-sessions-") as tmp:
        engine = EngineProc(Path(tmp) / "sandboxed")
        bare = EngineProc(
            Path(tmp) / "unsandboxed",
            settings={SESSIONS_ALLOW_UNSANDBOXED: True},
            env={BWRAP_ENV: str(Path(tmp) / "no-bwrap")},
        )
        try:
            figures.update(asyncio.run(_engine_figures(engine)))
            figures.update(asyncio.run(_sandbox_cost(engine, bare)))
        finally:
            engine.stop()
            bare.stop()
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
