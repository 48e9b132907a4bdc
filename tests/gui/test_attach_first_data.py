"""An attached window knows when every page shows its engine's state (the start-up report)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from panel.viewmodels.models import remote_models
from panel.viewmodels.remote.endpoint import workspace_endpoint
from panel.viewmodels.remote.first_data import FirstData
from panel.viewmodels.remote.link import RemoteLink
from panel.views.main_window import MainWindow
from panel.workspace.workspace import Workspace
from tests.gui.attached import HeadlessProcess

TIMEOUT_MS = 30_000


def test_populated_means_the_pages_show_the_engines_connections_and_jobs(
    tmp_path: Path, qtbot: QtBot
) -> None:
    with Workspace.open(tmp_path / "ws", seed_demo=True) as ws:
        ws.save_server_config(replace(ws.server_config(), autostart=False))
    engine = HeadlessProcess(tmp_path / "ws")
    engine.start()
    link = RemoteLink(workspace_endpoint(engine.workspace))
    try:
        window = MainWindow(remote_models(link), None)
        qtbot.addWidget(window)
        first = FirstData(link)
        with qtbot.waitSignal(first.sig_arrived, timeout=TIMEOUT_MS):
            link.open()
            window.show()
        # What the page shows at that moment is what the engine has.
        shown_conns = window.connections_view.list.rowCount()
        shown_jobs = len(window.models.jobs.jobs())
        shown_status = window.server_view.status_label.text()
        answers: dict[str, Any] = {}
        with qtbot.waitSignal(link.sig_answered, timeout=TIMEOUT_MS):
            link.call("conns.list", {}, lambda r: answers.update(conns=r))
        with qtbot.waitSignal(link.sig_answered, timeout=TIMEOUT_MS):
            link.call("jobs.list", {}, lambda r: answers.update(jobs=r))
        assert shown_conns == len(answers["conns"]["connections"]) > 0
        assert shown_jobs == len(answers["jobs"]["jobs"]) > 0
        assert shown_status != ""
    finally:
        link.close()
        engine.stop()
