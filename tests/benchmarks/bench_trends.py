"""The window's longest event-loop stall with 10 tag trends open, against none open, in
the same run under the same feed.

Ten connections' tag tables (`TagTableModel`, 1,000 tags each) receive 60k values/s
in all; each trend (`TrendChart`) plots 6 of its connection's tags, starting from ten
minutes of history at 10 rows/s (a `TagHistory` filled before, answered through a view
model as the embedded engine does). A 1 ms heartbeat timer measures the longest gap of
the event loop, overall and after the first second (which holds the charts' first
paint). The same run without trends shown is the baseline, measured before and after.
Goal: after the first second the longest stall with 10 trends stays <= 50 ms, and each
chart redraws at most ~4 times a second.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

CHARTS = 10
TAGS = 1000
LINES = 6
PER_MESSAGE = 250
TARGET_PER_S = 60_000
SECONDS = 6.0
TICK_MS = 5
HISTORY_S = 600
HISTORY_HZ = 10
WARM_S = 1.0
"""The first second holds the charts' first paint (fonts, axes): reported apart."""


def _config(conn_id: str) -> Any:
    from panel.connections.worker.config import parse_connection

    tags = [
        {"name": f"t{i}", "offset": 2 * i, "type": "float32", "unit": "°C" if i % 2 else "bar"}
        for i in range(TAGS)
    ]
    config, problems = parse_connection(
        {
            "id": conn_id,
            "driver": "modbus_tcp",
            "host": "127.0.0.1",
            "port": 502,
            "blocks": [{"name": "main", "area": "holding", "count": 2 * TAGS, "tags": tags}],
        }
    )
    assert config is not None and not problems, problems
    return config


def _history(ids: list[str]) -> Any:
    from panel.connections.history import TagHistory

    history = TagHistory()
    now = time.time()
    rows = HISTORY_S * HISTORY_HZ
    for conn_id in ids:
        config = _config(conn_id)
        for r in range(rows):
            ts = now - HISTORY_S + r / HISTORY_HZ
            values = [
                {"name": f"t{i}", "value": (r % 100) + i, "quality": "good", "ts": ts}
                for i in range(LINES)
            ]
            history.record(conn_id, config, values)
    return history


def _models(history: Any) -> Any:
    from panel.viewmodels.connections import ConnectionsModel, HistoryDone

    class HistoryAnswer(ConnectionsModel):
        """Answers `history` from the engine's TagHistory, as the embedded model does."""

        def history(
            self, conn_id: str, names: list[str] | None, seconds: float | None, done: HistoryDone
        ) -> None:
            done(history.series(conn_id, names, seconds))

    return HistoryAnswer()


def _messages(rounds: int) -> list[list[dict[str, Any]]]:
    out = []
    for r in range(rounds):
        start = (r * PER_MESSAGE) % TAGS
        now = time.time()
        out.append(
            [
                {
                    "name": f"t{(start + i) % TAGS}",
                    "value": r + i * 0.5,
                    "quality": "good",
                    "ts": now,
                }
                for i in range(PER_MESSAGE)
            ]
        )
    return out


def _run(show_trends: bool, history: Any) -> dict[str, Any]:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QGridLayout, QWidget

    from panel.connections.tag_model import TagTableModel
    from panel.views.trend_chart import TrendChart

    connections = _models(history)
    ids = [f"c{i}" for i in range(CHARTS)]
    tags = [
        {"name": f"t{i}", "unit": "°C" if i % 2 else "bar", "type": "float32"} for i in range(TAGS)
    ]
    models = []
    window = QWidget()
    grid = QGridLayout(window)
    charts = []
    for index in range(len(ids)):
        model = TagTableModel()
        model.reset(
            tags,
            [{"name": t["name"], "value": 1.0, "quality": "good", "ts": time.time()} for t in tags],
        )
        models.append(model)
        if show_trends:
            chart = TrendChart(model, connections)
            grid.addWidget(chart, index // 2, index % 2)
            charts.append(chart)
    window.resize(1600, 1000)
    window.show()
    for conn_id, chart in zip(ids, charts, strict=False):
        chart.show_tags(conn_id, [f"t{i}" for i in range(LINES)])
    messages = _messages(100)
    state = {"sent": 0, "i": 0, "last": time.perf_counter(), "stall": 0.0, "steady": 0.0}
    loop = QEventLoop()
    began = time.perf_counter()

    def feed() -> None:
        elapsed = time.perf_counter() - began
        if elapsed >= SECONDS:
            loop.quit()
            return
        due = int(elapsed * TARGET_PER_S)
        while state["sent"] < due:
            batch = messages[state["i"] % len(messages)]
            models[state["i"] % CHARTS].push(batch)
            state["i"] += 1
            state["sent"] += PER_MESSAGE

    def beat() -> None:
        now = time.perf_counter()
        gap = now - state["last"]
        if gap > 0.03 and os.environ.get("BENCH_DEBUG"):
            print("gap", round(gap * 1000), "at", round(now - began, 2))
        state["stall"] = max(state["stall"], gap)
        if now - began > WARM_S:
            state["steady"] = max(state["steady"], gap)
        state["last"] = now

    feeder, heart = QTimer(), QTimer()
    feeder.setInterval(TICK_MS)
    heart.setInterval(1)
    feeder.timeout.connect(feed)
    heart.timeout.connect(beat)
    state["last"] = time.perf_counter()
    feeder.start()
    heart.start()
    loop.exec()
    feeder.stop()
    heart.stop()
    elapsed = time.perf_counter() - began
    redraws = [chart.redraws for chart in charts]
    points = [len(chart.buffer("t0")) for chart in charts]
    window.close()
    window.deleteLater()
    for model in models:
        model.deleteLater()
    return {
        "trends_open": len(charts),
        "values_per_s": round(state["sent"] / elapsed),
        "max_stall_ms": round(state["stall"] * 1000, 1),
        "max_stall_after_first_s_ms": round(state["steady"] * 1000, 1),
        "redraws_per_chart_per_s": round(max(redraws) / elapsed, 2) if redraws else 0,
        "points_per_line": max(points) if points else 0,
    }


def run() -> dict[str, Any]:
    """Figures for `python -m tests.benchmarks --only trends`."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    history = _history([f"c{i}" for i in range(CHARTS)])
    none_open = _run(False, history)
    ten_open = _run(True, history)
    none_again = _run(False, history)
    app.processEvents()
    return {
        "charts": CHARTS,
        "lines_per_chart": LINES,
        "history_rows_per_line": HISTORY_S * HISTORY_HZ,
        "no_trends": none_open,
        "ten_trends": ten_open,
        "no_trends_again": none_again,
        "goal_met": ten_open["max_stall_after_first_s_ms"] <= 50
        and ten_open["redraws_per_chart_per_s"] <= 4,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
