"""The Sessions page with a real engine: new session, console commands, close, audit table."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from panel.sessions import languages
from panel.sessions.config import CONFIG_SCHEMA
from panel.sessions.sandbox import bwrap_program, sandbox_problem, which_inside
from panel.views.audit_view import COL_METHOD, COL_OUTCOME
from panel.views.main_window import MainWindow
from panel.views.session_options_dialog import LANGUAGES, SessionOptionsDialog
from panel.views.sessions_view import COL_RUNS, COL_SANDBOX, COL_STATE, SessionsView
from tests.gui.attached import HeadlessProcess, attach

TIMEOUT_MS = 30_000


def _run(qtbot: QtBot, view: SessionsView, kind: str, text: str, expect: str) -> str:
    view.kind.setCurrentIndex(view.kind.findData(kind))
    view.input.setText(text)
    seen: list[str] = []
    view.sig_output_appended.connect(seen.append)
    view.run_button.click()
    qtbot.waitUntil(lambda: any(expect in s for s in seen[1:]), timeout=TIMEOUT_MS)
    view.sig_output_appended.disconnect(seen.append)
    return "\n".join(seen)


def test_new_session_console_and_close(any_window: MainWindow, qtbot: QtBot) -> None:
    window = any_window
    window.show_sessions_action.trigger()
    view = window.sessions_view
    assert window.pages.currentWidget() is view
    assert window.show_sessions_action.shortcut().toString() == "Ctrl+5"
    assert not view.close_button.isEnabled()

    view.new_button.click()  # the new session is listed and selected
    qtbot.waitUntil(
        lambda: view.model.rowCount() == 1 and view.selected_id() is not None, timeout=TIMEOUT_MS
    )
    state = view.model.index(0, COL_STATE)
    qtbot.waitUntil(lambda: state.data() == "Active", timeout=TIMEOUT_MS)
    assert state.data(1) is not None  # a colour dot beside the label
    assert view.model.index(0, COL_SANDBOX).data() == "Sandboxed, no network"
    assert view.close_button.isEnabled() and view.run_button.isEnabled()

    out = _run(qtbot, view, "execute_shell", "echo 'hello  world'", "hello  world")
    assert "exit code 0" in out
    _run(qtbot, view, "run_code", "print(2 + 3)", "5")
    refused = _run(qtbot, view, "read_file", "../x", "not allowed")
    assert "!" in refused
    runs = view.model.index(0, COL_RUNS)
    qtbot.waitUntil(lambda: runs.data() == "3", timeout=TIMEOUT_MS)

    view.close_button.click()
    qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=TIMEOUT_MS)
    assert "0 session" in view.summary.text()


def test_audit_tab_shows_rows(window: MainWindow, qtbot: QtBot) -> None:
    rows: list[dict[str, Any]] = [
        {
            "id": 2,
            "ts": 1_700_000_000.0,
            "client": "c2",
            "method": "session.close",
            "params": '{"sessionId":"x"}',
            "outcome": "error: no such session: x",
            "errorCode": -32010,
            "durationMs": 0.4,
        },
        {
            "id": 1,
            "ts": 1_700_000_000.0,
            "client": "c1",
            "method": "session.create",
            "params": "{}",
            "outcome": "ok",
            "errorCode": None,
            "durationMs": 300.0,
        },
    ]
    window.set_audit_source(lambda limit: rows[:limit])
    view = window.sessions_view
    view.tabs.setCurrentWidget(view.audit_view)
    model = view.audit_view.model
    assert model.rowCount() == 2
    assert model.index(0, COL_METHOD).data() == "session.close"
    assert model.index(0, COL_OUTCOME).data().startswith("error")
    assert "2" in view.audit_view.status.text()


def _answer_options(fill: Callable[[SessionOptionsDialog], None]) -> None:
    """When the session settings dialog opens, let `fill` set it, then press Create."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, SessionOptionsDialog):
            fill(dialog)
            dialog.create_button.click()
            return
        QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)


def test_a_session_made_with_chosen_settings(any_window: MainWindow, qtbot: QtBot) -> None:
    window = any_window
    node = shutil.which("node") is not None

    def fill(dialog: SessionOptionsDialog) -> None:
        dialog.language.setCurrentIndex(dialog.language.findData("nodejs" if node else "python"))
        dialog.idle.setValue(5)
        dialog.lifetime.setValue(10)
        dialog.memory.setValue(1024)
        dialog.disk.setValue(64)
        dialog.network.setChecked(True)

    window.show_sessions_action.trigger()
    view = window.sessions_view
    _answer_options(fill)
    with qtbot.waitSignal(view.sig_session_created, timeout=TIMEOUT_MS) as created:
        view.new_with_button.click()
    qtbot.waitUntil(lambda: view.selected_id() == created.args[0], timeout=TIMEOUT_MS)
    snapshot = window.models.sessions.session(created.args[0])
    assert snapshot is not None
    config = snapshot.config.to_json()
    assert config["idleTimeoutMinutes"] == 5 and config["maxLifetimeMinutes"] == 10
    assert config["memoryLimitMB"] == 1024 and config["network"] is True
    assert config["diskLimitMB"] == 64 and config["maxProcesses"] == 256
    state = view.model.index(0, COL_STATE)
    qtbot.waitUntil(lambda: state.data() == "Active", timeout=TIMEOUT_MS)
    code = "console.log(6 * 7)" if node else "print(6 * 7)"
    _run(qtbot, view, "run_code", code, "42")  # in the session's own language
    view.close_button.click()
    qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=TIMEOUT_MS)


