"""`conns.tags` as columns: what the window decodes is what the worker sent."""

from __future__ import annotations

import json

from panel.connections.tag_columns import TagBatch, from_columns, to_columns
from panel.viewmodels.remote.latest_tags import MAX_PENDING, LatestTags


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


def test_a_batch_counts_without_building_and_reads_as_its_values() -> None:
    values = _poll(3)
    batch = TagBatch.of(to_columns(values))
    assert batch is not None and len(batch) == 3 and batch.names == ["t0", "t1", "t2"]
    assert list(batch) == values and batch[1] == values[1] and batch == values
    assert TagBatch.of({"names": ["a"], "value": [1], "quality": ["good", "bad"]}) is None
    assert TagBatch.of({"names": ["a"], "value": []}) is None


def test_the_latest_value_of_every_tag_is_kept_across_batches() -> None:
    latest = LatestTags([{"name": "old", "value": 0, "quality": "good", "ts": 0.5}])
    for tick in range(MAX_PENDING * 3):
        latest.add(TagBatch(to_columns(_poll(100, ts=float(tick)))))
    latest.add([{"name": "t5", "value": -1, "quality": "bad", "ts": 99.0, "reason": "gone"}])
    latest.add(TagBatch(to_columns(_poll(2, ts=100.0))))  # other tags than the batches above
    by_name = {v["name"]: v for v in latest.values()}
    assert len(by_name) == 101
    assert by_name["old"]["ts"] == 0.5
    assert by_name["t0"]["ts"] == 100.0 and by_name["t1"]["ts"] == 100.0
    assert by_name["t5"] == {
        "name": "t5",
        "value": -1,
        "quality": "bad",
        "ts": 99.0,
        "reason": "gone",
    }
    assert by_name["t99"] == {"name": "t99", "value": 693, "quality": "good", "ts": 47.0}
