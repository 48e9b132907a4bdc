"""The Server page's error state: a server command that exits 1, embedded and attached.

Its normal state (Stopped, Starting, Running with pid and port) is in
tests/gui/test_main_window.py; a workspace always has its server, so there is no empty one.
"""

from __future__ import annotations

from dataclasses import replace

from pytestqt.qtbot import QtBot

from panel.viewmodels.models import EngineModels
from panel.views.main_window import MainWindow
from panel.views.state_colors import BAD, IDLE
from tests.gui.states.parts import FAILING, TIMEOUT_MS, label_color


def test_a_server_that_exits_1_shows_error_in_red_with_the_reason(
    any_window: MainWindow, models: EngineModels, qtbot: QtBot
) -> None:
    answers: list[object] = []
    config = replace(models.server.config(), command=FAILING, restart="never", start_retries=0)
    models.server.save_config(config, answers.append)
    qtbot.waitUntil(lambda: bool(answers), timeout=TIMEOUT_MS)
    assert answers == [None]
    any_window.show_server_action.trigger()
    view = any_window.server_view
    assert view.status_label.text() == "Stopped" and label_color(view.dot) == IDLE
    assert view.error_label.text() == "-"

    view.start_button.click()
    qtbot.waitUntil(lambda: view.status_label.text() == "Error", timeout=TIMEOUT_MS)
    assert label_color(view.dot) == BAD  # red, beside the word
    qtbot.waitUntil(lambda: "code 1" in view.error_label.text(), timeout=TIMEOUT_MS)
    assert view.last_exit_label.text() == "code 1"
    assert view.start_button.isEnabled() and not view.stop_button.isEnabled()
    sidebar = any_window.sidebar.item(1)
    assert sidebar.text() == "Server" and sidebar.toolTip() == "Error"
