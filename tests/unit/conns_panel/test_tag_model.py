"""The tag model applies values in batches: one dataChanged per flush, one insert for new tags."""

from __future__ import annotations

from typing import Any

from pytestqt.qtbot import QtBot

from panel.connections.tag_model import COL_QUALITY, COL_VALUE, QUALITY_ROLE, TagTableModel


def value(name: str, v: Any, quality: str = "good", ts: float = 1000.0) -> dict[str, Any]:
    return {"name": name, "value": v, "quality": quality, "ts": ts}


def test_batches(qtbot: QtBot) -> None:
    model = TagTableModel()
    model.reset([{"name": f"t{i}", "unit": "C"} for i in range(100)])
    changed: list[tuple[int, int]] = []
    inserted: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, *_: changed.append((a.row(), b.row())))
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    for round_ in range(50):
        model.push([value(f"t{i}", round_ * 1000 + i) for i in range(10, 60)])
    model.push([value("new1", 1), value("new2", 2, "bad")])
    with qtbot.waitSignal(model.sig_flushed, timeout=2000) as blocker:
        pass
    assert blocker.args == [52]
    assert changed == [(10, 59)]
    assert inserted == [(100, 101)]
    assert model.data(model.index(59, COL_VALUE)) == str(49 * 1000 + 59)
    assert model.data(model.index(101, COL_QUALITY), QUALITY_ROLE) == "bad"
    assert model.rowCount() == 102


def test_history_of_watched_tags(qtbot: QtBot) -> None:
    model = TagTableModel()
    model.reset([{"name": "a"}, {"name": "b"}])
    model.watch(["a"])
    for i in range(5):
        model.push([value("a", i, ts=1000.0 + i), value("b", i)])
        model.flush()
    assert model.history("a") == [(1000.0 + i, float(i)) for i in range(5)]
    assert model.history("b") == []
    model.push([value("a", "text")])
    model.flush()
    assert len(model.history("a")) == 5  # non-numeric values are not plotted
