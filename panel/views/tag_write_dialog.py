"""A dialog to write one value to a writable tag, checked against the tag's type first,
that waits for the write's one answer and says what it was."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from panel.connections.values import check_value, parse_text
from panel.connections.worker.config import BlockConfig, TagConfig
from panel.connections.worker.writes import UNKNOWN
from panel.connections.write_answer import WriteAnswer
from panel.views.forms.ui_tag_write_dialog import Ui_TagWriteDialog

Send = Callable[[Any, Callable[[WriteAnswer], None]], None]
"""`send(value, done)`: the model's write; `done(answer)` runs exactly once."""


class TagWriteDialog(QDialog, Ui_TagWriteDialog):
    """Asks for a value, validates it for the tag's type and range, then calls `send`.

    It closes once the device confirmed the write; when the write failed (not applied)
    or its outcome is unknown (sent, no answer: the device may have applied it), it
    stays open and says so. An answer that comes after the dialog was closed is dropped.
    """

    def __init__(
        self,
        conn_id: str,
        block: BlockConfig,
        tag: TagConfig,
        current: Any,
        send: Send,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._block, self._tag, self._send = block, tag, send
        self._waiting = False
        self._closed = False
        self.setupUi(self)  # ui/tag_write_dialog.ui
        self.setWindowTitle(self.tr("Write %1").replace("%1", tag.name))
        self.conn_label.setText(conn_id)
        self.tag_label.setText(tag.name)
        self.type_label.setText(tag.type + (f" ({tag.unit})" if tag.unit else ""))
        self.value_edit.setText("" if current is None else str(current))
        self.value_edit.setPlaceholderText(tag.type)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Write"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.value_edit.textChanged.connect(self._validate)
        self._validate()

    def value(self) -> Any:
        """The typed value, parsed and checked; raises ValueError."""
        return check_value(self._block, self._tag, parse_text(self._tag, self.value_edit.text()))

    def _validate(self) -> bool:
        try:
            self.value()
        except ValueError as exc:
            self.error_label.setText(str(exc))
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
            return False
        self.error_label.clear()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        return True

    def accept(self) -> None:
        if self._waiting or not self._validate():
            return
        self._waiting = True
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self.error_label.setText(self.tr("Writing…"))
        self._send(self.value(), self._on_answer)

    def done(self, result: int) -> None:
        self._waiting = False
        self._closed = True
        super().done(result)

    def _on_answer(self, answer: WriteAnswer) -> None:
        if self._closed:
            return
        self._waiting = False
        if answer.ok:
            super().accept()
            return
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        if answer.outcome == UNKNOWN:
            text = self.tr("Outcome unknown: sent, not answered; the device may have applied it.")
        else:
            text = self.tr("Not written: %1").replace("%1", answer.error)
        if answer.outcome == UNKNOWN and answer.error:
            text += "\n" + answer.error
        self.error_label.setText(text)
