"""What a screen reader gets from the state dots: the sidebar's, and the pages' dots
beside a state word. Read through Qt's accessibility interface, as a reader does."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from panel.viewmodels.models import EngineModels
from panel.views.main_window import BADGE_ROLE, MainWindow
from tests.gui.states.parts import FAILING, TIMEOUT_MS


def sidebar_said(window: MainWindow) -> dict[str, tuple[str, str]]:
    """Each sidebar entry with a dot: (name, description) as the accessibility interface
    reports its cell."""
    sidebar = QAccessible.queryAccessibleInterface(window.sidebar)
    assert sidebar is not None
    said = {}
    for row in range(window.sidebar.count()):
        item = window.sidebar.item(row)
        if item.data(BADGE_ROLE) is None and item.toolTip() == "":
            continue  # an entry without a state (Overview, Logs, Sessions)
        cell = sidebar.child(row)
        assert cell is not None
        said[item.text()] = (
            cell.text(QAccessible.Text.Name),
            cell.text(QAccessible.Text.Description),
        )
    return said


def test_every_sidebar_dot_is_told_in_words(
    any_window: MainWindow, models: EngineModels, qtbot: QtBot
) -> None:
    window = any_window
    said = sidebar_said(window)
    assert said == {
        "Server": ("Server", "State: Stopped"),
        "Services": ("Services", "State: Stopped"),
        "Connections": ("Connections", "State: No connections"),
        "Jobs": ("Jobs", "State: No job ran today"),
    }
    answers: list[object] = []
    config = replace(models.server.config(), command=FAILING, restart="never", start_retries=0)
    models.server.save_config(config, answers.append)
    qtbot.waitUntil(lambda: answers == [None], timeout=TIMEOUT_MS)
    models.server.start()
    qtbot.waitUntil(lambda: sidebar_said(window)["Server"][1] == "State: Error", timeout=TIMEOUT_MS)
    item = window.sidebar.item(1)
    assert item.data(Qt.ItemDataRole.AccessibleDescriptionRole) == "State: Error"
    assert item.toolTip() == "Error"


def test_the_pages_dots_say_their_state(any_window: MainWindow) -> None:
    """Every dot a page shows as a picture beside (or instead of) a word says its state."""
    window = any_window
    for key in ("server", "services", "jobs"):
        window.open_page(key)
    pages = [window.overview_view, window.server_view, window.services_view, window.jobs_view]
    dots = [
        label
        for page in pages
        for label in page.findChildren(QLabel)
        if not label.pixmap().isNull() and label.pixmap().width() <= 16
    ]
    assert len(dots) >= 10  # the cards, the header, the server's, the legend's, the jobs file's
    for dot in dots:
        told = QAccessible.queryAccessibleInterface(dot)
        assert told is not None
        name = told.text(QAccessible.Text.Name)
        assert name, f"a dot says nothing: {dot.objectName() or dot.parent()}"
        assert told.text(QAccessible.Text.Description) == f"State: {name}"
