"""File › Engines: the engines a window knows, each one's state, Open, and all of them at once.

Two real headless engines on two workspaces: the window is attached to A (its own
engine, read from its models), B is in the list (probed by a link of its own).
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from panel.util.ports import ephemeral_port
from panel.viewmodels.engines.board import EnginesBoard
from panel.viewmodels.engines.registry import EngineRegistry
from panel.views.all_engines_view import CONNECTIONS, JOBS, SERVER, STATE
from panel.views.engine_windows import engine_windows
from panel.views.engines_dialog import EnginesDialog, engines_dialog_for
from panel.views.main_window import MainWindow
from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.workspace import Workspace
from tests.gui.attached import HeadlessProcess, attach
from tests.gui.jobs_page import JobsPage, py
from tests.remote_parts import Sshd

WAIT_MS = 30_000
GONE_MS = 5_000
"""A killed engine is "Unreachable" within a few seconds (the link sees the socket close)."""


def _workspace(path: Path) -> Path:
    with Workspace.open(path) as ws:
        config = demo_server_config().to_json() | {"port": ephemeral_port(), "autostart": False}
        ws.save_server_config(ServerConfig.from_json(config))
    return path


@pytest.fixture
def engines(tmp_path: Path) -> Iterator[tuple[HeadlessProcess, HeadlessProcess]]:
    """Two headless engines, A and B, on workspaces of their own."""
    a = HeadlessProcess(_workspace(tmp_path / "a"))
    b = HeadlessProcess(_workspace(tmp_path / "b"))
    a.start()
    b.start()
    yield a, b
    a.stop()
    b.stop()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """The window's settings, in a file of this test's own."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window_on_a(
    engines: tuple[HeadlessProcess, HeadlessProcess], qtbot: QtBot
) -> Iterator[MainWindow]:
    """A window attached to engine A, as `opspanel` opens one on a running engine."""
    models = attach(qtbot, engines[0].workspace)
    window = MainWindow(models, None)
    window.show()
    yield window
    engine_windows().close_all()
    assert models.link is not None
    models.link.close()
    window.allow_close()
    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _dialog(window: MainWindow, settings: QSettings, b: Path, qtbot: QtBot) -> EnginesDialog:
    """`window`'s Engines dialog (File › Engines) with B added through its Add dialog."""
    dialog = engines_dialog_for(window, EngineRegistry(b.parent / "a", settings))
    dialog.show()
    dialog.add_button.click()
    add = dialog.add_dialog
    assert add is not None and add.isVisible()
    add.name_edit.setText("Line B")
    add.target_edit.setText(str(b))
    add.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert not add.isVisible(), add.error_label.text()
    return dialog


def _key(dialog: EnginesDialog, name: str) -> str:
    return next(e.key for e in dialog.board.entries() if e.name == name)


def _pid(engine: HeadlessProcess) -> int:
    return int(json.loads((engine.workspace / "api.json").read_text())["pid"])


def test_the_list_is_saved_with_paths_and_never_a_token(
    tmp_path: Path, settings: QSettings
) -> None:
    local = tmp_path / "here"
    (tmp_path / "b").mkdir()
    token_file = tmp_path / "far.token"
    token = "s3cret-token-0123456789abcdef"
    token_file.write_text(token + "\n")
    token_file.chmod(0o600)
    registry = EngineRegistry(local, settings)
    registry.add("Line B", str(tmp_path / "b"))
    registry.add("Far", "wss://far.example:8443", token_file=str(token_file))
    registry.add("Over SSH", "ssh://ops@plant-3/srv/opspanel")
    registry.rename(registry.entries()[0].key, "This desk")

    again = EngineRegistry(
        local, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    )
    seen = [(e.name, e.target, e.token_file) for e in again.entries()]
    assert seen == [
        ("This desk", str(local), ""),
        ("Line B", str(tmp_path / "b"), ""),
        ("Far", "wss://far.example:8443", str(token_file)),
        ("Over SSH", "ssh://ops@plant-3/srv/opspanel", ""),
    ]
    stored = (tmp_path / "settings.ini").read_text()
    assert token not in stored and str(token_file) in stored


