"""The Overview's parts against a real engine (embedded, and attached to a headless one):
connection tiles, today's jobs with the 24-hour strip, recent problems, the header line."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

sys.path.insert(0, str(Path(__file__).parents[1] / "integration" / "connections"))

from modbus_sim import ModbusSim

from panel.viewmodels.engines.probe import ModelsHealth
from panel.viewmodels.models import EngineModels
from panel.views.main_window import MainWindow
from panel.views.overview.connection_tiles import ConnectionTiles
from panel.views.overview.header import OverviewHeader
from panel.views.overview.jobs_today import JobsToday
from panel.views.overview.recent_problems import RecentProblems
from tests.gui.logs_jobs import add_log_jobs, say
from tests.gui.test_connections_view import CONNECTION, save

TIMEOUT_MS = 30_000


@pytest.fixture
def sim(free_port: int) -> Iterator[ModbusSim]:
    simulator = ModbusSim(free_port).start()
    simulator.set("holding", 0, [321, 5])
    yield simulator
    simulator.close()


def import_jobs(qtbot: QtBot, models: EngineModels, jobs: list[dict[str, Any]]) -> None:
    got: dict[str, Any] = {}
    models.engine.export_config(lambda config, problem: got.update(config=config))
    qtbot.waitUntil(lambda: "config" in got, timeout=TIMEOUT_MS)
    config = dict(got["config"]) | {"jobs": jobs}
    models.engine.import_config(config, lambda applied, problem: got.update(done=problem))
    qtbot.waitUntil(lambda: "done" in got, timeout=TIMEOUT_MS)
    assert got["done"] is None


def test_a_tile_per_connection_with_its_state_age_and_bad_tags(
    models: EngineModels, qtbot: QtBot, sim: ModbusSim
) -> None:
    tiles = ConnectionTiles(models.connections)
    qtbot.addWidget(tiles)
    tiles.resize(900, 300)
    tiles.show()
    if not models.connections.ids():
        assert tiles.empty_label.isVisible()
        assert "Load CSV" in tiles.empty_label.text()
    assert save(models, qtbot, CONNECTION | {"port": sim.port}, None) is None
    qtbot.waitUntil(lambda: "plc1" in tiles.tiles, timeout=TIMEOUT_MS)
    assert not tiles.empty_label.isVisible()
    tile = tiles.tiles["plc1"]
    qtbot.waitUntil(lambda: "Connected" in tile.state_label.text(), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: tile.tags_label.text() == "all 2 tags good", timeout=TIMEOUT_MS)
    assert tile.age_label.text().startswith("updated ")
    assert tile.accessibleName().startswith("plc1, Connected, updated ")
    sim.stop()  # the device goes away: the tile says so in words and colour
    qtbot.waitUntil(lambda: "Connected" not in tile.state_label.text(), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: "not good" in tile.tags_label.text(), timeout=TIMEOUT_MS)
    assert "2 of 2 tags not good" in tile.accessibleName()
    with qtbot.waitSignal(tiles.sig_open, timeout=2000) as opened:
        qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    assert opened.args == ["plc1"]


def test_jobs_today_counts_draws_and_lists_the_failure(models: EngineModels, qtbot: QtBot) -> None:
    py = sys.executable
    import_jobs(qtbot, models, [])
    today = JobsToday(models.jobs)
    qtbot.addWidget(today)
    today.show()
    qtbot.waitUntil(lambda: today.empty_label.isVisible(), timeout=TIMEOUT_MS)
    assert "Jobs page" in today.empty_label.text()
    import_jobs(
        qtbot,
        models,
        [
            {"id": "ok", "command": [py, "-c", "pass"]},
            {"id": "broken", "command": [py, "-c", "raise SystemExit(3)"]},
        ],
    )
    qtbot.waitUntil(lambda: not today.empty_label.isVisible(), timeout=TIMEOUT_MS)
    done: list[object] = []
    for job in ("ok", "broken"):
        models.jobs.run_job(job, {}, False, True, lambda run, error: done.append(error))
    qtbot.waitUntil(lambda: len(done) == 2, timeout=TIMEOUT_MS)
    assert done == [None, None]
    qtbot.waitUntil(lambda: "<b>1</b> failed" in today.failed_label.text(), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: "<b>1</b> succeeded" in today.success_label.text(), timeout=TIMEOUT_MS)
    assert "broken" in today.failures_label.text() and "exit 3" in today.failures_label.text()
    qtbot.waitUntil(lambda: len(today.timeline.runs) == 2, timeout=TIMEOUT_MS)
    assert today.timeline.accessibleDescription() == "2 runs, 1 failed"
    xs = [today.timeline.x_of(r.start or r.queued) for r in today.timeline.runs]
    right = today.timeline.width() - 4
    assert all(right - 20 <= x <= right for x in xs)  # just now: at the right end


def test_recent_problems_shows_the_newest_warnings_and_errors(
    models: EngineModels, qtbot: QtBot
) -> None:
    add_log_jobs(qtbot, models)
    problems = RecentProblems(models.logs)
    qtbot.addWidget(problems)
    say(models, "db", "INFO:db:all fine", "ERROR:db:lost connection", "WARNING:db:slow query")
    qtbot.waitUntil(lambda: len(problems.problems) >= 2, timeout=TIMEOUT_MS)
    text = problems.label.text()
    assert "slow query" in text and "lost connection" in text and "all fine" not in text
    assert text.index("slow query") < text.index("lost connection")  # newest first
    assert "Error" in text and "Warning" in text
    with qtbot.waitSignal(problems.sig_open_logs, timeout=2000):
        problems.label.linkActivated.emit("logs")


def test_the_header_says_the_worst_state_and_which_engine(
    models: EngineModels, qtbot: QtBot
) -> None:
    health = ModelsHealth(models)
    header = OverviewHeader(health)
    qtbot.addWidget(header)
    qtbot.waitUntil(lambda: health.health().pid is not None, timeout=TIMEOUT_MS)
    header.refresh()
    pid = health.health().pid
    assert f"Engine pid {pid} on " in header.engine_label.text()
    assert header.state_label.text() not in ("", "<b></b>")
    assert header.accessibleName().startswith(header.dot.accessibleName())
    health.close()


def test_the_overview_opens_a_connection_from_its_tile(
    any_window: MainWindow, models: EngineModels, qtbot: QtBot, sim: ModbusSim
) -> None:
    overview = any_window.overview_view
    assert any_window.pages.currentWidget() is overview
    assert save(models, qtbot, CONNECTION | {"port": sim.port}, None) is None
    second = CONNECTION | {"id": "plc2", "port": sim.port}
    assert save(models, qtbot, second, None) is None
    qtbot.waitUntil(lambda: {"plc1", "plc2"} <= set(overview.tiles.tiles), timeout=TIMEOUT_MS)
    tile = overview.tiles.tiles["plc2"]
    qtbot.waitUntil(lambda: tile.isVisible(), timeout=TIMEOUT_MS)
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton)
    assert any_window.pages.currentWidget() is any_window.connections_view
    assert any_window.connections_view is not None
    assert any_window.connections_view.current_id() == "plc2"
    any_window.show_page(overview)
    overview.problems_card.open_button.click()
    assert any_window.pages.currentWidget() is any_window.logs_view
