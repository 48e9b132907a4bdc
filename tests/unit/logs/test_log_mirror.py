"""LogBatch and LogMirror: an engine's lines copied through JSON, none lost or doubled."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from panel.logs import LogHub, LogLevel
from panel.logs.batch import LogBatch, read_batch
from panel.logs.mirror import LogMirror


@pytest.fixture(autouse=True)
def _app(qapp: object) -> None:
    """Stores are QObjects with timers."""


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[LogHub]:
    hub = LogHub(tmp_path / "logs", capacity=100)
    yield hub
    hub.close()


def wire(batch: LogBatch) -> LogBatch:
    """`batch` as it arrives at the window: through JSON text."""
    import json

    return LogBatch.from_json(json.loads(json.dumps(batch.to_json())))


def view(store: LogHub | LogMirror) -> list[tuple[str, str, LogLevel, str]]:
    return [(ln.source, ln.stream, ln.level, ln.text) for ln in store.tail(10_000)]


def test_a_mirror_holds_what_the_hub_holds(hub: LogHub) -> None:
    hub.feed("srv", "stdout", b"one\nERROR: two\n")
    hub.feed("srv", "stderr", b"Traceback (most recent call last):\n")
    hub.add_line("panel", "log", "started", LogLevel.INFO)
    mirror = LogMirror(100)
    assert mirror.take(wire(read_batch(hub, -1, 100))) == 4
    assert view(mirror) == view(hub)
    assert view(mirror)[2][2] == LogLevel.WARNING  # stderr without a level of its own
    assert mirror.sources() == ["srv", "panel"] and mirror.cursor == hub.next_seq


def test_overlapping_batches_are_cut_and_gaps_counted(hub: LogHub) -> None:
    hub.feed("srv", "stdout", b"".join(b"line %d\n" % i for i in range(10)))
    mirror = LogMirror(100)
    mirror.take(wire(read_batch(hub, -1, 4)))  # lines 0-3
    assert mirror.take(wire(read_batch(hub, 1, 4))) == 2  # 2-5: 2 and 3 held already
    assert mirror.take(wire(read_batch(hub, 7, 10))) == 2  # 8-9: 6 and 7 never came
    assert [t for *_, t in view(mirror)] == [f"line {i}" for i in (0, 1, 2, 3, 4, 5, 8, 9)]
    assert mirror.missed == 2
    assert mirror.since(hub.instance) == 9 and mirror.since("another engine") == -1


def test_a_new_engine_starts_over_and_the_old_lines_stay(hub: LogHub, tmp_path: Path) -> None:
    hub.feed("srv", "stdout", b"old\n")
    mirror = LogMirror(100)
    mirror.take(wire(read_batch(hub, -1, 100)))
    again = LogHub(tmp_path / "again", capacity=100)
    again.feed("srv", "stdout", b"new\n")
    mirror.take(wire(read_batch(again, mirror.since(again.instance), 100)))
    again.close()
    assert [t for *_, t in view(mirror)] == ["old", "new"] and mirror.missed == 0


def test_a_batch_holds_at_most_its_characters(hub: LogHub) -> None:
    hub.feed("srv", "stdout", b"x" * 60 + b"\n" + b"y" * 60 + b"\n")
    assert len(read_batch(hub, -1, 100, max_chars=100).texts) == 1
    assert len(read_batch(hub, -1, 100, max_chars=10).texts) == 1  # always one at least


@pytest.mark.parametrize(
    "data",
    [{"first": 0}, {"instance": "i", "first": 0, "end": 1, "texts": ["a"], "levels": ""}],
)
def test_a_bad_batch_is_one_sentence(data: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="not a log batch"):
        LogBatch.from_json(data)
