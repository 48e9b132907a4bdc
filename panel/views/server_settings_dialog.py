"""The server settings dialog: every field of the server block, validated before saving."""

from __future__ import annotations

import shlex
from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from panel.views.state_colors import BAD
from panel.workspace.errors import ConfigError
from panel.workspace.server_config import RESTART_POLICIES, ServerConfig


class ServerSettingsDialog(QDialog):
    """Edits a `ServerConfig`; Save calls `save(config, done)`; `done(ConfigError)` refuses.

    The command is typed as one line and split into an argv list the way a POSIX
    shell would split words (quotes group words); it is never run through a shell.
    """

    def __init__(
        self,
        config: ServerConfig,
        save: Callable[[ServerConfig, Callable[[ConfigError | None], None]], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Server settings"))
        self._save = save
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.command_edit = QLineEdit(shlex.join(config.command))
        self.command_edit.setToolTip(
            self.tr("Placeholders: {python} {port} {workspace} {resources}")
        )
        self.cwd_edit = QLineEdit(config.cwd or "")
        self.cwd_edit.setPlaceholderText(self.tr("the workspace folder"))
        self.env_edit = QPlainTextEdit("\n".join(f"{k}={v}" for k, v in config.env.items()))
        self.env_edit.setPlaceholderText(self.tr("KEY=value, one per line"))
        self.env_edit.setMaximumHeight(90)
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(config.port)
        self.health_edit = QLineEdit(config.health_url)
        self.autostart_check = QCheckBox(self.tr("Start the server when the panel starts"))
        self.autostart_check.setChecked(config.autostart)
        self.restart_combo = QComboBox()
        labels = {
            "never": self.tr("Never"),
            "on-failure": self.tr("On failure"),
            "always": self.tr("Always"),
        }
        for policy in RESTART_POLICIES:
            self.restart_combo.addItem(labels[policy], policy)
        self.restart_combo.setCurrentIndex(RESTART_POLICIES.index(config.restart))
        self.stop_timeout_spin = QSpinBox()
        self.stop_timeout_spin.setRange(0, 600_000)
        self.stop_timeout_spin.setSingleStep(500)
        self.stop_timeout_spin.setSuffix(" ms")
        self.stop_timeout_spin.setValue(config.stop_timeout_ms)
        self.ready_timeout_spin = QSpinBox()
        self.ready_timeout_spin.setRange(100, 600_000)
        self.ready_timeout_spin.setSingleStep(1000)
        self.ready_timeout_spin.setSuffix(" ms")
        self.ready_timeout_spin.setValue(config.ready_timeout_ms)
        form.addRow(self.tr("Command"), self.command_edit)
        form.addRow(self.tr("Working folder"), self.cwd_edit)
        form.addRow(self.tr("Environment"), self.env_edit)
        form.addRow(self.tr("Port"), self.port_spin)
        form.addRow(self.tr("Health URL"), self.health_edit)
        form.addRow("", self.autostart_check)
        form.addRow(self.tr("Restart"), self.restart_combo)
        form.addRow(self.tr("Stop timeout"), self.stop_timeout_spin)
        form.addRow(self.tr("Ready timeout"), self.ready_timeout_spin)
        layout.addLayout(form)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {BAD.name()};")
        self.error_label.setVisible(False)
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._base = config

    def config(self) -> ServerConfig:
        """The configuration as typed (may be invalid; the caller validates)."""
        try:
            command = shlex.split(self.command_edit.text())
        except ValueError as exc:
            raise ConfigError([("$.server.command", str(exc))]) from None
        env: dict[str, str] = {}
        for number, line in enumerate(self.env_edit.toPlainText().splitlines(), start=1):
            if not line.strip():
                continue
            key, sep, value = line.partition("=")
            if not sep or not key.strip():
                raise ConfigError([(f"$.server.env (line {number})", "expected KEY=value")])
            env[key.strip()] = value
        data = self._base.to_json() | {
            "command": command,
            "cwd": self.cwd_edit.text().strip() or None,
            "env": env,
            "port": self.port_spin.value(),
            "healthUrl": self.health_edit.text().strip(),
            "autostart": self.autostart_check.isChecked(),
            "restart": self.restart_combo.currentData(),
            "stopTimeoutMs": self.stop_timeout_spin.value(),
            "readyTimeoutMs": self.ready_timeout_spin.value(),
        }
        return ServerConfig.from_json(data)

    def _on_save(self) -> None:
        try:
            config = self.config()
        except ConfigError as exc:
            self._saved(exc)
            return
        self._save(config, self._saved)

    def _saved(self, error: ConfigError | None) -> None:
        if error is not None:
            self.error_label.setText("\n".join(f"{path}: {msg}" for path, msg in error.problems))
            self.error_label.setVisible(True)
            return
        self.accept()