@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("ftp://plant-3", "use wss://, https:// or ssh://"),
        ("wss://ops:hunter2@plant-3:8443", "not in the URL"),
        ("wss://plant-3:8443/rpc?token=abc", "not in the URL"),
        ("wss://plant-3:8443", "needs its token file"),
        ("ssh://-oProxyCommand=x", "names no usable host"),
        ("/no/such/workspace", "There is no folder /no/such/workspace."),
    ],
)
def test_a_malformed_target_is_one_sentence_and_the_add_dialog_stays(
    tmp_path: Path, settings: QSettings, qtbot: QtBot, target: str, says: str
) -> None:
    board = EnginesBoard(EngineRegistry(tmp_path / "here", settings))
    dialog = EnginesDialog(board, lambda _entry: None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.add_button.click()
    add = dialog.add_dialog
    assert add is not None
    add.name_edit.setText("Plant 3")
    add.target_edit.setText(target)
    add.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert add.isVisible()
    assert add.error_label.isVisible() and says in add.error_label.text()
    assert "\n" not in add.error_label.text() and "Traceback" not in add.error_label.text()
    assert [e.name for e in board.entries()] == ["This computer"]
    dialog.close()


def test_both_engines_show_their_state_and_a_killed_one_turns_unreachable(
    engines: tuple[HeadlessProcess, HeadlessProcess],
    window_on_a: MainWindow,
    settings: QSettings,
    qtbot: QtBot,
) -> None:
    a, b = engines
    dialog = _dialog(window_on_a, settings, b.workspace, qtbot)
    own, other = _key(dialog, "This computer"), _key(dialog, "Line B")
    assert [e.target for e in dialog.board.entries()] == [str(a.workspace), str(b.workspace)]
    # Both answer: nothing runs on either yet (servers stopped, no connection, no job).
    qtbot.waitUntil(lambda: dialog.state_text(own) == "Idle", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: dialog.state_text(other) == "Idle", timeout=WAIT_MS)

    os.kill(_pid(b), signal.SIGKILL)
    qtbot.waitUntil(lambda: dialog.state_text(other) == "Unreachable", timeout=GONE_MS)
    assert dialog.state_text(own) == "Idle"  # A is not disturbed
    # Why, in one sentence: first the connection closing, then each retry's answer.
    qtbot.waitUntil(lambda: "is not running" in dialog.state_tip(other), timeout=GONE_MS)

    b.stop()
    b.start()
    qtbot.waitUntil(lambda: dialog.state_text(other) == "Idle", timeout=WAIT_MS)
    dialog.close()


def test_open_gives_a_window_attached_to_the_chosen_engine(
    engines: tuple[HeadlessProcess, HeadlessProcess],
    window_on_a: MainWindow,
    settings: QSettings,
    qtbot: QtBot,
) -> None:
    _a, b = engines
    dialog = _dialog(window_on_a, settings, b.workspace, qtbot)
    dialog.select(_key(dialog, "Line B"))
    dialog.open_button.click()
    [opened] = engine_windows().windows()
    expected = f"attached to {b.workspace} (pid {_pid(b)})"
    qtbot.waitUntil(lambda: expected in opened.windowTitle(), timeout=WAIT_MS)
    assert opened.pages.currentWidget() is opened.overview_view
    assert opened.isVisible()
    # One tray icon for the application: the first window's, not one per window.
    assert window_on_a.tray.owns_icon and not opened.tray.owns_icon

    dialog.open_button.click()  # again: the same window comes to the front
    assert engine_windows().windows() == [opened]
    dialog.select(_key(dialog, "This computer"))
    dialog.open_button.click()  # the window's own engine: itself, no second window
    assert engine_windows().windows() == [opened]

    QSettings().remove("engines")
    opened.engines_action.trigger()  # B's window has its own Engines dialog, probing
    own_dialog = opened.engines_dialog
    assert isinstance(own_dialog, EnginesDialog) and own_dialog.isVisible()
    [b_entry] = own_dialog.board.entries()
    qtbot.waitUntil(lambda: own_dialog.state_text(b_entry.key) == "Idle", timeout=WAIT_MS)
    opened.close()  # an attached window closes alone (its dialog too); its engine runs on
    QSettings().remove("engines")
    assert engine_windows().windows() == []
    assert not own_dialog.isVisible()
    assert own_dialog.board.health(b_entry.key).reach == "connecting"  # no source left
    assert b.proc is not None and b.proc.poll() is None
    assert window_on_a.isVisible()
    assert window_on_a.tray.owns_icon
    dialog.close()


def test_all_engines_side_by_side_with_their_figures(
    engines: tuple[HeadlessProcess, HeadlessProcess],
    window_on_a: MainWindow,
    settings: QSettings,
    qtbot: QtBot,
) -> None:
    _a, b = engines
    dialog = _dialog(window_on_a, settings, b.workspace, qtbot)
    dialog.tabs.setCurrentWidget(dialog.all_view)
    view = dialog.all_view
    own, other = _key(dialog, "This computer"), _key(dialog, "Line B")
    assert view.rowCount() == 2
    qtbot.waitUntil(lambda: view.cell_text(other, STATE) == "Idle", timeout=WAIT_MS)

    # B: a job that succeeds and one that fails, run through B's own window.
    dialog.select(other)
    dialog.open_button.click()
    [window_b] = engine_windows().windows()
    qtbot.waitUntil(lambda: window_b.models.engine.reachable(), timeout=WAIT_MS)
    page = JobsPage(window_b, qtbot)
    page.open(
        [
            {"id": "fine", "command": py("pass")},
            {"id": "broken", "command": py("raise SystemExit(3)")},
        ]
    )
    page.wait_final(page.run("fine"))
    page.wait_final(page.run("broken"))
    qtbot.waitUntil(lambda: view.cell_text(other, JOBS) == "1 ok / 1 failed today", timeout=WAIT_MS)
    assert view.cell_text(other, STATE) == "A job failed today"
    assert view.cell_text(other, CONNECTIONS) == "0 good / 0 bad (of 0)"

    # A (the window's own engine): its server started from its window; its row says Running.
    window_on_a.start_action.trigger()
    qtbot.waitUntil(lambda: view.cell_text(own, SERVER).startswith("Running"), timeout=WAIT_MS)
    assert view.cell_text(own, STATE) == "All well"
    assert view.cell_text(own, JOBS) == "0 ok / 0 failed today"
    assert view.cell_text(other, SERVER).startswith("Stopped")

    # A double-click opens that engine's window: B's is already open, it comes forward.
    view.cellDoubleClicked.emit(view.row_of(other), 0)
    assert engine_windows().windows() == [window_b]
    dialog.close()


def test_file_engines_opens_the_dialog_and_probes_only_while_it_is_shown(
    window_on_a: MainWindow, engines: tuple[HeadlessProcess, HeadlessProcess], qtbot: QtBot
) -> None:
    QSettings().remove("engines")
    window_on_a.engines_action.trigger()
    dialog = window_on_a.engines_dialog
    assert isinstance(dialog, EnginesDialog) and dialog.isVisible()
    [entry] = dialog.board.entries()
    assert entry.target == str(engines[0].workspace)  # the window's engine is this computer's
    qtbot.waitUntil(lambda: dialog.state_text(entry.key) == "Idle", timeout=WAIT_MS)
    dialog.close()
    assert dialog.board.health(entry.key).reach == "connecting"  # no source while hidden
    QSettings().remove("engines")


def test_an_engine_added_as_ssh_is_probed_and_opened_through_a_tunnel(
    engines: tuple[HeadlessProcess, HeadlessProcess],
    window_on_a: MainWindow,
    settings: QSettings,
    sshd: Sshd,
    qtbot: QtBot,
) -> None:
    _a, b = engines
    dialog = engines_dialog_for(window_on_a, EngineRegistry(b.workspace.parent / "a", settings))
    dialog.show()
    dialog.add_button.click()
    add = dialog.add_dialog
    assert add is not None
    add.name_edit.setText("Line B over SSH")
    add.target_edit.setText(sshd.url(b.workspace))
    add.ssh_edit.setText(str(sshd.client_config))
    add.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert not add.isVisible(), add.error_label.text()

    key = _key(dialog, "Line B over SSH")
    qtbot.waitUntil(lambda: dialog.state_text(key) == "Idle", timeout=WAIT_MS)
    [stored] = [
        e for e in EngineRegistry(b.workspace.parent / "a", settings).entries() if e.key == key
    ]
    assert stored.ssh_config == str(sshd.client_config)  # kept for the next session

    dialog.select(key)
    dialog.open_button.click()
    [opened] = engine_windows().windows()
    expected = (
        f"attached to {b.workspace} on ssh://{sshd.user}@127.0.0.1:{sshd.port} (pid {_pid(b)})"
    )
    qtbot.waitUntil(lambda: expected in opened.windowTitle(), timeout=WAIT_MS)
    dialog.close()
