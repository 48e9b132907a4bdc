"""Server settings from the window: validated before saving; a taken port offers a way out."""

from __future__ import annotations

import socket

from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from panel.engine import Engine
from panel.server.status import ServerStatus
from panel.viewmodels.local.engine import LocalEngineModel
from panel.viewmodels.local.server import LocalServerModel
from panel.views.server_settings_dialog import ServerSettingsDialog
from panel.views.server_view import ServerView

TIMEOUT_MS = 30_000


def _save(dialog: ServerSettingsDialog) -> None:
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    save = buttons.button(QDialogButtonBox.StandardButton.Save)
    save.click()


def test_invalid_settings_are_refused_with_the_field_named(engine: Engine, qtbot: QtBot) -> None:
    before = engine.workspace.server_config()
    dialog = ServerSettingsDialog(engine.server.config, LocalServerModel(engine).save_config)
    qtbot.addWidget(dialog)
    dialog.command_edit.setText("{python} -m uvicorn app:app --port {prot}")
    dialog.env_edit.setPlainText("GOOD=1\nnot an assignment")
    _save(dialog)
    assert dialog.error_label.isVisibleTo(dialog)
    assert "$.server.env" in dialog.error_label.text()
    assert engine.workspace.server_config() == before

    dialog.env_edit.setPlainText("GOOD=1")
    _save(dialog)
    assert "$.server.command" in dialog.error_label.text()
    assert "prot" in dialog.error_label.text()
    assert engine.workspace.server_config() == before


def test_valid_settings_are_saved_and_used(engine: Engine, qtbot: QtBot) -> None:
    dialog = ServerSettingsDialog(engine.server.config, LocalServerModel(engine).save_config)
    qtbot.addWidget(dialog)
    dialog.env_edit.setPlainText("GREETING=hello world")
    dialog.stop_timeout_spin.setValue(2500)
    with qtbot.waitSignal(dialog.accepted, timeout=TIMEOUT_MS):
        _save(dialog)
    saved = engine.workspace.server_config()
    assert saved.env == {"GREETING": "hello world"} and saved.stop_timeout_ms == 2500
    assert engine.server.config == saved


def test_taken_port_shows_the_holder_and_starts_on_the_suggested_one(
    engine: Engine, qtbot: QtBot, free_port: int
) -> None:
    view = ServerView(LocalServerModel(engine), LocalEngineModel(engine))
    qtbot.addWidget(view)
    view.show()
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", free_port))
        holder.listen()
        view.start_button.click()
        assert view.status_label.text() == "Error"
        assert view.conflict_banner.isVisible()
        assert f"Port {free_port}" in view.conflict_label.text()
        assert view.use_port_button.isVisible()
        view.use_port_button.click()
        qtbot.waitUntil(lambda: engine.server.status() == ServerStatus.RUNNING, timeout=TIMEOUT_MS)
    assert engine.workspace.server_config().port != free_port
    assert view.port_label.text() == str(engine.workspace.server_config().port)
    assert not view.conflict_banner.isVisible()
