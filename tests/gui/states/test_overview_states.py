"""The Overview's error state: a failed server and a connection that cannot connect, as
the header, the server card and the connection's tile say them; embedded and attached.

Its empty state (no connections, no jobs) and normal state are in
tests/gui/test_overview_parts.py and tests/gui/test_main_window.py.
"""

from __future__ import annotations

from dataclasses import replace

from pytestqt.qtbot import QtBot

from panel.util.ports import ephemeral_port
from panel.viewmodels.models import EngineModels
from panel.views.main_window import MainWindow
from panel.views.state_colors import BAD, BUSY
from tests.gui.states.parts import FAILING, TIMEOUT_MS, label_color
from tests.gui.test_connections_view import CONNECTION, save


def test_a_failed_server_and_an_unreachable_device_are_told_at_a_glance(
    any_window: MainWindow, models: EngineModels, qtbot: QtBot
) -> None:
    overview = any_window.overview_view
    assert any_window.pages.currentWidget() is overview
    answers: list[object] = []
    config = replace(models.server.config(), command=FAILING, restart="never", start_retries=0)
    models.server.save_config(config, answers.append)
    assert save(models, qtbot, CONNECTION | {"port": ephemeral_port()}, None) is None
    qtbot.waitUntil(lambda: answers == [None], timeout=TIMEOUT_MS)
    models.server.start()

    card = overview.server_card
    qtbot.waitUntil(lambda: card.summary.text().startswith("Error"), timeout=TIMEOUT_MS)
    assert label_color(card.dot) == BAD and card.dot.accessibleName() == "Error"
    qtbot.waitUntil(lambda: "plc1" in overview.tiles.tiles, timeout=TIMEOUT_MS)
    tile = overview.tiles.tiles["plc1"]
    qtbot.waitUntil(lambda: "Reconnecting" in tile.state_label.text(), timeout=TIMEOUT_MS)
    assert f"color:{BUSY.name()}" in tile.state_label.text()  # the colour beside the word
    qtbot.waitUntil(lambda: "2 of 2 tags not good" in tile.tags_label.text(), timeout=TIMEOUT_MS)
    header = overview.header
    qtbot.waitUntil(lambda: label_color(header.dot) == BAD, timeout=TIMEOUT_MS)
    assert header.dot.accessibleName() != ""
    assert header.dot.accessibleName() in header.state_label.text()
