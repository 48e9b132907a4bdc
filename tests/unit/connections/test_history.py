"""The engine's tag history: columns per block, trimmed to ten minutes, numbers only."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import pytest

from panel.connections.history import KEEP_S, TagHistory
from panel.connections.worker.config import ConnectionConfig, parse_connection

T0 = 1_700_000_000.0


def _config(blocks: dict[str, list[tuple[str, str]]]) -> ConnectionConfig:
    """A Modbus connection with blocks of (tag, type)."""
    data = {
        "id": "plc1",
        "driver": "modbus_tcp",
        "host": "127.0.0.1",
        "port": 502,
        "blocks": [
            {
                "name": name,
                "area": "holding",
                "start": 0,
                "count": 4 * len(tags),
                "periodMs": 100,
                "tags": [
                    {"name": tag, "offset": 4 * j, "type": kind}
                    for j, (tag, kind) in enumerate(tags)
                ],
            }
            for i, (name, tags) in enumerate(blocks.items())
        ],
    }
    config, problems = parse_connection(data)
    assert config is not None and not problems, problems
    return config


def _values(ts: float, **values: Any) -> list[dict[str, Any]]:
    return [{"name": n, "value": v, "quality": "good", "ts": ts} for n, v in values.items()]


def _by_name(history: TagHistory, now: float, **kw: Any) -> dict[str, list[tuple[float, Any]]]:
    return {
        s.name: list(zip(s.ts, s.value, strict=True)) for s in history.series("plc1", now=now, **kw)
    }


def test_a_tag_missing_from_a_batch_kept_its_value_and_a_bad_read_is_a_gap() -> None:
    config = _config({"main": [("speed", "uint16"), ("temp", "float32")]})
    history = TagHistory()
    history.record("plc1", config, _values(T0, speed=10, temp=20.5))
    history.record("plc1", config, _values(T0 + 1, speed=11))  # temp within its deadband
    history.record("plc1", config, _values(T0 + 2, speed=None, temp=21.0))  # speed: bad read
    got = _by_name(history, T0 + 3)
    assert got["speed"] == [(T0, 10.0), (T0 + 1, 11.0), (T0 + 2, None)]
    assert got["temp"] == [(T0, 20.5), (T0 + 1, 20.5), (T0 + 2, 21.0)]


def test_text_tags_are_not_kept_and_bools_are_zero_or_one() -> None:
    config = _config({"main": [("label", "string(8)"), ("run", "bool"), ("speed", "uint16")]})
    history = TagHistory()
    history.record("plc1", config, _values(T0, label="on", run=True, speed=3))
    history.record("plc1", config, _values(T0 + 1, label="off", run=False))
    got = _by_name(history, T0 + 2)
    assert set(got) == {"run", "speed"}
    assert got["run"] == [(T0, 1.0), (T0 + 1, 0.0)]


def test_an_auto_tag_that_holds_text_is_dropped_and_its_batch_still_counts() -> None:
    data = {
        "id": "plc1",
        "driver": "opcua",
        "endpoint": "opc.tcp://127.0.0.1:4840",
        "blocks": [
            {
                "name": "poll",
                "periodMs": 100,
                "tags": [
                    {"name": "count", "node": "ns=2;s=Count"},
                    {"name": "label", "node": "ns=2;s=Label"},
                ],
            }
        ],
    }
    config, problems = parse_connection(data)
    assert config is not None and not problems, problems
    history = TagHistory()
    history.record("plc1", config, _values(T0, count=1, label="idle"))
    history.record("plc1", config, _values(T0 + 1, count=2, label="busy"))
    got = _by_name(history, T0 + 2)
    assert got["count"] == [(T0, 1.0), (T0 + 1, 2.0)]
    assert got["label"] == [(T0, None), (T0 + 1, None)]


def test_each_block_has_its_own_rows() -> None:
    config = _config({"fast": [("a", "uint16")], "slow": [("b", "uint16")]})
    history = TagHistory()
    for i in range(5):
        history.record("plc1", config, _values(T0 + i, a=i))
    history.record("plc1", config, _values(T0 + 5, b=7))
    got = _by_name(history, T0 + 6)
    assert [v for _, v in got["a"]] == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert got["b"] == [(T0 + 5, 7.0)]
    mixed = _values(T0 + 6, a=9, b=8)  # one batch with tags of both blocks
    history.record("plc1", config, mixed)
    got = _by_name(history, T0 + 7)
    assert got["a"][-1] == (T0 + 6, 9.0) and got["b"][-1] == (T0 + 6, 8.0)


def test_rows_older_than_ten_minutes_are_dropped_and_the_buffer_stays_bounded() -> None:
    config = _config({"main": [("speed", "uint16")]})
    history = TagHistory()
    steps = int(KEEP_S) * 4  # 40 minutes at 1 row/s
    for i in range(steps):
        history.record("plc1", config, _values(T0 + i, speed=i % 1000))
    now = T0 + steps - 1
    (series,) = history.series("plc1", now=now)
    assert series.ts[0] >= now - KEEP_S
    assert len(series.ts) == int(KEEP_S) + 1
    block = history._conns["plc1"].blocks[0]
    assert block.capacity() <= 4 * (int(KEEP_S) + 1)  # at most twice the kept rows, doubled


def test_seconds_and_names_narrow_the_answer() -> None:
    config = _config({"main": [("speed", "uint16"), ("temp", "float32")]})
    history = TagHistory()
    for i in range(100):
        history.record("plc1", config, _values(T0 + i, speed=i, temp=i / 2))
    got = _by_name(history, T0 + 99, names=["temp"], seconds=10)
    assert list(got) == ["temp"]
    # The row before the span starts it: the value that was current 10 s ago.
    assert got["temp"][0] == (T0 + 89, 44.5)
    assert got["temp"][-1] == (T0 + 99, 49.5)
    assert history.series("other") == []


def test_a_new_configuration_keeps_the_rows_of_blocks_it_did_not_change() -> None:
    old = _config({"main": [("speed", "uint16")], "aux": [("x", "uint16")]})
    history = TagHistory()
    history.record("plc1", old, _values(T0, speed=1, x=2))
    new = _config({"main": [("speed", "uint16")], "aux": [("x", "uint16"), ("y", "int16")]})
    history.record("plc1", new, _values(T0 + 1, speed=3, y=4))
    got = _by_name(history, T0 + 2)
    assert got["speed"] == [(T0, 1.0), (T0 + 1, 3.0)]
    assert got["x"] == [(T0 + 1, None)] and got["y"] == [(T0 + 1, 4.0)]
    history.forget("plc1")
    assert history.series("plc1") == []


def _python_calls(action: Callable[[], None]) -> int:
    """How many calls (Python functions and C functions called from Python) `action` makes."""
    calls = 0

    def count(_frame: Any, event: str, _arg: Any) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        action()
    finally:
        sys.setprofile(None)
    return calls


@pytest.mark.parametrize("partial", [False, True])
def test_recording_a_batch_costs_the_same_python_calls_for_10_or_5000_values(
    partial: bool,
) -> None:
    tags = [(f"t{i}", "float32") for i in range(5000)] + [("label", "string(8)")]
    config = _config({"main": tags})
    history = TagHistory()

    def batch(count: int, ts: float) -> list[dict[str, Any]]:
        values = _values(ts, **{f"t{i}": float(i) for i in range(count)})
        if partial:
            values.append({"name": "label", "value": "x", "quality": "good", "ts": ts})
        return values

    small, large = batch(10, T0 + 1), batch(5000, T0 + 2)
    history.record("plc1", config, batch(3, T0))  # lays the blocks out
    calls_small = _python_calls(lambda: history.record("plc1", config, small))
    calls_large = _python_calls(lambda: history.record("plc1", config, large))
    assert calls_large == calls_small
    assert _by_name(history, T0 + 3, names=["t4999"])["t4999"][-1] == (T0 + 2, 4999.0)


def test_a_long_answer_is_thinned_evenly_and_keeps_the_newest_row() -> None:
    config = _config({"main": [("a", "uint16"), ("b", "uint16")]})
    history = TagHistory()
    for i in range(1000):
        history.record("plc1", config, _values(T0 + i * 0.5, a=i, b=-i))
    series = history.series("plc1", now=T0 + 500, max_values=200)
    assert sum(len(s.ts) for s in series) <= 200 + 2
    a = series[0]
    assert a.value[-1] == 999.0 and a.ts[-1] == T0 + 999 * 0.5  # the newest row kept
    gaps = {round(later - earlier, 3) for earlier, later in zip(a.ts, a.ts[1:], strict=False)}
    assert len(gaps - {a.ts[-1] - a.ts[-2]}) <= 1  # evenly spaced (the last step apart)


def test_a_small_block_keeps_every_batch_a_wide_one_two_rows_a_second() -> None:
    small = _config({"main": [("speed", "uint16"), ("temp", "float32")]})
    wide = _config(
        {
            "main": [("speed", "uint16"), ("temp", "float32")]
            + [(f"t{i}", "float32") for i in range(100)]
        }
    )
    kept = {}
    for name, config in (("small", small), ("wide", wide)):
        history = TagHistory()
        for i in range(10):  # a 100 ms block: ten batches in the second after T0
            history.record("plc1", config, _values(T0 + i / 10, speed=i))
        history.record("plc1", config, _values(T0 + 0.95, temp=21.5))
        history.record("plc1", config, _values(T0 + 1.0, speed=42))
        kept[name] = _by_name(history, now=T0 + 2, names=["speed", "temp"])
    assert [v for _, v in kept["small"]["speed"]] == [*range(10), 9.0, 42.0]  # every value
    # wide: the second's first values, then its newest; the next second starts its own row
    assert kept["wide"]["speed"] == [(T0, 0.0), (T0 + 0.95, 9.0), (T0 + 1.0, 42.0)]
    assert kept["wide"]["temp"] == [(T0, None), (T0 + 0.95, 21.5), (T0 + 1.0, 21.5)]


def test_ten_minutes_of_a_1000_tag_block_at_10_hz_stay_a_few_megabytes() -> None:
    tags = [(f"t{i}", "float32") for i in range(1000)]
    config = _config({"main": tags})
    history = TagHistory()
    names = [name for name, _ in tags]
    steps = int(KEEP_S) * 10 + 50  # 10 Hz for ten minutes and a bit
    for step in range(steps):
        when = T0 + step / 10
        history.record(
            "plc1",
            config,
            [{"name": n, "value": 1.0, "quality": "good", "ts": when} for n in names],
        )
    block = history._conns["plc1"].blocks[0]
    assert len(block) <= 2 * (steps // 10 + 1)  # two rows a second (old ones go for room)
    held = block.capacity() * (len(names) + 1) * 8
    assert held <= 24 * 1024 * 1024, f"{held / 1e6:.1f} MB"  # a row per batch: 65 MB
