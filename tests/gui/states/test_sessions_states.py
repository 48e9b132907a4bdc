"""The Sessions page's empty and error states, embedded and attached.

Its normal state (a session listed Active, commands answered, closed) is in
tests/gui/test_sessions_view.py.
"""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from panel.views.main_window import MainWindow
from panel.views.sessions_view import COL_STATE, SessionsView
from panel.views.state_colors import GOOD
from tests.gui.states.parts import TIMEOUT_MS, decoration_color
from tests.gui.test_sessions_view import _run


def shown(window: MainWindow) -> SessionsView:
    window.open_page("sessions")
    return window.sessions_view


def test_no_session_says_what_a_session_is_and_how_to_open_one(any_window: MainWindow) -> None:
    view = shown(any_window)
    assert view.model.rowCount() == 0
    assert view.empty_label.isVisible()
    text = view.empty_label.text()
    assert text.startswith("No sessions open. A session is ")
    assert "New session" in text
    assert view.summary.text() == "0 session(s) open"
    assert view.new_button.isEnabled() and not view.run_button.isEnabled()
    examples = []
    for kind in ("execute_shell", "run_code", "read_file", "list_files"):
        view.kind.setCurrentIndex(view.kind.findData(kind))
        examples.append(view.input.placeholderText())
    assert examples[0].startswith("e.g. ls -la") and examples[1] == "e.g. print(6 * 7)"
    assert "data/input.csv" in examples[2] and "folder" in examples[3]


def test_a_failing_command_is_answered_in_red_with_its_exit_code_and_error(
    any_window: MainWindow, qtbot: QtBot
) -> None:
    view = shown(any_window)
    view.new_button.click()
    qtbot.waitUntil(lambda: view.selected_id() is not None, timeout=TIMEOUT_MS)
    assert not view.empty_label.isVisible()
    state = view.model.index(0, COL_STATE)
    qtbot.waitUntil(lambda: state.data() == "Active", timeout=TIMEOUT_MS)
    assert decoration_color(state) == GOOD

    out = _run(qtbot, view, "run_code", "import sys; sys.exit('no such table: users')", "exit code")
    assert "no such table: users" in out and "exit code 1" in out
    assert "exit code 1" in view.failed_lines()  # what the command wrote came live before it
    ok = _run(qtbot, view, "run_code", "print(6 * 7)", "exit code 0")
    assert "42" in ok
    assert "exit code 0" not in view.failed_lines()  # the next answer is in the usual colour
    assert state.data() == "Active"  # the session stays open for the next command
