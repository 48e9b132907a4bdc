"""The Jobs page's file bar on a real engine: choose a file, see it imported, broken, stopped."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from panel.views.main_window import MainWindow

WAIT_MS = 10_000


def test_the_bar_shows_the_watched_file_its_state_and_its_error(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    view = window.jobs_view
    window.sidebar.setCurrentRow(window.pages.indexOf(view))
    bar = view.file_bar
    assert bar is not None
    watcher = bar._watcher
    assert bar.state_label.text() == "Not watching" and not bar.stop_button.isVisible()
    assert not bar.error_label.isVisible()

    jobs_file = tmp_path / "jobs.json"
    jobs_file.write_text(json.dumps([{"id": "nightly", "command": [sys.executable, "-V"]}]))
    qtbot.mouseClick(bar.watch_button, Qt.MouseButton.LeftButton)
    dialog = bar.dialog
    assert dialog is not None and dialog.isVisible()
    with qtbot.waitSignal(watcher.sig_imported, timeout=WAIT_MS):
        dialog.selectFile(str(jobs_file))
        dialog.accept()
    assert bar.path_label.text() == str(jobs_file)
    assert bar.state_label.text() == "Imported" and "1 job(s) imported" in bar.when_label.text()
    assert bar.stop_button.isVisible() and bar.watch_button.text() == "Change file…"
    assert [s["id"] for s in view._engine.list_jobs()] == ["nightly"]
    assert view.graph is not None

    with qtbot.waitSignal(watcher.sig_failed, timeout=WAIT_MS):
        jobs_file.write_text('[{"id": "nightly",}]')
    assert bar.state_label.text() == "Error" and bar.error_label.isVisible()
    assert "line 1, column 19" in bar.error_label.text()
    assert bar.state_label.toolTip() == bar.error_label.text()
    assert [s["id"] for s in view._engine.list_jobs()] == ["nightly"]
    hub = view._engine.hub
    assert any("line 1, column 19" in line.text for line in hub.tail(50, "panel"))

    long_error = "\n".join(f"$.jobs[{i}]: bad" for i in range(10))
    shown = bar._shortened(long_error).splitlines()
    assert len(shown) == 7 and shown[-1] == "… 4 more line(s) in the tooltip"

    qtbot.mouseClick(bar.stop_button, Qt.MouseButton.LeftButton)
    assert bar.state_label.text() == "Not watching" and not bar.stop_button.isVisible()
    assert bar.path_label.text() == "" and not bar.error_label.isVisible()
    assert [s["id"] for s in view._engine.list_jobs()] == ["nightly"]


def test_the_overview_tells_when_the_jobs_file_was_not_imported(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    card = window.overview_view.jobs_card
    jobs_file = tmp_path / "jobs.json"
    jobs_file.write_text('{"jobs": [')
    window.models.embedded.set_jobs_watch_file(str(jobs_file))
    qtbot.waitUntil(lambda: "Jobs file not imported" in card.summary.text(), timeout=WAIT_MS)
    assert "line 1" in card.summary.text()
    jobs_file.write_text(json.dumps([{"id": "nightly", "command": [sys.executable, "-V"]}]))
    qtbot.waitUntil(lambda: "Jobs file" not in card.summary.text(), timeout=WAIT_MS)
    jobs_file.unlink()
    qtbot.waitUntil(lambda: "Jobs file missing" in card.summary.text(), timeout=WAIT_MS)
