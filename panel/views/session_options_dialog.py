"""`SessionOptionsDialog`: the settings of a new runner session, as `session.create` takes them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QWidget

from panel.sessions.config import CONFIG_SCHEMA, MAX_MINUTES, SessionConfig
from panel.sessions.languages import LANGUAGES as KNOWN_LANGUAGES
from panel.views.forms.ui_session_options_dialog import Ui_SessionOptionsDialog

LANGUAGES = tuple(lang.name for lang in KNOWN_LANGUAGES)
"""Languages of `run_code` the runner knows (each runs where its toolchain is installed)."""

MEMORY_MIN_MB, MEMORY_MAX_MB = 16, 1_048_576
"""The range `session.create` accepts for memoryLimitMB."""


def _schema_range(key: str) -> tuple[int, int]:
    prop = CONFIG_SCHEMA["properties"][key]
    return int(prop["minimum"]), int(prop["maximum"])


class SessionOptionsDialog(QDialog, Ui_SessionOptionsDialog):
    """Language, idle timeout, lifetime, limits and network access of a new session.

    The ranges are those of the API's schema, so what the dialog lets through
    `session.create` accepts. Commands get no network unless it is ticked. The
    languages offered are those the engine's machine can run (`available`, as
    `session.list` says); the others are named beneath, as not installed there.
    The form is `ui/session_options_dialog.ui`; the ranges and defaults come from here.
    """

    def __init__(
        self, parent: QWidget | None = None, available: Sequence[str] | None = None
    ) -> None:
        super().__init__(parent)
        self.setupUi(self)
        defaults = SessionConfig()
        runnable = [name for name in LANGUAGES if available is None or name in available]
        for name in runnable or ["python"]:  # the runner itself is Python: never none
            self.language.addItem(name, name)
        missing = [name for name in LANGUAGES if name not in runnable and runnable]
        text = self.tr("Not on the engine's machine: %1")
        self.missing.setText(text.replace("%1", ", ".join(missing)))
        self.missing.setVisible(bool(missing))
        for box, value in (
            (self.idle, defaults.idle_timeout_minutes),
            (self.lifetime, defaults.max_lifetime_minutes),
        ):
            box.setRange(1, MAX_MINUTES)
            box.setValue(int(value))
        self.memory.setRange(MEMORY_MIN_MB, MEMORY_MAX_MB)
        self.memory.setValue(defaults.memory_limit_mb)
        self.processes.setRange(*_schema_range("maxProcesses"))
        self.processes.setValue(defaults.max_processes)
        self.disk.setRange(*_schema_range("diskLimitMB"))
        self.disk.setValue(defaults.disk_limit_mb)
        self.network.setChecked(defaults.network)
        self.create_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText(self.tr("Create"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

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
