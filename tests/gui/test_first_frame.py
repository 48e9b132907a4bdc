"""The window is on screen before its engine exists, and becomes the engine's window."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

import qasync
from PySide6.QtWidgets import QApplication, QLabel, QListWidget, QProgressBar

from panel.app import AppRunner, _show_first_frame
from panel.single_instance import SingleInstance
from panel.views.main_window import MainWindow
from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.workspace import Workspace

TIMEOUT_S = 30.0


def _texts(window: MainWindow) -> list[str]:
    return [label.text() for label in window.findChildren(QLabel) if label.isVisible()]


def _sidebar(window: MainWindow) -> list[str]:
    found = window.findChildren(QListWidget, "sidebar")
    return [found[0].item(i).text() for i in range(found[0].count())] if found else []


def test_the_first_frame_says_starting_then_the_same_window_shows_the_engine(
    qapp: QApplication, tmp_path: Path
) -> None:
    ws_dir = tmp_path / "ws"
    ws = Workspace.open(ws_dir)
    config = demo_server_config().to_json() | {"autostart": False}
    ws.save_server_config(ServerConfig.from_json(config))
    instance = SingleInstance(ws_dir)
    assert instance.claim()

    window = _show_first_frame(qapp, instance)  # no engine, no event loop yet
    assert window.isVisible() and window.windowTitle() == "OpsPanel"
    assert "Starting the engine…" in _texts(window)
    busy = window.findChildren(QProgressBar)
    assert busy and busy[0].isVisible() and busy[0].maximum() == 0  # a busy bar, no figure
    assert _sidebar(window) == []  # nothing to click before there is an engine

    runner = AppRunner(ws, instance, headless=False, window=window)
    seen: dict[str, object] = {}

    async def operator() -> None:
        deadline = asyncio.get_running_loop().time() + TIMEOUT_S
        while runner.window is None:
            assert asyncio.get_running_loop().time() < deadline, "the window never bound"
            await asyncio.sleep(0.02)
        seen["window"] = runner.window
        seen["sidebar"] = _sidebar(window)
        seen["texts"] = _texts(window)
        seen["icon"] = not window.windowIcon().isNull()  # set once the engine is there

    async def app() -> int:
        scenario = asyncio.ensure_future(operator())
        scenario.add_done_callback(lambda _: runner.quit())
        code = await runner.run()
        await scenario
        return code

    loop = qasync.QEventLoop(qapp)
    try:
        code = loop.run_until_complete(asyncio.wait_for(app(), 90))
    finally:
        QApplication.setQuitOnLastWindowClosed(True)
        loop.close()
        del loop
        gc.collect()
    assert code == 0
    assert seen["window"] is window  # the same window, not a splash replaced by another
    assert seen["sidebar"][:2] == ["Overview", "Server"]
    assert "Starting the engine…" not in seen["texts"]
    assert seen["icon"]
