"""The Services page with real services, embedded and attached: rows, buttons, details."""

from __future__ import annotations

import socket

from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from panel.server.status import ServerStatus, ServiceSnapshot
from panel.views.main_window import MainWindow
from panel.views.services.table import MEMORY, STATE, SamplesRole
from tests.gui.dialogs import message_boxes_answered, standard_button
from tests.gui.services.parts import NAMES, TIMEOUT_MS, row_texts, wait_status

YES = standard_button(QMessageBox.StandardButton.Yes)


def test_a_workspace_with_only_the_server_says_how_to_add_a_service(
    any_window: MainWindow, qtbot: QtBot
) -> None:
    window = any_window
    window.show_page(window.services_view)
    view = window.services_view
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=TIMEOUT_MS)
    assert row_texts(view, "server")[:2] == ["server", "Stopped"]
    assert view.hint.isVisible() and "Add" in view.hint.text()
    assert view.selected() is not None and view.selected().name == "server"  # type: ignore[union-attr]
    assert not view.remove_button.isEnabled()  # the server stays
    assert view.start_button.isEnabled() and not view.stop_button.isEnabled()
    assert not view.docs_button.isVisible()


def test_every_service_has_a_row_with_its_state_in_colour_and_words(
    services_window: MainWindow, qtbot: QtBot
) -> None:
    view = services_window.services_view
    qtbot.waitUntil(lambda: view.model.rowCount() == len(NAMES), timeout=TIMEOUT_MS)
    assert [r.snap.name for r in view.model.rows()] == NAMES
    for name in NAMES:
        texts = row_texts(view, name)
        assert texts[1] == "Stopped" and texts[2] == "-"
        index = view.model.index(view.model.row_of(name), STATE)
        assert not index.data(Qt.ItemDataRole.DecorationRole).isNull()  # the dot beside it
    assert not view.hint.isVisible()
    sidebar = services_window.sidebar
    titles = [sidebar.item(i).text() for i in range(sidebar.count())]
    assert titles[:3] == ["Overview", "Server", "Services"]


def test_start_restart_stop_from_the_buttons_ask_first_and_show_busy(
    services_window: MainWindow, qtbot: QtBot
) -> None:
    view = services_window.services_view
    qtbot.waitUntil(lambda: view.model.row_of("worker") >= 0, timeout=TIMEOUT_MS)
    view.select("worker")
    assert view.start_button.isEnabled() and not view.stop_button.isEnabled()
    view.start_button.click()
    qtbot.waitUntil(lambda: row_texts(view, "worker")[1] == "Running", timeout=TIMEOUT_MS)
    texts = row_texts(view, "worker")
    assert texts[2].isdigit() and texts[3] == str(view.services.snapshot("worker").port)  # type: ignore[union-attr]
    assert view.stop_button.isEnabled() and view.restart_button.isEnabled()
    assert not view.busy.isVisible()
    memory = view.model.index(view.model.row_of("worker"), MEMORY)
    qtbot.waitUntil(lambda: len(memory.data(SamplesRole) or ()) >= 2, timeout=TIMEOUT_MS)
    assert row_texts(view, "worker")[MEMORY].endswith(" MB")

    first_pid = view.services.snapshot("worker").pid  # type: ignore[union-attr]
    with message_boxes_answered(YES) as asked:
        view.restart_button.click()
        qtbot.waitUntil(
            lambda: (
                view.services.snapshot("worker").pid not in (None, first_pid)  # type: ignore[union-attr]
                and row_texts(view, "worker")[1] == "Running"
            ),
            timeout=TIMEOUT_MS,
        )
    assert asked == ["Restart worker?"]

    shown: list[tuple[ServerStatus, bool, str]] = []

    def seen(snap: ServiceSnapshot) -> None:  # after the page took it in (connected first)
        if snap.name == "worker":
            shown.append((snap.status, view.busy.isVisible(), view.busy_label.text()))

    view.services.sig_status.connect(seen)
    with message_boxes_answered(YES) as asked:
        view.stop_button.click()
        qtbot.waitUntil(lambda: row_texts(view, "worker")[1] == "Stopped", timeout=TIMEOUT_MS)
    view.services.sig_status.disconnect(seen)
    assert asked == ["Stop worker?"]
    assert (ServerStatus.STOPPING, True, "worker: Stopping") in shown  # busy while stopping
    assert not view.busy.isVisible()
    assert row_texts(view, "worker")[2] == "-"


def test_cancelling_the_question_leaves_the_service_running(
    services_window: MainWindow, qtbot: QtBot
) -> None:
    view = services_window.services_view
    qtbot.waitUntil(lambda: view.model.row_of("worker") >= 0, timeout=TIMEOUT_MS)
    view.select("worker")
    view.start_button.click()
    wait_status(qtbot, view, "worker", ServerStatus.RUNNING)
    with message_boxes_answered(standard_button(QMessageBox.StandardButton.Cancel)) as asked:
        view.stop_button.click()
    assert asked == ["Stop worker?"]
    assert view.services.snapshot("worker").status == ServerStatus.RUNNING  # type: ignore[union-attr]


