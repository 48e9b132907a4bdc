"""The ring buffer: wrap-around, sequence numbers, columns, lazy levels."""

from __future__ import annotations

import pytest

from panel.logs.levels import LogLevel
from panel.logs.ring import LogRing


def test_wrap_keeps_the_newest_with_their_sequence_numbers() -> None:
    ring = LogRing(5)
    ring.append(1.0, 0, ["a", "b", "c"])
    ring.append(2.0, 1, ["d", "e", "f", "g"])
    assert (ring.first_seq, ring.next_seq, len(ring)) == (2, 7, 5)
    assert ring.texts(0, 100) == ["c", "d", "e", "f", "g"]
    assert [ring.text(s) for s in range(2, 7)] == ["c", "d", "e", "f", "g"]
    assert list(ring.chans(2, 7)) == [0, 1, 1, 1, 1]
    assert list(ring.timestamps(2, 4)) == [1.0, 2.0]
    with pytest.raises(IndexError):
        ring.text(1)
    with pytest.raises(IndexError):
        ring.text(7)


def test_a_chunk_larger_than_the_ring_keeps_its_tail() -> None:
    ring = LogRing(4)
    ring.append(0.0, 0, [str(i) for i in range(10)])
    assert (ring.first_seq, ring.next_seq) == (6, 10)
    assert ring.texts(0, 10) == ["6", "7", "8", "9"]


def test_many_wraps() -> None:
    ring = LogRing(7)
    seq = 0
    for size in [1, 3, 5, 7, 2, 6, 4, 9, 1]:
        ring.append(0.0, 0, [str(seq + i) for i in range(size)])
        seq += size
        held = ring.texts(ring.first_seq, ring.next_seq)
        assert held == [str(s) for s in range(max(0, seq - 7), seq)]
        assert ring.next_seq == seq


def test_levels_are_parsed_lazily_with_stderr_default() -> None:
    ring = LogRing(10)
    ring.mark_stderr(1)
    ring.append(0.0, 0, ["INFO:x:y", "plain"])
    ring.append(0.0, 1, ["plain on stderr", "ERROR:x:y", "INFO:     z"])
    ring.append(0.0, 0, ["given"], level=LogLevel.CRITICAL)
    assert list(ring.levels(0, 6)) == [20, 0, 30, 40, 20, 50]
    assert ring.level(2) == LogLevel.WARNING


def test_clear_keeps_numbering() -> None:
    ring = LogRing(3)
    ring.append(0.0, 0, ["a", "b"])
    ring.clear()
    assert len(ring) == 0
    assert ring.texts(0, 10) == []
    ring.append(0.0, 0, ["c"])
    assert (ring.first_seq, ring.next_seq) == (2, 3)
    assert ring.texts(0, 10) == ["c"]


def test_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError):
        LogRing(0)


def test_columns_grow_on_demand_and_keep_every_line_in_order() -> None:
    from panel.logs.ring import INITIAL_SLOTS

    ring = LogRing(INITIAL_SLOTS * 3)
    assert ring.allocated == INITIAL_SLOTS
    total = INITIAL_SLOTS * 4 + 123
    for start in range(0, total, 10_000):
        batch = [str(i) for i in range(start, min(total, start + 10_000))]
        ring.append(float(start), 1, batch)
    assert ring.allocated == INITIAL_SLOTS * 3
    assert len(ring) == INITIAL_SLOTS * 3
    held = ring.texts(ring.first_seq, ring.next_seq)
    assert held == [str(i) for i in range(total - INITIAL_SLOTS * 3, total)]
    ring.clear()
    assert ring.allocated == INITIAL_SLOTS and len(ring) == 0


def test_growth_after_clear_keeps_order() -> None:
    from panel.logs.ring import INITIAL_SLOTS

    ring = LogRing(INITIAL_SLOTS * 4)
    ring.append(0.0, 1, [f"old {i}" for i in range(1000)])
    ring.clear()
    lines = [f"new {i}" for i in range(INITIAL_SLOTS * 2 + 7)]
    for start in range(0, len(lines), 5000):
        ring.append(1.0, 2, lines[start : start + 5000])
    assert ring.texts(ring.first_seq, ring.next_seq) == lines
    assert ring.text(ring.next_seq - 1) == lines[-1]
