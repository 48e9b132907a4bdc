"""Adding, editing and removing services through the Services page's dialog."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

from panel.views.main_window import MainWindow
from panel.views.services.dialog import ServiceDialog, field_of
from tests.gui.dialogs import message_boxes_answered, standard_button
from tests.gui.services.parts import CHILD, NAMES, TIMEOUT_MS

YES = standard_button(QMessageBox.StandardButton.Yes)


def _open_add(window: MainWindow, qtbot: QtBot) -> ServiceDialog:
    view = window.services_view
    qtbot.waitUntil(lambda: view.model.rowCount() == len(NAMES), timeout=TIMEOUT_MS)
    view.add_button.click()
    dialog = view.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "Add a service"
    return dialog


def _save(dialog: ServiceDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def test_add_refuses_a_bad_field_naming_it_then_edit_and_remove(
    services_window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    view = services_window.services_view
    dialog = _open_add(services_window, qtbot)
    command = [sys.executable, str(CHILD), str(tmp_path / "stamps.txt"), "extra", "log"]
    dialog.name_edit.setText("extra")
    dialog.command_edit.setText(shlex.join(command))
    dialog.readiness_combo.setCurrentIndex(dialog.readiness_combo.findData("log"))
    dialog.readiness_edit.setText("ready(")  # not a regular expression
    after = dialog.after_list.findItems("worker", Qt.MatchFlag.MatchExactly)[0]
    after.setCheckState(Qt.CheckState.Checked)
    _save(dialog)
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=TIMEOUT_MS)  # the engine said no
    assert dialog.isVisible()
    assert dialog.error_label.text().startswith("Readiness: not a regular expression")
    assert dialog.invalid_fields() == ["readiness"]
    assert "extra" not in view.services.names()  # nothing stored

    dialog.readiness_edit.setText("ready")
    with qtbot.waitSignal(dialog.accepted, timeout=TIMEOUT_MS):
        _save(dialog)
    qtbot.waitUntil(lambda: view.model.row_of("extra") == len(NAMES), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: view.selected() is not None and view.selected().name == "extra")  # type: ignore[union-attr]
    fields = view.details.fields
    assert fields["after"].text() == "worker"
    assert fields["readiness"].text() == "log /ready/"
    assert fields["command"].text().endswith("extra log")

    view.edit_button.click()
    dialog = view.dialog  # type: ignore[assignment]
    assert dialog is not None and dialog.name_edit.isReadOnly()
    assert dialog.windowTitle() == "Service settings: extra"
    assert dialog.readiness_edit.text() == "ready"
    dialog.memory_spin.setValue(256)
    dialog.autostart_check.setChecked(False)
    with qtbot.waitSignal(dialog.accepted, timeout=TIMEOUT_MS):
        _save(dialog)
    qtbot.waitUntil(lambda: fields["memory"].text() == "256 MB", timeout=TIMEOUT_MS)
    assert fields["autostart"].text() == "no"
    assert view.services.config("extra").memory_limit_mb == 256  # type: ignore[union-attr]

    with message_boxes_answered(YES) as asked:
        view.remove_button.click()
        qtbot.waitUntil(lambda: view.model.row_of("extra") < 0, timeout=TIMEOUT_MS)
    assert asked == ["Remove extra?"]
    assert view.services.names() == NAMES


def test_the_dialog_names_what_is_missing_before_asking_the_engine(
    services_window: MainWindow, qtbot: QtBot
) -> None:
    dialog = _open_add(services_window, qtbot)
    dialog.readiness_combo.setCurrentIndex(dialog.readiness_combo.findData("tcp"))
    dialog.readiness_edit.setText("http")
    _save(dialog)
    assert dialog.isVisible()
    lines = dialog.error_label.text().splitlines()
    assert lines == [
        "Name: a service needs a name",
        "Command: a service needs a command",
        "Readiness: a port is a number from 1 to 65535",
    ]
    assert dialog.invalid_fields() == ["name", "command", "readiness"]


def test_a_name_taken_already_is_refused_on_the_name(
    services_window: MainWindow, qtbot: QtBot
) -> None:
    dialog = _open_add(services_window, qtbot)
    dialog.name_edit.setText("worker")
    dialog.command_edit.setText("sleep 60")
    _save(dialog)
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=TIMEOUT_MS)
    assert "exists already" in dialog.error_label.text()
    assert dialog.invalid_fields() == ["name"]
    dialog.reject()


def test_the_server_cannot_be_removed_and_says_so(
    services_window: MainWindow, qtbot: QtBot
) -> None:
    view = services_window.services_view
    qtbot.waitUntil(lambda: view.model.row_of("server") >= 0, timeout=TIMEOUT_MS)
    view.select("server")
    assert not view.remove_button.isEnabled()
    assert view.remove_button.toolTip() == "The server cannot be removed"


def test_a_problem_path_names_the_dialog_field() -> None:
    assert field_of("$.services[4].readiness.log") == "readiness"
    assert field_of("$.services[1].after[0]") == "after"
    assert field_of("$.memoryLimitMb") == "memory"
    assert field_of("$.services[2]") is None
    assert field_of("$") is None


def test_the_keyboard_opens_the_dialogs(services_window: MainWindow, qtbot: QtBot) -> None:
    view = services_window.services_view
    qtbot.waitUntil(lambda: view.model.rowCount() == len(NAMES), timeout=TIMEOUT_MS)
    services_window.activateWindow()  # asynchronous: keys reach only an active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is services_window, timeout=TIMEOUT_MS)
    view.select("worker")
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert view.dialog is not None and view.dialog.windowTitle() == "Add a service"
    view.dialog.reject()
    qtbot.waitUntil(lambda: view.dialog is None)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_F2)
    assert view.dialog is not None and view.dialog.windowTitle() == "Service settings: worker"
    view.dialog.reject()