def test_a_failed_service_shows_its_last_error_beneath(
    services_window: MainWindow, qtbot: QtBot
) -> None:
    view = services_window.services_view
    qtbot.waitUntil(lambda: view.model.row_of("broken") >= 0, timeout=TIMEOUT_MS)
    view.select("broken")
    assert not view.details.error_label.isVisible()
    view.start_button.click()
    qtbot.waitUntil(lambda: row_texts(view, "broken")[1] == "Error", timeout=TIMEOUT_MS)
    qtbot.waitUntil(view.details.error_label.isVisible, timeout=TIMEOUT_MS)
    assert "code 3" in view.details.error_label.text()
    assert view.details.fields["exit"].text() == "code 3"
    assert view.start_button.isEnabled() and view.remove_button.isEnabled()


def test_the_lines_beneath_are_the_selected_services_own(
    services_window: MainWindow, qtbot: QtBot
) -> None:
    view = services_window.services_view
    qtbot.waitUntil(lambda: view.model.row_of("logger") >= 0, timeout=TIMEOUT_MS)
    view.select("logger")
    details = view.details
    assert details.fields["readiness"].text() == "log /ready/"
    assert details.fields["autostart"].text() == "no"
    view.start_button.click()
    wait_status(qtbot, view, "logger", ServerStatus.RUNNING)  # ready: its line was seen

    def lines() -> list[str]:
        model = details.log_model
        return [str(model.index(r, 0).data()) for r in range(model.rowCount())]

    qtbot.waitUntil(lambda: any("service is ready" in t for t in lines()), timeout=TIMEOUT_MS)
    assert all(" logger: " in t for t in lines())  # no other source's lines
    view.select("worker")
    qtbot.waitUntil(lambda: not any("service is ready" in t for t in lines()), timeout=TIMEOUT_MS)


class _Browser(QObject):
    """Receives the URLs the window asks the desktop to open (Qt's own URL handler hook)."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


def test_start_all_then_open_api_docs_only_where_there_are_docs_then_stop_all(
    services_window: MainWindow, qtbot: QtBot
) -> None:
    view = services_window.services_view
    qtbot.waitUntil(lambda: view.model.rowCount() == len(NAMES), timeout=TIMEOUT_MS)
    view.select("server")
    assert not view.docs_button.isVisible()  # stopped: no docs to open
    view.start_all_button.click()
    for name in ("server", "worker", "logger"):
        wait_status(qtbot, view, name, ServerStatus.RUNNING)
    wait_status(qtbot, view, "broken", ServerStatus.ERROR)
    qtbot.waitUntil(view.docs_button.isVisible, timeout=TIMEOUT_MS)  # FastAPI's /openapi.json
    browser = _Browser()
    QDesktopServices.setUrlHandler("http", browser, "open")
    try:
        view.docs_button.click()
    finally:
        QDesktopServices.unsetUrlHandler("http")
    port = view.services.snapshot("server").port  # type: ignore[union-attr]
    assert browser.opened == [f"http://127.0.0.1:{port}/docs"]
    view.select("worker")
    assert not view.docs_button.isVisible()  # no FastAPI there

    with message_boxes_answered(YES) as asked:
        view.stop_all_button.click()
        for name in ("server", "worker", "logger"):
            wait_status(qtbot, view, name, ServerStatus.STOPPED)
    assert asked == ["Stop every service?"]
    assert not view.stop_all_button.isEnabled()


def test_a_taken_port_offers_the_next_free_one_and_starts_there(
    services_window: MainWindow, qtbot: QtBot
) -> None:
    view = services_window.services_view
    qtbot.waitUntil(lambda: view.model.row_of("worker") >= 0, timeout=TIMEOUT_MS)
    port = view.services.snapshot("worker").port  # type: ignore[union-attr]
    assert port is not None
    with socket.create_server(("127.0.0.1", port)):  # someone else holds it
        view.select("worker")
        assert not view.use_port_button.isVisible()
        view.start_button.click()
        qtbot.waitUntil(view.use_port_button.isVisible, timeout=TIMEOUT_MS)
        assert row_texts(view, "worker")[1] == "Error"
        assert str(port) in view.details.error_label.text()
        free = view.services.snapshot("worker").conflict.suggested_port  # type: ignore[union-attr]
        assert view.use_port_button.text() == f"Use port {free} and start"
        view.use_port_button.click()
        wait_status(qtbot, view, "worker", ServerStatus.RUNNING)
    assert row_texts(view, "worker")[3] == str(free)
    assert view.details.fields["port"].text() == str(free)  # stored
    assert not view.use_port_button.isVisible()
