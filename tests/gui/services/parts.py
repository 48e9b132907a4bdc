"""What the Services page tests share: the services' names and how to read a row."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from panel.server.status import ServerStatus
from panel.views.services.page import ServicesView

CHILD = Path(__file__).parents[2] / "integration" / "services" / "child.py"
TIMEOUT_MS = 30_000
NAMES = ["server", "worker", "logger", "broken"]
"""The services of the workspace the fixtures make, in configured order."""


def row_texts(view: ServicesView, name: str) -> list[str]:
    """What the row of `name` says, column by column."""
    model = view.model
    row = model.row_of(name)
    assert row >= 0, f"no row for {name}"
    return [str(model.index(row, c).data() or "") for c in range(model.columnCount())]


def wait_status(qtbot: QtBot, view: ServicesView, name: str, status: ServerStatus) -> None:
    """Until the services model says `name` is `status`."""

    def reached() -> bool:
        snap = view.services.snapshot(name)
        return snap is not None and snap.status == status

    qtbot.waitUntil(reached, timeout=TIMEOUT_MS)
