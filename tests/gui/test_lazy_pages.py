"""Pages are made when first visited, and the window is shown before its API is up."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from panel.views.logs_view import LogsView
from panel.views.main_window import PAGE_MARGINS, MainWindow

LATER = ["server", "services", "logs", "connections", "jobs", "sessions"]


def test_only_the_overview_is_made_at_first_and_every_entry_is_there(
    window: MainWindow, qtbot: QtBot
) -> None:
    qtbot.waitExposed(window)
    assert [window.made_page(key) for key in LATER] == [None] * len(LATER)
    titles = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert titles == ["Overview", "Server", "Services", "Logs", "Connections", "Jobs", "Sessions"]
    assert window.pages.count() == len(titles)
    # The dots are the models', not the pages': there before the pages are.
    tips = [window.sidebar.item(i).toolTip() for i in range(1, window.sidebar.count())]
    assert tips[:5] == ["Stopped", "Stopped", "", "No connections", "No job ran today"]


def test_a_page_is_made_on_its_first_visit_and_kept(window: MainWindow) -> None:
    window.sidebar.setCurrentRow(3)  # Logs, as a click on it
    logs = window.made_page("logs")
    assert isinstance(logs, LogsView)
    assert window.pages.currentWidget() is logs and window.pages.indexOf(logs) == 3
    assert logs.layout().contentsMargins().left() == PAGE_MARGINS[0]
    assert window.made_page("jobs") is None  # the others wait for theirs
    window.show_jobs_action.trigger()  # Ctrl+4
    assert window.pages.currentWidget() is window.made_page("jobs") is window.jobs_view
    window.show_logs_action.trigger()
    assert window.pages.currentWidget() is logs  # the same page, not a new one
    assert window.pages.count() == window.sidebar.count()


def test_a_page_added_later_takes_its_place_and_is_made_once(window: MainWindow) -> None:
    made: list[QWidget] = []
    created: list[QWidget] = []

    def factory() -> QWidget:
        page = QWidget()
        QVBoxLayout(page).addWidget(QLabel("audit"))
        made.append(page)
        return page

    window.add_page("audit", "Audit", factory, before="logs", on_created=created.append)
    titles = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert titles == [
        "Overview",
        "Server",
        "Services",
        "Audit",
        "Logs",
        "Connections",
        "Jobs",
        "Sessions",
    ]
    assert made == [] and window.made_page("audit") is None
    window.open_page("audit")
    assert made == created and len(made) == 1
    assert window.pages.currentWidget() is made[0] and window.pages.indexOf(made[0]) == 3
    assert window.page("audit") is made[0] and len(made) == 1
    window.open_page("logs")  # the entries after it still open their own pages
    assert isinstance(window.pages.currentWidget(), LogsView)


def test_the_status_bar_says_the_api_is_starting_until_its_address_is_known(
    window: MainWindow,
) -> None:
    window.set_api_address(None, starting=True)  # the application: window first, API next
    assert window.api_label.text() == "API: starting…"
    window.set_api_address("127.0.0.1:8765")
    assert window.api_label.text() == "API: 127.0.0.1:8765"
    window.set_api_address(None)  # it could not start
    assert window.api_label.text() == "API: off"