def _machine_languages() -> list[str]:
    """What the sessions' commands can run here, found as the engine finds it."""
    sandboxed = sandbox_problem(bwrap_program()) is None
    return languages.available(which_inside if sandboxed else shutil.which)


def test_the_dialog_offers_only_the_languages_this_machine_runs(
    any_window: MainWindow, qtbot: QtBot
) -> None:
    window = any_window
    window.show_sessions_action.trigger()
    view = window.sessions_view
    expected = _machine_languages()
    assert "python" in expected
    qtbot.waitUntil(lambda: window.models.sessions.languages() == expected, timeout=TIMEOUT_MS)
    seen: dict[str, Any] = {}

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, SessionOptionsDialog):
            QTimer.singleShot(10, look)
            return
        combo = dialog.language
        seen["offered"] = [combo.itemData(i) for i in range(combo.count())]
        seen["missing"] = dialog.missing.text() if dialog.missing.isVisibleTo(dialog) else ""
        dialog.reject()

    QTimer.singleShot(0, look)
    view.new_with_button.click()  # modal: returns once `look` rejected it
    assert seen["offered"] == expected
    absent = [name for name in LANGUAGES if name not in expected]
    if absent:
        assert all(name in seen["missing"] for name in absent), seen
    else:
        assert seen["missing"] == ""


def test_the_settings_dialog_stays_within_what_the_api_accepts(qtbot: QtBot) -> None:
    dialog = SessionOptionsDialog()
    qtbot.addWidget(dialog)
    dialog.memory.setValue(1)
    dialog.idle.setValue(0)
    dialog.processes.setValue(0)
    dialog.disk.setValue(0)
    params = dialog.params()
    assert params["memoryLimitMB"] == 16 and params["idleTimeoutMinutes"] == 1
    assert params["maxProcesses"] == 4 and params["diskLimitMB"] == 1
    assert params["network"] is False  # off unless ticked
    jsonschema.validate(params, CONFIG_SCHEMA)


def test_an_attached_windows_audit_tab_shows_its_own_calls(
    headless: HeadlessProcess, qtbot: QtBot
) -> None:
    window = MainWindow(attach(qtbot, headless.workspace), None)
    qtbot.addWidget(window)
    window.show()
    window.show_sessions_action.trigger()
    view = window.sessions_view
    view.new_button.click()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=TIMEOUT_MS)
    view.tabs.setCurrentWidget(view.audit_view)
    model = view.audit_view.model
    qtbot.waitUntil(lambda: model.rowCount() >= 1, timeout=TIMEOUT_MS)
    rows = [
        (model.index(r, COL_METHOD).data(), model.index(r, COL_OUTCOME).data())
        for r in range(model.rowCount())
    ]
    assert rows == [("session.create", "ok")]  # attaching and looking change nothing
    window.models.link.close()  # type: ignore[union-attr]


def test_console_shows_output_while_the_command_runs(
    any_window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    window = any_window
    window.show_sessions_action.trigger()
    view = window.sessions_view
    view.new_button.click()
    qtbot.waitUntil(lambda: view.selected_id() is not None, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: view.model.index(0, COL_STATE).data() == "Active", timeout=TIMEOUT_MS)
    seen: list[str] = []
    view.sig_output_appended.connect(seen.append)
    view.kind.setCurrentIndex(view.kind.findData("run_code"))
    # the command prints, then waits for a file this test writes only once it saw the line
    view.input.setText(
        "import os, time; print('first line', flush=True); "
        "any(iter(lambda: os.path.exists('go-on') or time.sleep(0.01), True)); "
        "print('second line')"
    )
    view.run_button.click()
    qtbot.waitUntil(lambda: "first line" in seen[1:], timeout=TIMEOUT_MS)  # [0]: the command
    assert not any("exit code" in s for s in seen)  # still running: the line came live
    session = view.selected_id()
    assert session is not None
    (tmp_path / "ws" / "sessions" / session / "go-on").write_text("")
    qtbot.waitUntil(lambda: any("exit code 0" in s for s in seen), timeout=TIMEOUT_MS)
    lines = "\n".join(seen[1:]).splitlines()
    assert lines.index("first line") < lines.index("second line") < lines.index("exit code 0")
    assert lines.count("first line") == 1  # shown live, not again with the result
    view.close_button.click()
    qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=TIMEOUT_MS)
