"""The engine's cost of keeping tag history, per batch of 1,000 values, against the
batch's handling without it.

A worker's `tags` line takes this path in the engine: parsed (`parse_message`), then
every value kept as its tag's latest (`ConnectionManager._on_tags`). With history the
batch is also recorded (`TagHistory.record`). Measured on the same lines in the same
run: a full batch (all 1,000 tags of a block), a partial one (100 changed tags of that
block: the deadband case), and, for scale, history kept the obvious way (a deque of
points per tag, trimmed per value). Goal: history adds under 0.5 ms per 1,000 values
(the engine thread's budget: at 100k values/s that is under 5 % of a core) and under a
quarter of the batch's handling without it.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections import deque
from typing import Any

TAGS = 1000
ROUNDS = 600
KEEP_S = 600.0


def _config() -> Any:
    from panel.connections.worker.config import parse_connection

    tags = [{"name": f"t{i}", "offset": 2 * i, "type": "float32"} for i in range(TAGS)]
    data = {
        "id": "plc1",
        "driver": "modbus_tcp",
        "host": "127.0.0.1",
        "port": 502,
        "blocks": [
            {"name": "main", "area": "holding", "count": 2 * TAGS, "periodMs": 100, "tags": tags}
        ],
    }
    config, problems = parse_connection(data)
    assert config is not None and not problems, problems
    return config


def _lines(changed: int) -> list[bytes]:
    rng = random.Random(7)
    start = time.time() - ROUNDS * 0.1
    out = []
    for r in range(ROUNDS):
        names = sorted(rng.sample(range(TAGS), changed)) if changed < TAGS else range(TAGS)
        ts = start + r * 0.1
        values = [
            {"name": f"t{i}", "value": r + i * 0.5, "quality": "good", "ts": ts} for i in names
        ]
        out.append(json.dumps({"t": "tags", "values": values}).encode())
    return out


def _median_ms(lines: list[bytes], handle: Any) -> float:
    from panel.connections.lines import parse_message

    times = []
    for line in lines:
        began = time.perf_counter()
        message = parse_message(line)
        assert message is not None
        handle(message["values"])
        times.append(time.perf_counter() - began)
    return round(statistics.median(times) * 1000, 4)


def _measure(changed: int) -> dict[str, Any]:
    from panel.connections.history import TagHistory

    config = _config()
    lines = _lines(changed)
    latest: dict[str, dict[str, Any]] = {}

    def without_history(values: list[dict[str, Any]]) -> None:
        for value in values:
            latest[value["name"]] = value

    history = TagHistory(KEEP_S)

    def with_history(values: list[dict[str, Any]]) -> None:
        without_history(values)
        history.record("plc1", config, values)

    per_tag: dict[str, deque[tuple[float, float]]] = {}

    def with_deques(values: list[dict[str, Any]]) -> None:
        without_history(values)
        for value in values:
            points = per_tag.get(value["name"])
            if points is None:
                points = per_tag[value["name"]] = deque()
            number = value["value"]
            if isinstance(number, int | float):
                points.append((value["ts"], float(number)))
                while points[0][0] < value["ts"] - KEEP_S:
                    points.popleft()

    history.record("plc1", config, json.loads(lines[0])["values"])  # the blocks laid out
    baseline = _median_ms(lines, without_history)
    recorded = _median_ms(lines, with_history)
    deques = _median_ms(lines, with_deques)
    baseline_again = _median_ms(lines, without_history)  # the machine did not change
    base = min(baseline, baseline_again)
    return {
        "values_per_batch": changed,
        "baseline_ms": base,
        "with_history_ms": recorded,
        "history_added_ms": round(recorded - base, 4),
        "history_added_percent": round(100 * (recorded - base) / base, 1),
        "per_tag_deques_ms": deques,
        "per_tag_deques_added_ms": round(deques - base, 4),
    }


def run() -> dict[str, Any]:
    """Figures for `python -m tests.benchmarks --only tag_history`."""
    full = _measure(TAGS)
    partial = _measure(TAGS // 10)
    return {
        "tags_in_block": TAGS,
        "full_batch": full,
        "partial_batch": partial,
        "goal_met": full["history_added_percent"] < 25 and full["history_added_ms"] < 0.5,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
