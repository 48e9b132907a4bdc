"""Tag values into the tag table (with a visible table view), and the longest UI stall.

The values take the panel's real path after the pipe: a worker's `tags` JSON lines are
split and parsed (`LineSplitter`, `parse_message`) and pushed into `TagTableModel`,
which applies them in batches on its timer while a `QTableView` shows the rows. A
heartbeat timer measures the longest gap of the event loop. Goal: >= 50k values/s
delivered with the longest stall <= 50 ms.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

TAGS = 5000
PER_MESSAGE = 250
TARGET_PER_S = 60_000
SECONDS = 3.0
TICK_MS = 5


def _messages(rounds: int) -> list[bytes]:
    out = []
    now = time.time()
    for r in range(rounds):
        start = (r * PER_MESSAGE) % TAGS
        values = [
            {"name": f"t{(start + i) % TAGS}", "value": r + i * 0.5, "quality": "good", "ts": now}
            for i in range(PER_MESSAGE)
        ]
        out.append(json.dumps({"t": "tags", "values": values}).encode() + b"\n")
    return out


def _run_at(rate: int | None) -> dict[str, Any]:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QTableView

    from panel.connections.lines import LineSplitter, parse_message
    from panel.connections.tag_model import TagTableModel

    model = TagTableModel()
    model.reset([{"name": f"t{i}", "unit": "u"} for i in range(TAGS)])
    view = QTableView()
    view.setModel(model)
    view.resize(900, 700)
    view.show()
    splitter = LineSplitter()
    messages = _messages(200)
    state = {"sent": 0, "i": 0, "last": time.perf_counter(), "stall": 0.0}
    began = time.perf_counter()
    loop = QEventLoop()

    def feed() -> None:
        elapsed = time.perf_counter() - began
        if elapsed >= SECONDS:
            loop.quit()
            return
        due = int(elapsed * rate) if rate else state["sent"] + 20 * PER_MESSAGE
        chunk = []
        while state["sent"] < due:
            chunk.append(messages[state["i"] % len(messages)])
            state["i"] += 1
            state["sent"] += PER_MESSAGE
        for line in splitter.feed(b"".join(chunk)):
            message = parse_message(line)
            if message is not None:
                model.push(message["values"])

    def beat() -> None:
        now = time.perf_counter()
        state["stall"] = max(state["stall"], now - state["last"])
        state["last"] = now

    feeder, heart = QTimer(), QTimer()
    feeder.setInterval(TICK_MS)
    heart.setInterval(1)
    feeder.timeout.connect(feed)
    heart.timeout.connect(beat)
    feeder.start()
    heart.start()
    loop.exec()
    feeder.stop()
    heart.stop()
    model.flush()
    elapsed = time.perf_counter() - began
    view.close()
    view.deleteLater()
    model.deleteLater()
    return {
        "values": state["sent"],
        "values_per_s": round(state["sent"] / elapsed),
        "distinct_updates_applied": model.values_applied,
        "max_stall_ms": round(state["stall"] * 1000, 1),
    }


def run() -> dict[str, Any]:
    """Figures for `python -m tests.benchmarks --only tag_model`."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    at_target = _run_at(TARGET_PER_S)
    flat_out = _run_at(None)
    app.processEvents()
    return {
        "tags": TAGS,
        "target_values_per_s": TARGET_PER_S,
        "at_target": at_target,
        "flat_out": flat_out,
        "goal_met": at_target["values_per_s"] >= 50_000 and at_target["max_stall_ms"] <= 50,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
