"""The server settings dialog: every field of the server block, validated before saving."""

from __future__ import annotations

import shlex
from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QWidget

from panel.views.forms.ui_server_settings_dialog import Ui_ServerSettingsDialog
from panel.workspace.errors import ConfigError
from panel.workspace.server_config import RESTART_POLICIES, ServerConfig


class ServerSettingsDialog(QDialog, Ui_ServerSettingsDialog):
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
        self.setupUi(self)  # ui/server_settings_dialog.ui
        self._save = save
        self.command_edit.setText(shlex.join(config.command))
        self.cwd_edit.setText(config.cwd or "")
        self.env_edit.setPlainText("\n".join(f"{k}={v}" for k, v in config.env.items()))
        self.port_spin.setValue(config.port)
        self.health_edit.setText(config.health_url)
        self.autostart_check.setChecked(config.autostart)
        labels = {
            "never": self.tr("Never"),
            "on-failure": self.tr("On failure"),
            "always": self.tr("Always"),
        }
        for policy in RESTART_POLICIES:
            self.restart_combo.addItem(labels[policy], policy)
        self.restart_combo.setCurrentIndex(RESTART_POLICIES.index(config.restart))
        self.stop_timeout_spin.setValue(config.stop_timeout_ms)
        self.ready_timeout_spin.setValue(config.ready_timeout_ms)
        self.buttons.accepted.connect(self._on_save)
        self.buttons.rejected.connect(self.reject)
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
