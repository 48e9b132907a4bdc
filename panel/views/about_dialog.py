"""The About dialog: version, licence, and the licences of the components it runs on."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QDialog, QWidget

from panel import __version__
from panel.views.forms.ui_about_dialog import Ui_AboutDialog

COMPONENTS: tuple[tuple[str, str, str], ...] = (
    ("Qt", "", "LGPL-3.0"),
    ("PySide6", "PySide6-Essentials", "LGPL-3.0"),
    ("qasync", "qasync", "BSD-2-Clause"),
    ("psutil", "psutil", "BSD-3-Clause"),
    ("websockets", "websockets", "BSD-3-Clause"),
    ("jsonschema", "jsonschema", "MIT"),
    ("platformdirs", "platformdirs", "MIT"),
    ("FastAPI", "fastapi", "MIT"),
    ("uvicorn", "uvicorn", "BSD-3-Clause"),
    ("pymodbus", "pymodbus", "BSD-3-Clause"),
    ("asyncua", "asyncua", "LGPL-3.0"),
    ("Eclipse Paho MQTT", "paho-mqtt", "EPL-2.0 OR BSD-3-Clause"),
    ("amqtt", "amqtt", "MIT"),
    ("h11", "h11", "MIT"),
    ("croniter", "croniter", "MIT"),
    ("cryptography", "cryptography", "Apache-2.0 OR BSD-3-Clause"),
)


def _component_version(dist: str) -> str:
    if not dist:
        return qVersion()
    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


class AboutDialog(QDialog, Ui_AboutDialog):
    """Shows what this OpsPanel is and what it is made of (ui/about_dialog.ui)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setupUi(self)
        self.heading_label.setText(f"OpsPanel {__version__}")
        self.licence_label.setText(
            self.licence_label.text() + f" Python {platform.python_version()}."
        )
        rows = "".join(
            f"<tr><td>{name}</td><td>{_component_version(dist)}</td><td>{lic}</td></tr>"
            for name, dist, lic in COMPONENTS
        )
        self.components_label.setText(f"<table cellspacing='6'>{rows}</table>")
        self.buttons.rejected.connect(self.reject)
