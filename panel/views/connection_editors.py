"""Editor dialogs for a connection, a block and a tag, validated by the worker's own parser.

Each dialog edits a plain dict in the workspace JSON shape. Before it accepts, the
edited object is checked inside its connection (`connection_problems`); the problems
are listed with their JSON paths and the dialog stays open. The forms are drawn in
`ui/connection_dialog.ui`, `ui/block_dialog.ui` and `ui/tag_dialog.ui`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QDialog, QListWidget, QPushButton, QWidget

from panel.connections.validation import connection_problems
from panel.connections.worker.config import AREAS, DRIVERS, FIXED_TYPES, KINDS
from panel.views.forms.ui_block_dialog import Ui_BlockDialog
from panel.views.forms.ui_connection_dialog import Ui_ConnectionDialog
from panel.views.forms.ui_tag_dialog import Ui_TagDialog

Problems = list[tuple[str, str]]
Items = list[dict[str, Any]]


def _choose(box: QComboBox, choices: tuple[str, ...], value: str) -> None:
    """Fill `box` with `choices` and select `value` when it is one of them."""
    box.addItems(list(choices))
    if value in choices:
        box.setCurrentText(value)


def _show_problems(label: Any, problems: Problems) -> bool:
    """List `problems` in `label` (False) or clear it (True)."""
    label.setText("\n".join(f"{path}: {text}" for path, text in problems))
    return not problems


class ChildList:
    """A form's list of child objects by name, with its Add, Edit and Remove buttons.

    `items` is edited in place; `edit(copy)` returns the edited child or None.
    """

    def __init__(
        self,
        widget: QListWidget,
        buttons: tuple[QPushButton, QPushButton, QPushButton],
        items: Items,
        edit: Callable[[dict[str, Any]], dict[str, Any] | None],
    ) -> None:
        self.widget, self.items, self._edit = widget, items, edit
        widget.addItems([str(i.get("name", "?")) for i in items])
        add, change, remove = buttons
        add.clicked.connect(lambda: self.edit(None))
        change.clicked.connect(lambda: self.edit(widget.currentRow()))
        remove.clicked.connect(self.remove)
        widget.itemDoubleClicked.connect(lambda _item: self.edit(widget.currentRow()))

    def edit(self, row: int | None) -> None:
        """Edit child `row` (None: a new one) and show its name."""
        if row is not None and not 0 <= row < len(self.items):
            return
        result = self._edit(copy.deepcopy(self.items[row]) if row is not None else {})
        if result is None:
            return
        if row is None:
            self.items.append(result)
            self.widget.addItem(str(result.get("name", "?")))
        else:
            self.items[row] = result
            self.widget.item(row).setText(str(result.get("name", "?")))

    def remove(self) -> None:
        """Remove the selected child."""
        row = self.widget.currentRow()
        if 0 <= row < len(self.items):
            del self.items[row]
            self.widget.takeItem(row)


def _set(data: dict[str, Any], key: str, value: Any, default: Any = None) -> None:
    if value is None or value == "" or value == default:
        data.pop(key, None)
    else:
        data[key] = value


class ConnectionDialog(QDialog, Ui_ConnectionDialog):
    """Edit one connection: driver, address, retry times, enabled, and its blocks."""

    def __init__(self, data: dict[str, Any] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setupUi(self)
        self._data = copy.deepcopy(data or {"id": "", "driver": "modbus_tcp", "blocks": []})
        d = self._data
        self.id_edit.setText(str(d.get("id", "")))
        _choose(self.driver_box, DRIVERS, d.get("driver", "modbus_tcp"))
        self.host_edit.setText(str(d.get("host", "127.0.0.1")))
        self.port_spin.setValue(int(d.get("port", 502)))
        self.endpoint_edit.setText(str(d.get("endpoint") or ""))
        self.unit_spin.setValue(int(d.get("unitId", 1)))
        self.timeout_spin.setValue(int(d.get("timeoutMs", 1000)))
        self.enabled_box.setChecked(bool(d.get("enabled", True)))
        self._blocks: Items = list(d.get("blocks", []))
        self.blocks_list = self.children_list
        self.blocks = ChildList(
            self.children_list,
            (self.add_button, self.edit_button, self.remove_button),
            self._blocks,
            self._edit_block,
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def _edit_block(self, block: dict[str, Any]) -> dict[str, Any] | None:
        dialog = BlockDialog(block, self.result_data(), self)
        return dialog.result_data() if dialog.exec() else None

    def result_data(self) -> dict[str, Any]:
        """The connection as edited."""
        d = copy.deepcopy(self._data)
        d["id"] = self.id_edit.text().strip()
        d["driver"] = self.driver_box.currentText()
        d["host"] = self.host_edit.text().strip()
        d["port"] = self.port_spin.value()
        _set(d, "endpoint", self.endpoint_edit.text().strip())
        d["unitId"] = self.unit_spin.value()
        d["timeoutMs"] = self.timeout_spin.value()
        d["enabled"] = self.enabled_box.isChecked()
        d["blocks"] = copy.deepcopy(self._blocks)
        return d

    def accept(self) -> None:
        if _show_problems(self.problems_label, connection_problems(self.result_data())):
            super().accept()


class BlockDialog(QDialog, Ui_BlockDialog):
    """Edit one block of `connection`: kind, area, range, period, enabled, and its tags."""

    def __init__(
        self, data: dict[str, Any], connection: dict[str, Any], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setupUi(self)
        self._data = copy.deepcopy(data)
        self._connection = connection
        self._original_name = data.get("name")
        d = self._data
        self.name_edit.setText(str(d.get("name", "")))
        _choose(self.kind_box, KINDS, d.get("kind", "read"))
        _choose(self.area_box, AREAS, d.get("area", "holding"))
        self.start_spin.setValue(int(d.get("start", 0)))
        self.count_spin.setValue(int(d.get("count", 1)))
        self.period_spin.setValue(int(d.get("periodMs", 1000)))
        self.enabled_box.setChecked(bool(d.get("enabled", True)))
        self._tags: Items = list(d.get("tags", []))
        self.tags_list = self.children_list
        self.tags = ChildList(
            self.children_list,
            (self.add_button, self.edit_button, self.remove_button),
            self._tags,
            self._edit_tag,
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def _edit_tag(self, tag: dict[str, Any]) -> dict[str, Any] | None:
        dialog = TagDialog(tag, self.result_data(), self._connection, self)
        return dialog.result_data() if dialog.exec() else None

    def result_data(self) -> dict[str, Any]:
        """The block as edited."""
        d = copy.deepcopy(self._data)
        d["name"] = self.name_edit.text().strip()
        d["kind"] = self.kind_box.currentText()
        d["area"] = self.area_box.currentText()
        d["start"] = self.start_spin.value()
        d["count"] = self.count_spin.value()
        d["periodMs"] = self.period_spin.value()
        d["enabled"] = self.enabled_box.isChecked()
        d["tags"] = copy.deepcopy(self._tags)
        return d

    def accept(self) -> None:
        block = self.result_data()
        blocks = [
            b for b in self._connection.get("blocks", []) if b.get("name") != self._original_name
        ]
        probe = {**self._connection, "blocks": [block, *blocks]}
        own = [(p, m) for p, m in connection_problems(probe) if p.startswith("$.blocks[0]")]
        if _show_problems(self.problems_label, own):
            super().accept()


TAG_TYPES = (*FIXED_TYPES, "string(8)", "auto")


class TagDialog(QDialog, Ui_TagDialog):
    """Edit one tag of `block`: offset, type, scaling, unit, deadband, writable, OPC UA node."""

    def __init__(
        self,
        data: dict[str, Any],
        block: dict[str, Any],
        connection: dict[str, Any],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setupUi(self)
        self._data = copy.deepcopy(data)
        self._block, self._connection = block, connection
        self._original_name = data.get("name")
        d = self._data
        self.name_edit.setText(str(d.get("name", "")))
        self.offset_spin.setValue(int(d.get("offset", 0)))
        _choose(self.type_box, TAG_TYPES, str(d.get("type", "uint16")))
        self.type_box.setCurrentText(str(d.get("type", "uint16")))
        self.scale_spin.setValue(float(d.get("scale", 1.0)))
        self.unit_edit.setText(str(d.get("unit", "")))
        self.node_edit.setText(str(d.get("node") or ""))
        self.writable_box.setChecked(bool(d.get("writable", False)))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def result_data(self) -> dict[str, Any]:
        """The tag as edited."""
        d = copy.deepcopy(self._data)
        d["name"] = self.name_edit.text().strip()
        d["offset"] = self.offset_spin.value()
        d["type"] = self.type_box.currentText().strip()
        _set(d, "scale", self.scale_spin.value(), 1.0)
        _set(d, "unit", self.unit_edit.text().strip())
        _set(d, "node", self.node_edit.text().strip())
        d["writable"] = self.writable_box.isChecked()
        return d

    def accept(self) -> None:
        tag = self.result_data()
        others = [t for t in self._block.get("tags", []) if t.get("name") != self._original_name]
        block = {**self._block, "tags": [tag, *others]}
        probe = {**self._connection, "blocks": [block]}
        own = [(p, m) for p, m in connection_problems(probe) if p.startswith("$.blocks[0].tags[0]")]
        if _show_problems(self.problems_label, own):
            super().accept()
