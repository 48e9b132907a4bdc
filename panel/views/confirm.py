"""Asking before an action that stops something: Yes or Cancel, Cancel the default."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def confirmed(parent: QWidget, title: str, text: str) -> bool:
    """Ask `text` (Yes / Cancel, Cancel preselected); True when the operator said Yes."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes
