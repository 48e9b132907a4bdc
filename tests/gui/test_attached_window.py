"""A window attached to a headless engine: it says so, never stops it, and survives losing it."""

from __future__ import annotations

import json
import os
import signal

from pytestqt.qtbot import QtBot

from panel.server.status import ServerStatus
from panel.viewmodels.models import remote_models
from panel.viewmodels.remote.endpoint import workspace_endpoint
from panel.viewmodels.remote.link import RemoteLink
from panel.views.main_window import MainWindow
from tests.gui.attached import HeadlessProcess

TIMEOUT_MS = 30_000
BANNER_MS = 2_000
"""The issue's bound: the banner shows within 2 s of the engine going away."""


def _attached_window(qtbot: QtBot, engine: HeadlessProcess) -> MainWindow:
    link = RemoteLink(workspace_endpoint(engine.workspace))
    window = MainWindow(remote_models(link), None)
    qtbot.addWidget(window)
    with qtbot.waitSignal(link.sig_connected, timeout=TIMEOUT_MS):
        link.open()
    window.show()
    return window


def _engine_pid(engine: HeadlessProcess) -> int:
    return int(json.loads((engine.workspace / "api.json").read_text())["pid"])


def test_the_title_and_status_bar_say_attached_to_which_engine(
    headless: HeadlessProcess, qtbot: QtBot
) -> None:
    window = _attached_window(qtbot, headless)
    pid = _engine_pid(headless)
    expected = f"attached to {headless.workspace} (pid {pid})"
    qtbot.waitUntil(lambda: expected in window.windowTitle(), timeout=TIMEOUT_MS)
    assert expected in window.engine_label.text()
    assert not window.link_banner.isVisible()
    window.models.link.close()  # type: ignore[union-attr]


def test_closing_an_attached_window_leaves_the_engine_and_its_server_running(
    headless: HeadlessProcess, qtbot: QtBot
) -> None:
    window = _attached_window(qtbot, headless)
    server = window.models.server
    window.server_view.start_button.click()
    qtbot.waitUntil(lambda: server.snapshot().status == ServerStatus.RUNNING, timeout=TIMEOUT_MS)
    pid = server.snapshot().pid
    with qtbot.waitSignal(window.sig_quit_requested, timeout=TIMEOUT_MS):
        window.close()  # no question: an attached window never stops its engine
    window.models.link.close()  # type: ignore[union-attr]
    assert headless.proc is not None and headless.proc.poll() is None

    again = _attached_window(qtbot, headless)
    qtbot.waitUntil(
        lambda: again.models.server.snapshot().status == ServerStatus.RUNNING, timeout=TIMEOUT_MS
    )
    assert again.models.server.snapshot().pid == pid
    again.models.link.close()  # type: ignore[union-attr]


def test_a_killed_engine_shows_the_banner_and_a_restarted_one_is_reattached(
    headless: HeadlessProcess, qtbot: QtBot
) -> None:
    window = _attached_window(qtbot, headless)
    first_pid = _engine_pid(headless)
    status_before = window.server_view.status_label.text()
    os.kill(first_pid, signal.SIGKILL)
    qtbot.waitUntil(window.link_banner.isVisible, timeout=BANNER_MS)
    assert "not reachable" in window.link_banner.label.text()
    assert window.server_view.status_label.text() == status_before  # the last state stays

    headless.stop()
    headless.start()  # a new pid, port and token in a new api.json
    second_pid = _engine_pid(headless)
    assert second_pid != first_pid
    qtbot.waitUntil(lambda: not window.link_banner.isVisible(), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: f"(pid {second_pid})" in window.windowTitle(), timeout=TIMEOUT_MS)
    window.server_view.start_button.click()  # the buttons work again
    qtbot.waitUntil(lambda: window.server_view.status_label.text() == "Running", timeout=TIMEOUT_MS)
    window.models.link.close()  # type: ignore[union-attr]
