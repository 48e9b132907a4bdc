"""Report by exception: which samples a worker (and its bus sink) sends on."""

from __future__ import annotations

from panel.connections.worker.config import parse_connection
from panel.connections.worker.drivers.base import TagValue
from panel.connections.worker.tagcache import TagCache


def _cache() -> TagCache:
    config, problems = parse_connection(
        {
            "id": "c",
            "driver": "modbus_tcp",
            "host": "127.0.0.1",
            "port": 1502,
            "blocks": [
                {
                    "name": "b",
                    "kind": "read",
                    "area": "holding",
                    "start": 0,
                    "count": 4,
                    "periodMs": 100,
                    "tags": [
                        {"name": "a", "offset": 0, "type": "float32"},
                        {"name": "d", "offset": 2, "type": "float32", "deadband": 0.5},
                    ],
                }
            ],
        }
    )
    assert problems == [] and config is not None
    return TagCache(config)


def _names(cache: TagCache, *samples: TagValue) -> list[str]:
    return [entry["name"] for entry in cache.changes(list(samples))]


def test_only_changes_beyond_the_deadband_or_of_quality_are_sent() -> None:
    cache = _cache()
    assert _names(cache, TagValue("a", 1.0, "good", 1.0), TagValue("d", 1.0, "good", 1.0)) == [
        "a",
        "d",
    ]
    assert _names(cache, TagValue("a", 1.0, "good", 2.0), TagValue("d", 1.4, "good", 2.0)) == []
    assert _names(cache, TagValue("a", 1, "good", 3.0)) == []  # the same number as an int
    assert _names(cache, TagValue("a", 1.0, "bad", 4.0, "timeout")) == ["a"]
    assert _names(cache, TagValue("a", 1.0, "bad", 5.0, "refused")) == ["a"]  # a new reason
    assert _names(cache, TagValue("a", float("nan"), "good", 6.0)) == ["a"]
    assert _names(cache, TagValue("a", float("nan"), "good", 7.0)) == []  # still NaN
    assert _names(cache, TagValue("d", 2.0, "good", 8.0), TagValue("x", 1.0, "good", 8.0)) == ["d"]
