"""`conns.tags` as columns: what the window decodes is what the worker sent."""

from __future__ import annotations

import json

from panel.connections.tag_columns import from_columns, to_columns


def _poll(count: int, ts: float = 1_700_000_000.25) -> list[dict[str, object]]:
    return [{"name": f"t{i}", "value": i * 7, "quality": "good", "ts": ts} for i in range(count)]


def test_a_poll_is_a_sixth_of_the_text_and_comes_back_the_same() -> None:
    values = _poll(1000)
    columns = to_columns(values)
    assert columns["quality"] == "good" and columns["ts"] == 1_700_000_000.25
    assert "reason" not in columns
    assert len(json.dumps(columns)) * 5 < len(json.dumps(values))
    assert from_columns(json.loads(json.dumps(columns))) == values


def test_mixed_qualities_times_and_reasons_stay_with_their_tag() -> None:
    values: list[dict[str, object]] = [
        {"name": "speed", "value": 12.5, "quality": "good", "ts": 1.0},
        {"name": "temp", "value": None, "quality": "bad", "ts": 2.0, "reason": "timeout"},
        {"name": "label", "value": "on", "quality": "uncertain", "ts": 2.0},
        {"name": "list", "value": [1, 2], "quality": "good", "ts": 3.0},
    ]
    columns = to_columns(values)
    assert columns["quality"] == ["good", "bad", "uncertain", "good"]
    assert columns["reason"] == [None, "timeout", None, None]
    assert from_columns(json.loads(json.dumps(columns))) == values
    assert to_columns([]) == {"names": [], "value": [], "quality": [], "ts": []}
    assert from_columns(to_columns([])) == []


def test_malformed_columns_are_refused_not_guessed() -> None:
    assert from_columns({"names": ["a", "b"], "value": [1]}) is None
    assert from_columns({"names": "a", "value": [1]}) is None
    assert from_columns({"names": ["a"], "value": [1], "ts": [1.0, 2.0]}) is None
    assert from_columns({"names": ["a"], "value": [1]}) == [
        {"name": "a", "value": 1, "quality": "unknown", "ts": None}
    ]
