"""The service dialog: add a service, or edit one; every problem shown naming its field."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QListWidgetItem,
    QWidget,
)

from panel.views.forms.ui_service_dialog import Ui_ServiceDialog
from panel.workspace.errors import ConfigError
from panel.workspace.server_config import RESTART_POLICIES
from panel.workspace.service_config import Probe, ServiceConfig

Save = Callable[[dict[str, Any], Callable[[ConfigError | None], None]], None]
"""`save(service JSON, done)`: the view model's add (or configure of this service)."""

_FIELD_OF_KEY = {
    "name": "name",
    "command": "command",
    "cwd": "cwd",
    "env": "env",
    "port": "port",
    "readiness": "readiness",
    "liveness": "liveness",
    "autostart": "autostart",
    "restart": "restart",
    "stopTimeoutMs": "stop_timeout",
    "readyTimeoutMs": "ready_timeout",
    "startRetries": "start_retries",
    "memoryLimitMb": "memory",
    "after": "after",
}
"""The JSON key a problem's path names -> the dialog's field for it."""

_KEY_RE = re.compile(r"\.([A-Za-z]+)")
_SERVICE_PREFIX = re.compile(r"^\$\.services\[\d+\]")


class ServiceDialog(QDialog, Ui_ServiceDialog):
    """Edits one service's settings as JSON fields; Save calls `save(json, done)`.

    The command is typed as one line and split into an argv list the way a POSIX
    shell splits words (quotes group words); it is never run through a shell.
    A refused save keeps the dialog open with every problem listed by field, and
    the fields named marked.
    """

    def __init__(
        self,
        config: ServiceConfig | None,
        others: list[str],
        save: Save,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setupUi(self)  # ui/service_dialog.ui
        self._editing = config is not None
        self._save = save
        base = config or ServiceConfig(name="", command=[])
        self._base = base
        if self._editing:
            self.setWindowTitle(self.tr("Service settings: %1").replace("%1", base.name))
        self._fill(base, [n for n in others if n != base.name])
        self.buttons.accepted.connect(self._on_save)
        self.buttons.rejected.connect(self.reject)

    # ------------------------------------------------------------------ build

    def _fill(self, cfg: ServiceConfig, others: list[str]) -> None:
        self.name_edit.setText(cfg.name)
        self.name_edit.setReadOnly(self._editing)
        self.command_edit.setText(shlex.join(cfg.command))
        self.cwd_edit.setText(cfg.cwd or "")
        self.env_edit.setPlainText("\n".join(f"{k}={v}" for k, v in cfg.env.items()))
        self.port_spin.setValue(cfg.port or 0)
        self._probe_row(self.readiness_combo, self.readiness_edit, cfg.readiness, True)
        self._probe_row(self.liveness_combo, self.liveness_edit, cfg.liveness, False)
        self.autostart_check.setChecked(cfg.autostart)
        for policy, label in (
            ("never", self.tr("Never")),
            ("on-failure", self.tr("On failure")),
            ("always", self.tr("Always")),
        ):
            self.restart_combo.addItem(label, policy)
        self.restart_combo.setCurrentIndex(RESTART_POLICIES.index(cfg.restart))
        self.stop_timeout_spin.setValue(cfg.stop_timeout_ms)
        self.ready_timeout_spin.setValue(cfg.ready_timeout_ms)
        self.start_retries_spin.setValue(cfg.start_retries)
        self.memory_spin.setValue(cfg.memory_limit_mb or 0)
        for name in others:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = Qt.CheckState.Checked if name in cfg.after else Qt.CheckState.Unchecked
            item.setCheckState(checked)
            self.after_list.addItem(item)
        self.form.setRowVisible(self.after_list, bool(others))
        self.widgets: dict[str, QWidget] = {
            "name": self.name_edit,
            "command": self.command_edit,
            "cwd": self.cwd_edit,
            "env": self.env_edit,
            "port": self.port_spin,
            "readiness": self.readiness_edit,
            "liveness": self.liveness_edit,
            "autostart": self.autostart_check,
            "restart": self.restart_combo,
            "stop_timeout": self.stop_timeout_spin,
            "ready_timeout": self.ready_timeout_spin,
            "start_retries": self.start_retries_spin,
            "memory": self.memory_spin,
            "after": self.after_list,
        }
        self.titles = {
            "name": self.name_caption.text(),
            "command": self.command_caption.text(),
            "cwd": self.cwd_caption.text(),
            "env": self.env_caption.text(),
            "port": self.port_caption.text(),
            "readiness": self.readiness_caption.text(),
            "liveness": self.liveness_caption.text(),
            "autostart": self.tr("Autostart"),
            "restart": self.restart_caption.text(),
            "stop_timeout": self.stop_caption.text(),
            "ready_timeout": self.ready_caption.text(),
            "start_retries": self.retries_caption.text(),
            "memory": self.memory_caption.text(),
            "after": self.after_caption.text(),
        }

    def _probe_row(
        self, combo: QComboBox, edit: QLineEdit, probe: Probe | None, readiness: bool
    ) -> None:
        kinds = [
            ("none", self.tr("None")),
            ("http", self.tr("HTTP URL answers 2xx")),
            ("tcp", self.tr("TCP port accepts")),
        ]
        if readiness:
            kinds.append(("log", self.tr("Output line matches")))
        for kind, label in kinds:
            combo.addItem(label, kind)
        edit.setText("" if probe is None or probe.target is None else str(probe.target))
        kind = probe.kind if probe is not None else "none"
        combo.setCurrentIndex(max(0, combo.findData(kind)))

        def placeholder() -> None:
            texts = {
                "http": "http://127.0.0.1:{port}/health",
                "tcp": self.tr("port"),
                "log": self.tr("regular expression, e.g. ready"),
            }
            current = str(combo.currentData())
            edit.setPlaceholderText(texts.get(current, ""))
            edit.setEnabled(current != "none")

        combo.currentIndexChanged.connect(placeholder)
        placeholder()

    # ------------------------------------------------------------------ values

    def config_json(self) -> dict[str, Any]:
        """The service as typed, as JSON fields; `ConfigError` naming a field typed wrongly."""
        problems: list[tuple[str, str]] = []
        name = self.name_edit.text().strip()
        if not name:
            problems.append(("$.name", self.tr("a service needs a name")))
        try:
            command = shlex.split(self.command_edit.text())
        except ValueError as exc:
            problems.append(("$.command", str(exc)))
            command = []
        if not command and not any(p[0] == "$.command" for p in problems):
            problems.append(("$.command", self.tr("a service needs a command")))
        env: dict[str, str] = {}
        for number, line in enumerate(self.env_edit.toPlainText().splitlines(), start=1):
            if not line.strip():
                continue
            key, sep, value = line.partition("=")
            if not sep or not key.strip():
                problems.append(
                    ("$.env", self.tr("line %1: expected KEY=value").replace("%1", str(number)))
                )
                continue
            env[key.strip()] = value
        readiness = self._probe("readiness", self.readiness_combo, self.readiness_edit, problems)
        liveness = self._probe("liveness", self.liveness_combo, self.liveness_edit, problems)
        if problems:
            raise ConfigError(problems)
        after = [
            self.after_list.item(i).text()
            for i in range(self.after_list.count())
            if self.after_list.item(i).checkState() == Qt.CheckState.Checked
        ]
        port = self.port_spin.value()
        memory = self.memory_spin.value()
        return self._base.to_json() | {
            "name": name,
            "command": command,
            "cwd": self.cwd_edit.text().strip() or None,
            "env": env,
            "port": port or None,
            "readiness": readiness if readiness is not None else "none",
            "liveness": liveness,
            "autostart": self.autostart_check.isChecked(),
            "restart": self.restart_combo.currentData(),
            "stopTimeoutMs": self.stop_timeout_spin.value(),
            "readyTimeoutMs": self.ready_timeout_spin.value(),
            "startRetries": self.start_retries_spin.value(),
            "memoryLimitMb": memory or None,
            "after": after,
        }

    def _probe(
        self, key: str, combo: QComboBox, edit: QLineEdit, problems: list[tuple[str, str]]
    ) -> Any:
        kind = str(combo.currentData())
        target = edit.text().strip()
        if kind == "none":
            return None
        if not target:
            problems.append((f"$.{key}.{kind}", self.tr("give the probe's target")))
            return None
        if kind == "tcp":
            if not target.isdigit() or not 1 <= int(target) <= 65535:
                problems.append((f"$.{key}.tcp", self.tr("a port is a number from 1 to 65535")))
                return None
            return {"tcp": int(target)}
        return {kind: target}

    # ------------------------------------------------------------------ saving

    def _on_save(self) -> None:
        try:
            data = self.config_json()
        except ConfigError as exc:
            self._saved(exc)
            return
        self._set_busy(True)
        self._save(data, self._saved)

    def _set_busy(self, busy: bool) -> None:
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(not busy)
        save.setText(self.tr("Saving…") if busy else self.tr("Save"))

    def _saved(self, error: ConfigError | None) -> None:
        self._set_busy(False)
        for widget in self.widgets.values():
            _mark(widget, False)
        if error is None:
            self.accept()
            return
        lines = []
        for path, message in error.problems:
            field = field_of(path)
            if field is not None:
                _mark(self.widgets[field], True)
                lines.append(f"{self.titles[field]}: {message}")
            else:
                lines.append(f"{path}: {message}" if path != "$" else message)
        self.error_label.setText("\n".join(lines))
        self.error_label.setVisible(True)

    def invalid_fields(self) -> list[str]:
        """The fields the last refused save marked (for the operator: a red border)."""
        return [k for k, w in self.widgets.items() if w.property("invalid")]


def field_of(path: str) -> str | None:
    """The dialog field a problem's JSON path names (`$.services[2].readiness.log` ->
    `readiness`); None for a path naming no field."""
    for key in _KEY_RE.findall(_SERVICE_PREFIX.sub("", path)):
        if key in _FIELD_OF_KEY:
            return _FIELD_OF_KEY[key]
    return None


def _mark(widget: QWidget, invalid: bool) -> None:
    """A field a refused save named gets the stylesheet's red border (`invalid` property)."""
    widget.setProperty("invalid", invalid)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
