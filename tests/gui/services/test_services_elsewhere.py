"""Every service on the Overview, in the tray menu and on the sidebar, embedded and attached."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from panel.server.status import ServerStatus
from panel.views.main_window import MainWindow
from tests.gui.services.parts import NAMES, TIMEOUT_MS, wait_status


def test_the_overview_has_a_card_per_service_with_its_state_and_figures(
    services_window: MainWindow, qtbot: QtBot
) -> None:
    window = services_window
    cards = window.overview_view.service_cards
    qtbot.waitUntil(lambda: list(cards.cards) == NAMES, timeout=TIMEOUT_MS)
    view = window.services_view
    for name in NAMES:
        assert cards.cards[name].state_label.text() == "Stopped"
        port = view.services.snapshot(name).port  # type: ignore[union-attr]
        expected = f"port {port}" if port is not None else "not running"
        assert cards.cards[name].summary.text() == expected
    view.select("worker")
    view.start_button.click()
    worker = cards.cards["worker"]
    qtbot.waitUntil(lambda: worker.state_label.text() == "Running", timeout=TIMEOUT_MS)
    port = view.services.snapshot("worker").port  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: f"port {port}" in worker.summary.text(), timeout=TIMEOUT_MS)
    assert worker.summary.text().startswith("up ")
    qtbot.waitUntil(lambda: worker.rss_plot.latest() is not None, timeout=TIMEOUT_MS)
    assert worker.rss_plot.latest() > 1.0  # type: ignore[operator]  # a Python child: MBs
    assert worker.cpu_plot.latest() is not None
    assert cards.cards["logger"].rss_plot.latest() is None  # not running: no figures

    view.select("broken")
    view.start_button.click()
    broken = cards.cards["broken"]
    qtbot.waitUntil(lambda: broken.state_label.text() == "Error", timeout=TIMEOUT_MS)
    assert "code 3" in broken.summary.text()
    assert window.overview_view.services_card.state[1] == "Error"  # the worst of them
    broken.open_button.click()
    assert window.pages.currentWidget() is view
    assert view.selected().name == "broken"  # type: ignore[union-attr]


def test_the_tray_lists_every_service_with_its_state_and_opens_it(
    services_window: MainWindow, qtbot: QtBot
) -> None:
    window = services_window
    tray = window.tray

    def entries() -> list[str]:
        return [a.text() for a in tray.service_actions]

    qtbot.waitUntil(lambda: len(entries()) == len(NAMES), timeout=TIMEOUT_MS)
    assert entries() == [f"{name}: Stopped" for name in NAMES]
    assert all(a in tray.menu.actions() for a in tray.service_actions)
    view = window.services_view
    view.select("logger")
    view.start_button.click()
    wait_status(qtbot, view, "logger", ServerStatus.RUNNING)
    qtbot.waitUntil(lambda: "logger: Running" in entries(), timeout=TIMEOUT_MS)

    window.show_page(window.overview_view)
    tray.service_actions[NAMES.index("worker")].trigger()
    assert window.pages.currentWidget() is view
    assert view.selected().name == "worker"  # type: ignore[union-attr]


def test_the_sidebar_dot_of_services_is_the_worst_state(
    services_window: MainWindow, qtbot: QtBot
) -> None:
    window = services_window
    item = window.sidebar.item(window.pages.indexOf(window.services_view))
    qtbot.waitUntil(lambda: item.toolTip() == "Stopped", timeout=TIMEOUT_MS)
    view = window.services_view
    view.select("broken")
    view.start_button.click()
    qtbot.waitUntil(lambda: item.toolTip() == "Error", timeout=TIMEOUT_MS)
