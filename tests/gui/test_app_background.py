"""The whole application: its window closed to the background, the engine and its API go on."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import psutil
import pytest
import qasync
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from panel.api.apifile import api_file_path
from panel.api.client import ApiClient
from panel.app import AppRunner
from panel.single_instance import SingleInstance
from panel.views.close_choice import BACKGROUND, CLOSE_ACTION_KEY
from panel.views.main_window import MainWindow
from panel.views.tray import TrayIcon
from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.workspace import Workspace
from tests.gui.dialogs import button_with_text, message_boxes_answered

TIMEOUT_S = 30.0
T = TypeVar("T")


async def _until(condition: Callable[[], T | None], what: str) -> T:
    """Poll `condition` on the running loop until it gives something, or fail saying `what`."""
    deadline = asyncio.get_running_loop().time() + TIMEOUT_S
    while (value := condition()) is None or value is False:
        assert asyncio.get_running_loop().time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)
    return value


def _server_status(ws_dir: Path) -> dict[str, Any]:
    """What `opspanel ctl server status` asks the engine (blocking: run it in a thread)."""
    with ApiClient.from_workspace(ws_dir) as api:
        status = api.call("server.status")
    assert isinstance(status, dict)
    return status


async def _running_server(ws_dir: Path) -> dict[str, Any]:
    """The server's status once the engine reports it running (it autostarts)."""
    deadline = asyncio.get_running_loop().time() + TIMEOUT_S
    while (status := await asyncio.to_thread(_server_status, ws_dir))["status"] != "running":
        assert asyncio.get_running_loop().time() < deadline, f"server never ran: {status}"
        await asyncio.sleep(0.05)
    return status


@pytest.fixture
def tray(monkeypatch: pytest.MonkeyPatch) -> None:
    """A desktop with a tray (the offscreen platform has none; see test_close_window)."""
    monkeypatch.setattr(TrayIcon, "available", property(lambda self: True))


@pytest.mark.usefixtures("tray")
def test_the_engine_outlives_its_closed_window_until_the_tray_quits(
    qapp: QApplication, tmp_path: Path, free_port: int
) -> None:
    ws_dir = tmp_path / "ws"
    ws = Workspace.open(ws_dir)
    config = demo_server_config().to_json() | {"port": free_port, "autostart": True}
    ws.save_server_config(ServerConfig.from_json(config))
    QSettings().setValue(CLOSE_ACTION_KEY, BACKGROUND)  # answered on an earlier close
    instance = SingleInstance(ws_dir)
    assert instance.claim()
    runner = AppRunner(ws, instance, headless=False)
    seen: dict[str, Any] = {}

    async def operator() -> None:
        window = await _until(
            lambda: runner.window if isinstance(runner.window, MainWindow) else None,
            "the window",
        )
        seen["pid"] = (await _running_server(ws_dir))["pid"]

        window.close()  # remembered: keep running in the background
        assert not window.isVisible()
        closed_other: list[bool] = []

        def other_window() -> None:  # any other window of the application, opened and closed
            box = QMessageBox()
            QTimer.singleShot(0, box.accept)
            box.exec()
            closed_other.append(True)

        QTimer.singleShot(0, other_window)  # from Qt's loop, as a click would: not in this task
        await _until(lambda: closed_other or None, "another window to close")
        after = await asyncio.to_thread(_server_status, ws_dir)
        seen["status after close"] = after

        assert not SingleInstance(ws_dir).claim()  # a second launch on the workspace
        await _until(window.isVisible, "the window to come back")

        quit_entry = next(
            a for a in window.tray.menu.actions() if a.text() == "Stop engine and quit"
        )
        with message_boxes_answered(button_with_text("Stop all and quit")) as asked:
            QTimer.singleShot(0, quit_entry.trigger)
            await _until(lambda: asked or None, "the quit question")
        seen["asked"] = asked

    async def app() -> int:
        scenario = asyncio.ensure_future(operator())
        scenario.add_done_callback(lambda _: runner.quit())  # also when the scenario failed
        code = await runner.run()
        await scenario
        return code

    loop = qasync.QEventLoop(qapp)
    try:
        code = loop.run_until_complete(asyncio.wait_for(app(), 90))
    finally:
        QApplication.setQuitOnLastWindowClosed(True)
        QSettings().remove(CLOSE_ACTION_KEY)
        loop.close()
        del loop
        gc.collect()  # the loop's QObjects: destroyed here, in the Qt thread
    assert code == 0
    after = seen["status after close"]
    assert after["status"] == "running" and after["pid"] == seen["pid"]
    assert seen["asked"] == ["Quit OpsPanel?"]
    assert not psutil.pid_exists(seen["pid"])
    assert not api_file_path(ws_dir).exists()
