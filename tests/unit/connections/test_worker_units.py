"""Pure pieces of the connection worker: config, codec, planner, backoff, timer, no Qt."""

from __future__ import annotations

import asyncio
import math
import random
import subprocess
import sys

from panel.connections.worker.backoff import Backoff
from panel.connections.worker.codec import decode, encode
from panel.connections.worker.config import BlockConfig, TagConfig, parse_connection
from panel.connections.worker.planner import plan_reads, plan_writes
from panel.connections.worker.timing import BlockStats, PeriodicTimer


def test_problems_name_their_json_path() -> None:
    data = {
        "id": "c",
        "port": 70000,
        "blocks": [
            {"name": "a", "count": 2, "tags": [{"name": "t", "offset": 1, "type": "float32"}]},
            {"name": "a", "count": 0},
        ],
    }
    _, problems = parse_connection(data)
    assert "$.port: 70000 must be <= 65535" in problems
    assert "$.blocks[1].count: 0 must be >= 1" in problems
    assert "$.blocks[1].name: 'a' is used twice" in problems
    assert any(p.startswith("$.blocks[0].tags[0].offset:") for p in problems)


def test_codec_round_trips_every_order() -> None:
    for word in ("big", "little"):
        for byte in ("big", "little"):
            for kind, value in (("float32", 1.5), ("int32", -7), ("float64", 2.25)):
                tag = TagConfig("t", type=kind, word_order=word, byte_order=byte)  # type: ignore[arg-type]
                assert decode(tag, encode(tag, value)) == value
    text = TagConfig("s", type="string(5)")
    assert decode(text, encode(text, "abc")) == "abc"
    scaled = TagConfig("x", type="int16", scale=0.1, offset_value=5)
    assert math.isclose(float(decode(scaled, encode(scaled, 7.5))), 7.5)


def test_plan_splits_at_125_registers_and_merges_small_gaps() -> None:
    tags = [TagConfig(f"r{i}", offset=i) for i in range(1000)]
    plan = plan_reads(BlockConfig("b", count=1000, tags=tags))
    assert len(plan) == 8 and all(r.count <= 125 for r in plan)
    gappy = [TagConfig("a", offset=0), TagConfig("b", offset=10), TagConfig("c", offset=200)]
    assert [(r.address, r.count) for r in plan_reads(BlockConfig("g", count=201, tags=gappy))] == [
        (0, 11),
        (200, 1),
    ]
    runs = plan_writes("holding", [(5, [1]), (3, [1, 2]), (9, [4])])
    assert [(r.address, r.values) for r in runs] == [(3, [1, 2, 1]), (9, [4])]


def test_backoff_is_capped_and_jittered() -> None:
    backoff = Backoff(0.1, 1.0, random.Random(1))
    delays = [backoff.next_delay() for _ in range(12)]
    assert all(0.1 <= d <= 1.0 for d in delays)
    assert max(delays[6:]) >= 0.5 and len(set(delays)) > 6


def test_timer_counts_missed_deadlines_without_bunching() -> None:
    async def run() -> BlockStats:
        stats = BlockStats("b")
        timer = PeriodicTimer(0.01, stats)
        await timer.wait()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 0.055  # block the loop for > 5 periods
        while loop.time() < deadline:
            pass
        await timer.wait()
        return stats

    stats = asyncio.run(run())
    assert stats.missed >= 4 and stats.lateness_ms < 60.0


def test_a_phase_shifts_the_cycles_after_the_first() -> None:
    async def run() -> list[float]:
        timer = PeriodicTimer(0.1, BlockStats("b"), phase=0.5)
        loop = asyncio.get_running_loop()
        times = []
        for _ in range(3):
            await timer.wait()
            times.append(loop.time())
        return times

    first, second, third = asyncio.run(run())
    # deadlines at 0, 1.5 and 2.5 periods (asyncio may wake a clock tick early)
    assert second - first >= 0.145  # one period and a half: the shift, once
    assert third - first >= 0.245  # then every period again
    assert third - first < 1.0


def test_worker_imports_no_qt() -> None:
    code = (
        "import sys, panel.connections.worker.entry, panel.connections.worker.drivers.modbus_tcp;"
        "import panel.connections.worker.drivers.opcua, panel.workspace.workspace;"
        "print([m for m in sys.modules if m.startswith(('PySide6', 'PyQt'))])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
