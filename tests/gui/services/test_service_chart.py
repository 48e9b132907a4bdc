"""The selected service's CPU and memory chart beneath the services table, embedded and
attached: it gets the service's points, and follows the selection."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from panel.server.status import ServerStatus
from panel.views.main_window import MainWindow
from tests.gui.services.parts import NAMES, TIMEOUT_MS, wait_status


def test_a_running_services_chart_gets_its_points_and_follows_the_selection(
    services_window: MainWindow, qtbot: QtBot
) -> None:
    view = services_window.services_view
    qtbot.waitUntil(lambda: view.model.rowCount() == len(NAMES), timeout=TIMEOUT_MS)
    view.select("worker")
    view.start_button.click()
    wait_status(qtbot, view, "worker", ServerStatus.RUNNING)
    details = view.details
    details.tabs.setCurrentWidget(details.resource_chart)
    chart = details.resource_chart
    assert chart.isVisible()
    assert chart.title_label.text() == "worker: CPU and memory"
    assert chart.axis_units() == ["%", "MB"]
    qtbot.waitUntil(lambda: len(chart.drawn("cpu")[0]) >= 2, timeout=TIMEOUT_MS)
    assert min(chart.drawn("memory")[1]) > 1  # a Python process holds more than 1 MB
    times = chart.drawn("cpu")[0]
    assert list(times) == sorted(times)

    view.select("logger")  # never started: no points
    assert chart.title_label.text() == "logger: CPU and memory"
    qtbot.waitUntil(lambda: len(chart.drawn("cpu")[0]) == 0, timeout=TIMEOUT_MS)
    view.select("worker")  # back: the readings since it started are all there
    qtbot.waitUntil(lambda: len(chart.drawn("cpu")[0]) >= len(times), timeout=TIMEOUT_MS)
    assert chart.drawn("cpu")[0][0] == times[0]
