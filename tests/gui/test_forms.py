"""The dialogs drawn in Qt Designer (ui/*.ui): filled from the data, checked, translated."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLabel, QListWidget, QPushButton
from pytestqt.qtbot import QtBot

from panel.views.about_dialog import AboutDialog
from panel.views.connection_editors import BlockDialog, ChildList, ConnectionDialog, TagDialog
from tests.unit.test_translations import QM

ROOT = Path(__file__).resolve().parents[2]
CONNECTION: dict[str, Any] = {
    "id": "press-1",
    "driver": "modbus_tcp",
    "host": "10.0.0.7",
    "port": 1502,
    "unitId": 3,
    "timeoutMs": 800,
    "enabled": False,
    "blocks": [
        {
            "name": "process",
            "kind": "read",
            "area": "holding",
            "start": 100,
            "count": 4,
            "periodMs": 250,
            "tags": [
                {"name": "temperature", "offset": 0, "type": "float32", "unit": "°C"},
                {"name": "setpoint", "offset": 2, "type": "float32", "writable": True},
            ],
        }
    ],
}


@pytest.fixture
def korean(qapp: QApplication) -> Iterator[None]:
    translator = QTranslator()
    assert translator.load(QLocale("ko_KR"), "opspanel", "_", str(QM.parent))
    qapp.installTranslator(translator)
    yield
    qapp.removeTranslator(translator)


def test_every_view_form_is_a_designer_file_that_a_dialog_uses() -> None:
    forms = sorted(p.stem for p in (ROOT / "ui").glob("*.ui"))
    assert {"tag_write_dialog", "server_settings_dialog", "connection_dialog"} <= set(forms)
    views = "".join(
        p.read_text() for p in (ROOT / "panel" / "views").rglob("*.py") if "forms" not in p.parts
    )
    unused = [f for f in forms if f"panel.views.forms.ui_{f} import" not in views]
    assert unused == []


def test_the_connection_form_shows_the_connection_and_gives_it_back(qtbot: QtBot) -> None:
    dialog = ConnectionDialog(CONNECTION)
    qtbot.addWidget(dialog)
    assert dialog.id_edit.text() == "press-1"
    assert dialog.host_edit.text() == "10.0.0.7"
    assert (dialog.port_spin.value(), dialog.unit_spin.value()) == (1502, 3)
    assert dialog.timeout_spin.value() == 800
    assert not dialog.enabled_box.isChecked()
    assert [dialog.blocks_list.item(i).text() for i in range(dialog.blocks_list.count())] == [
        "process"
    ]
    assert dialog.result_data() == CONNECTION


def test_a_bad_connection_is_refused_with_the_field_named(qtbot: QtBot) -> None:
    dialog = ConnectionDialog(CONNECTION)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.id_edit.setText("")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible()  # stays open
    assert "$.id" in dialog.problems_label.text()
    dialog.id_edit.setText("press-2")
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.result_data()["id"] == "press-2"


def test_a_tag_outside_its_block_is_refused(qtbot: QtBot) -> None:
    block = CONNECTION["blocks"][0]
    tag = block["tags"][1]
    dialog = TagDialog(tag, block, CONNECTION)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.type_box.currentText() == "float32" and dialog.writable_box.isChecked()
    dialog.offset_spin.setValue(60)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible()
    assert "$.blocks[0].tags[0]" in dialog.problems_label.text()


def test_the_block_form_lists_its_tags(qtbot: QtBot) -> None:
    dialog = BlockDialog(CONNECTION["blocks"][0], CONNECTION)
    qtbot.addWidget(dialog)
    assert dialog.kind_box.currentText() == "read" and dialog.area_box.currentText() == "holding"
    assert (dialog.start_spin.value(), dialog.count_spin.value()) == (100, 4)
    assert dialog.period_spin.value() == 250
    names = [dialog.tags_list.item(i).text() for i in range(dialog.tags_list.count())]
    assert names == ["temperature", "setpoint"]


def test_a_child_list_adds_edits_and_removes(qtbot: QtBot) -> None:
    widget = QListWidget()
    qtbot.addWidget(widget)
    buttons = (QPushButton("Add"), QPushButton("Edit"), QPushButton("Remove"))
    items: list[dict[str, Any]] = [{"name": "a"}]
    answers: list[dict[str, Any] | None] = [{"name": "b"}, None, {"name": "a2"}]
    children = ChildList(widget, buttons, items, lambda _child: answers.pop(0))
    buttons[0].click()  # add b
    widget.setCurrentRow(0)
    buttons[1].click()  # edit a, cancelled
    children.edit(0)  # edit a into a2
    assert [i["name"] for i in items] == ["a2", "b"]
    assert [widget.item(i).text() for i in range(widget.count())] == ["a2", "b"]
    widget.setCurrentRow(1)
    buttons[2].click()
    assert items == [{"name": "a2"}] and widget.count() == 1


def test_the_forms_read_in_korean(qtbot: QtBot, korean: None) -> None:
    block = CONNECTION["blocks"][0]
    dialog = TagDialog(block["tags"][0], block, CONNECTION)
    qtbot.addWidget(dialog)
    captions = {label.objectName(): label.text() for label in dialog.findChildren(QLabel)}
    assert captions["writable_caption"] == "쓰기 가능"
    assert dialog.windowTitle() == "태그"
    assert ConnectionDialog(CONNECTION).add_button.text() == "추가…"


def test_about_names_the_version_and_the_components(qtbot: QtBot) -> None:
    from panel import __version__

    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    assert dialog.heading_label.text() == f"OpsPanel {__version__}"
    assert "Python 3." in dialog.licence_label.text()
    table = dialog.components_label.text()
    assert "pymodbus" in table and "LGPL-3.0" in table and "?" not in table
