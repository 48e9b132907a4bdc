"""Add an engine to the list: a name, a workspace folder or URL, and the paths it needs."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from panel.views.state_colors import BAD

AddEngine = Callable[[str, str, str, str, str], str | None]
"""(name, target, token file, TLS CA file, SSH config file) -> None, or one sentence why not."""


class AddEngineDialog(QDialog):
    """Name and target of a new engine; OK calls `add`, and stays open with its sentence
    when the target is malformed (or the name taken). Tokens are never typed here: a
    wss:// engine's token stays in its file, an ssh:// one's key with the SSH agent."""

    def __init__(self, add: AddEngine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add an engine"))
        self.setMinimumWidth(520)
        self._add = add
        self.name_edit = QLineEdit()
        self.target_edit = QLineEdit()
        self.target_edit.setPlaceholderText(
            self.tr("a workspace folder, wss://host:port or ssh://user@host/folder")
        )
        self.token_edit = QLineEdit()
        self.token_edit.setPlaceholderText(self.tr("wss:// only: the file holding the token"))
        self.ca_edit = QLineEdit()
        self.ca_edit.setPlaceholderText(self.tr("wss:// only: the certificate or CA to trust"))
        self.ssh_edit = QLineEdit()
        self.ssh_edit.setPlaceholderText(self.tr("ssh:// only: an ssh configuration file"))
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Workspace or URL"), self._with_browse(self.target_edit, folder=True))
        form.addRow(self.tr("Token file"), self._with_browse(self.token_edit))
        form.addRow(self.tr("TLS CA file"), self._with_browse(self.ca_edit))
        form.addRow(self.tr("SSH config"), self._with_browse(self.ssh_edit))
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setStyleSheet(f"color: {BAD.name()};")
        self.error_label.setVisible(False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_ok)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def _with_browse(self, edit: QLineEdit, folder: bool = False) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit, 1)
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(lambda: self._browse(edit, folder))
        row.addWidget(browse)
        return box

    def _browse(self, edit: QLineEdit, folder: bool) -> None:
        if folder:
            path = QFileDialog.getExistingDirectory(self, self.tr("Workspace folder"))
        else:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a file"))
        if path:
            edit.setText(path)

    def _on_ok(self) -> None:
        problem = self._add(
            self.name_edit.text(),
            self.target_edit.text(),
            self.token_edit.text(),
            self.ca_edit.text(),
            self.ssh_edit.text(),
        )
        if problem is None:
            self.accept()
            return
        self.error_label.setText(problem)
        self.error_label.setVisible(True)
