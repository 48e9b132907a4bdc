"""Editor dialogs for a connection, a block and a tag, validated by the worker's own parser.

Each dialog edits a plain dict in the workspace JSON shape. Before it accepts, the
edited object is checked inside its connection (`connection_problems`); the problems
are listed with their JSON paths and the dialog stays open.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from panel.connections.validation import connection_problems
from panel.connections.worker.config import AREAS, DRIVERS, FIXED_TYPES, KINDS

Problems = list[tuple[str, str]]


class _EditorDialog(QDialog):
    """A form over a dict plus an optional list of children, with a problems label."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet("color: #d6403a")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(self.form)

    def finish_layout(self) -> None:
        self.layout_.addWidget(self.problems_label)
        self.layout_.addWidget(self.buttons)

    def line(self, label: str, value: Any) -> QLineEdit:
        edit = QLineEdit("" if value is None else str(value))
        self.form.addRow(label, edit)
        return edit

    def spin(self, label: str, value: Any, low: int, high: int) -> QSpinBox:
        box = QSpinBox()
        box.setRange(low, high)
        box.setValue(int(value))
        self.form.addRow(label, box)
        return box

    def combo(self, label: str, choices: tuple[str, ...], value: str) -> QComboBox:
        box = QComboBox()
        box.addItems(list(choices))
        box.setEditable(False)
        if value in choices:
            box.setCurrentText(value)
        self.form.addRow(label, box)
        return box

    def check(self, label: str, value: bool) -> QCheckBox:
        box = QCheckBox()
        box.setChecked(value)
        self.form.addRow(label, box)
        return box

    def show_problems(self, problems: Problems) -> bool:
        """List `problems` (False) or clear the label (True)."""
        self.problems_label.setText("\n".join(f"{path}: {text}" for path, text in problems))
        return not problems

    def children_list(
        self, title: str, items: list[dict[str, Any]], edit: Callable[[dict[str, Any]], Any]
    ) -> QListWidget:
        """A list of child objects by name with Add / Edit / Remove buttons."""
        widget = QListWidget()
        widget.addItems([str(i.get("name", "?")) for i in items])
        row = QHBoxLayout()
        for text, slot in (
            (self.tr("Add…"), lambda: self._child_edit(widget, items, edit, None)),
            (self.tr("Edit…"), lambda: self._child_edit(widget, items, edit, widget.currentRow())),
            (self.tr("Remove"), lambda: self._child_remove(widget, items)),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
        self.layout_.addWidget(QLabel(title))
        self.layout_.addWidget(widget)
        self.layout_.addLayout(row)
        widget.itemDoubleClicked.connect(
            lambda _item: self._child_edit(widget, items, edit, widget.currentRow())
        )
        return widget

    @staticmethod
    def _child_edit(
        widget: QListWidget,
        items: list[dict[str, Any]],
        edit: Callable[[dict[str, Any]], Any],
        row: int | None,
    ) -> None:
        if row is not None and not 0 <= row < len(items):
            return
        result = edit(copy.deepcopy(items[row]) if row is not None else {})
        if result is None:
            return
        if row is None:
            items.append(result)
            widget.addItem(str(result.get("name", "?")))
        else:
            items[row] = result
            widget.item(row).setText(str(result.get("name", "?")))

    @staticmethod
    def _child_remove(widget: QListWidget, items: list[dict[str, Any]]) -> None:
        row = widget.currentRow()
        if 0 <= row < len(items):
            del items[row]
            widget.takeItem(row)


def _set(data: dict[str, Any], key: str, value: Any, default: Any = None) -> None:
    if value is None or value == "" or value == default:
        data.pop(key, None)
    else:
        data[key] = value


class ConnectionDialog(_EditorDialog):
    """Edit one connection: driver, address, retry times, enabled, and its blocks."""

    def __init__(self, data: dict[str, Any] | None = None, parent: QWidget | None = None):
        super().__init__(self.tr("Connection"), parent)
        self._data = copy.deepcopy(data or {"id": "", "driver": "modbus_tcp", "blocks": []})
        d = self._data
        self.id_edit = self.line(self.tr("Id"), d.get("id", ""))
        self.driver_box = self.combo(self.tr("Driver"), DRIVERS, d.get("driver", "modbus_tcp"))
        self.host_edit = self.line(self.tr("Host"), d.get("host", "127.0.0.1"))
        self.port_spin = self.spin(self.tr("Port"), d.get("port", 502), 1, 65535)
        self.endpoint_edit = self.line(self.tr("Endpoint (OPC UA)"), d.get("endpoint"))
        self.unit_spin = self.spin(self.tr("Unit id"), d.get("unitId", 1), 0, 255)
        self.timeout_spin = self.spin(self.tr("Timeout (ms)"), d.get("timeoutMs", 1000), 1, 600000)
        self.enabled_box = self.check(self.tr("Enabled"), bool(d.get("enabled", True)))
        self._blocks: list[dict[str, Any]] = list(d.get("blocks", []))
        self.blocks_list = self.children_list(self.tr("Blocks"), self._blocks, self._edit_block)
        self.finish_layout()

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
        if self.show_problems(connection_problems(self.result_data())):
            super().accept()


class BlockDialog(_EditorDialog):
    """Edit one block of `connection`: kind, area, range, period, enabled, and its tags."""

    def __init__(
        self, data: dict[str, Any], connection: dict[str, Any], parent: QWidget | None = None
    ):
        super().__init__(self.tr("Block"), parent)
        self._data = copy.deepcopy(data)
        self._connection = connection
        self._original_name = data.get("name")
        d = self._data
        self.name_edit = self.line(self.tr("Name"), d.get("name", ""))
        self.kind_box = self.combo(self.tr("Kind"), KINDS, d.get("kind", "read"))
        self.area_box = self.combo(self.tr("Area"), AREAS, d.get("area", "holding"))
        self.start_spin = self.spin(self.tr("Start address"), d.get("start", 0), 0, 65535)
        self.count_spin = self.spin(self.tr("Count"), d.get("count", 1), 1, 65536)
        self.period_spin = self.spin(self.tr("Period (ms)"), d.get("periodMs", 1000), 0, 86400000)
        self.enabled_box = self.check(self.tr("Enabled"), bool(d.get("enabled", True)))
        self._tags: list[dict[str, Any]] = list(d.get("tags", []))
        self.tags_list = self.children_list(self.tr("Tags"), self._tags, self._edit_tag)
        self.finish_layout()

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
        if self.show_problems(own):
            super().accept()


TAG_TYPES = (*FIXED_TYPES, "string(8)", "auto")


class TagDialog(_EditorDialog):
    """Edit one tag of `block`: offset, type, scaling, unit, deadband, writable, OPC UA node."""

    def __init__(
        self,
        data: dict[str, Any],
        block: dict[str, Any],
        connection: dict[str, Any],
        parent: QWidget | None = None,
    ):
        super().__init__(self.tr("Tag"), parent)
        self._data = copy.deepcopy(data)
        self._block, self._connection = block, connection
        self._original_name = data.get("name")
        d = self._data
        self.name_edit = self.line(self.tr("Name"), d.get("name", ""))
        self.offset_spin = self.spin(self.tr("Offset"), d.get("offset", 0), 0, 65535)
        self.type_box = self.combo(self.tr("Type"), TAG_TYPES, d.get("type", "uint16"))
        self.type_box.setEditable(True)
        self.type_box.setCurrentText(str(d.get("type", "uint16")))
        self.scale_spin = QDoubleSpinBox()
        self.scale_spin.setRange(-1e9, 1e9)
        self.scale_spin.setDecimals(6)
        self.scale_spin.setValue(float(d.get("scale", 1.0)))
        self.form.addRow(self.tr("Scale"), self.scale_spin)
        self.unit_edit = self.line(self.tr("Unit"), d.get("unit", ""))
        self.node_edit = self.line(self.tr("Node id (OPC UA)"), d.get("node"))
        self.writable_box = self.check(self.tr("Writable"), bool(d.get("writable", False)))
        self.finish_layout()

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
        if self.show_problems(own):
            super().accept()
