"""The Jobs page's file bar, embedded and attached: choose a file, see it imported, stopped."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from panel.views.main_window import MainWindow

WAIT_MS = 30_000


def _job_ids(window: MainWindow) -> list[str]:
    return [j.id for j in window.models.jobs.jobs()]


def test_the_bar_shows_the_watched_file_its_state_and_its_error(
    any_window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    window = any_window
    view = window.jobs_view
    window.show_page(view)
    bar = view.file_bar
    assert bar.state_label.text() == "Not watching" and not bar.stop_button.isVisible()
    assert not bar.error_label.isVisible()

    jobs_file = tmp_path / "jobs.json"
    jobs_file.write_text(json.dumps([{"id": "nightly", "command": [sys.executable, "-V"]}]))
    qtbot.mouseClick(bar.watch_button, Qt.MouseButton.LeftButton)
    dialog = bar.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.selectFile(str(jobs_file))
    dialog.accept()
    qtbot.waitUntil(lambda: bar.state_label.text() == "Imported", timeout=WAIT_MS)
    assert bar.path_label.text() == str(jobs_file)
    assert "1 job(s) imported" in bar.when_label.text()
    assert bar.stop_button.isVisible() and bar.watch_button.text() == "Change file…"
    qtbot.waitUntil(lambda: list(view.graph.nodes) == ["nightly"], timeout=WAIT_MS)
    assert _job_ids(window) == ["nightly"]

    jobs_file.write_text('[{"id": "nightly",}]')
    qtbot.waitUntil(lambda: bar.state_label.text() == "Error", timeout=WAIT_MS)
    assert bar.error_label.isVisible()
    assert "line 1, column 19" in bar.error_label.text()
    assert bar.state_label.toolTip() == bar.error_label.text()
    assert _job_ids(window) == ["nightly"]

    long_error = "\n".join(f"$.jobs[{i}]: bad" for i in range(10))
    shown = bar._shortened(long_error).splitlines()
    assert len(shown) == 7 and shown[-1] == "… 4 more line(s) in the tooltip"

    qtbot.mouseClick(bar.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bar.state_label.text() == "Not watching", timeout=WAIT_MS)
    assert not bar.stop_button.isVisible()
    assert bar.path_label.text() == "" and not bar.error_label.isVisible()
    assert _job_ids(window) == ["nightly"]


def test_a_broken_file_is_logged_by_the_engine(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    engine = window.models.embedded
    assert engine is not None
    jobs_file = tmp_path / "jobs.json"
    jobs_file.write_text('[{"id": "nightly",}]')
    window.jobs_view.file_bar.watch_file(str(jobs_file))
    bar = window.jobs_view.file_bar
    qtbot.waitUntil(lambda: bar.state_label.text() == "Error", timeout=WAIT_MS)
    assert any("line 1, column 19" in line.text for line in engine.hub.tail(50, "panel"))


def test_the_overview_tells_when_the_jobs_file_was_not_imported(
    any_window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    window = any_window
    card = window.overview_view.jobs_card
    assert card.isVisibleTo(window.overview_view)
    jobs_file = tmp_path / "jobs.json"
    jobs_file.write_text('{"jobs": [')
    window.models.jobs.set_watch_file(str(jobs_file))
    qtbot.waitUntil(lambda: "Jobs file not imported" in card.summary.text(), timeout=WAIT_MS)
    assert "line 1" in card.summary.text()
    jobs_file.write_text(json.dumps([{"id": "nightly", "command": [sys.executable, "-V"]}]))
    qtbot.waitUntil(lambda: "Jobs file" not in card.summary.text(), timeout=WAIT_MS)
    jobs_file.unlink()
    qtbot.waitUntil(lambda: "Jobs file missing" in card.summary.text(), timeout=WAIT_MS)
