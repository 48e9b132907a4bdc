"""The Jobs page's empty and error states, embedded and attached.

Its normal state (graph, runs, log, history, dashboard) is in tests/gui/test_jobs_view.py.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from panel.views.jobs_history import COL_ERROR, COL_EXIT, COL_STATUS
from panel.views.main_window import MainWindow
from panel.views.state_colors import BAD
from tests.gui.jobs_page import WAIT_MS, JobsPage, py
from tests.gui.states.parts import decoration_color, label_color
from tests.gui.test_jobs_view import click_node, wait_loaded


def test_a_new_workspace_says_how_to_get_jobs(any_window: MainWindow) -> None:
    any_window.open_page("jobs")
    view = any_window.jobs_view
    assert not view.graph.nodes
    assert view.empty_label.isVisible()
    text = view.empty_label.text()
    assert text.startswith("No jobs yet: ")
    assert "Watch file…" in text and "Import configuration" in text
    assert view.file_bar.watch_button.text() == "Watch file…"  # the button it names


def test_a_failed_run_reads_failed_in_red_with_its_exit_code(
    any_window: MainWindow, qtbot: QtBot
) -> None:
    page = JobsPage(any_window, qtbot)
    view = page.open([{"id": "export", "command": py("raise SystemExit('disk full')")}])
    assert not view.empty_label.isVisible()
    page.wait_final(page.run("export"))
    click_node(view, "export", qtbot)
    details = view.details
    qtbot.waitUntil(lambda: details.state_label.text() == "Failed", timeout=WAIT_MS)
    assert label_color(details.state_dot) == BAD
    chart = details.chart  # one short run: its duration axis starts at 0, not below
    qtbot.waitUntil(lambda: len(chart.drawn("failed")[0]) == 1, timeout=WAIT_MS)
    y_range = chart.y_range()
    assert y_range is not None and y_range[0] == 0 < chart.drawn("failed")[1][0] < y_range[1]

    view.tabs.setCurrentWidget(view.history)
    view.history.set_filters()
    wait_loaded(view, qtbot)
    model = view.history.model
    assert model.rowCount() == 1
    status = model.index(0, COL_STATUS)
    assert status.data() == "Failed" and decoration_color(status) == BAD
    assert model.index(0, COL_EXIT).data() == "1"
    assert model.index(0, COL_ERROR).data() == "exit code 1"
