"""`SessionOptionsDialog`: the settings of a new runner session, as `session.create` takes them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from panel.sessions.config import CONFIG_SCHEMA, MAX_MINUTES, SessionConfig
from panel.sessions.languages import LANGUAGES as KNOWN_LANGUAGES

LANGUAGES = tuple(lang.name for lang in KNOWN_LANGUAGES)
"""Languages of `run_code` the runner knows (each runs where its toolchain is installed)."""

MEMORY_MIN_MB, MEMORY_MAX_MB = 16, 1_048_576
"""The range `session.create` accepts for memoryLimitMB."""


def _schema_range(key: str) -> tuple[int, int]:
    prop = CONFIG_SCHEMA["properties"][key]
    return int(prop["minimum"]), int(prop["maximum"])


class SessionOptionsDialog(QDialog):
    """Language, idle timeout, lifetime, limits and network access of a new session.

    The ranges are those of the API's schema, so what the dialog lets through
    `session.create` accepts. Commands get no network unless it is ticked. The
    languages offered are those the engine's machine can run (`available`, as
    `session.list` says); the others are named beneath, as not installed there.
    """

    def __init__(
        self, parent: QWidget | None = None, available: Sequence[str] | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New session"))
        defaults = SessionConfig()
        runnable = [name for name in LANGUAGES if available is None or name in available]
        self.language = QComboBox()
        for name in runnable or ["python"]:  # the runner itself is Python: never none
            self.language.addItem(name, name)
        missing = [name for name in LANGUAGES if name not in runnable and runnable]
        text = self.tr("Not on the engine's machine: %1")
        self.missing = QLabel(text.replace("%1", ", ".join(missing)))
        self.missing.setVisible(bool(missing))
        self.idle = self._minutes(defaults.idle_timeout_minutes)
        self.idle.setToolTip(self.tr("The session is closed after this long without a command."))
        self.lifetime = self._minutes(defaults.max_lifetime_minutes)
        self.lifetime.setToolTip(self.tr("The session is closed this long after it started."))
        self.memory = QSpinBox()
        self.memory.setRange(MEMORY_MIN_MB, MEMORY_MAX_MB)
        self.memory.setSingleStep(64)
        self.memory.setValue(defaults.memory_limit_mb)
        self.memory.setSuffix(self.tr(" MB"))
        self.memory.setToolTip(self.tr("Address-space limit of every command the session runs."))
        self.processes = QSpinBox()
        self.processes.setRange(*_schema_range("maxProcesses"))
        self.processes.setValue(defaults.max_processes)
        self.processes.setToolTip(self.tr("Processes a command may run at once, its own included."))
        self.disk = QSpinBox()
        self.disk.setRange(*_schema_range("diskLimitMB"))
        self.disk.setValue(defaults.disk_limit_mb)
        self.disk.setSuffix(self.tr(" MB"))
        self.disk.setToolTip(self.tr("The most the session folder may hold."))
        self.network = QCheckBox(self.tr("Network access"))
        self.network.setChecked(defaults.network)
        self.network.setToolTip(self.tr("Off: commands see no network at all, not even loopback."))
        form = QFormLayout()
        form.addRow(self.tr("Code language"), self.language)
        form.addRow("", self.missing)
        form.addRow(self.tr("Idle timeout"), self.idle)
        form.addRow(self.tr("Lifetime"), self.lifetime)
        form.addRow(self.tr("Memory limit"), self.memory)
        form.addRow(self.tr("Process limit"), self.processes)
        form.addRow(self.tr("Disk limit"), self.disk)
        form.addRow("", self.network)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.create_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText(self.tr("Create"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(buttons)

    def _minutes(self, value: float) -> QSpinBox:
        box = QSpinBox()
        box.setRange(1, MAX_MINUTES)
        box.setValue(int(value))
        box.setSuffix(self.tr(" min"))
        return box

    def params(self) -> dict[str, Any]:
        """The `session.create` params the dialog shows."""
        return {
            "language": self.language.currentData(),
            "idleTimeoutMinutes": self.idle.value(),
            "maxLifetimeMinutes": self.lifetime.value(),
            "memoryLimitMB": self.memory.value(),
            "maxProcesses": self.processes.value(),
            "diskLimitMB": self.disk.value(),
            "network": self.network.isChecked(),
        }
