"""The About dialog: version, licence, and the licences of the components it runs on."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version

from PySide6.QtCore import qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from panel import __version__

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
)


def _component_version(dist: str) -> str:
    if not dist:
        return qVersion()
    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


class AboutDialog(QDialog):
    """Shows what this OpsPanel is and what it is made of."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About OpsPanel"))
        layout = QVBoxLayout(self)
        rows = "".join(
            f"<tr><td>{name}</td><td>{_component_version(dist)}</td><td>{lic}</td></tr>"
            for name, dist, lic in COMPONENTS
        )
        text = (
            f"<h2>OpsPanel {__version__}</h2>"
            + "<p>"
            + self.tr("A control panel for the Python back end on this machine.")
            + "</p><p>"
            + self.tr("Licensed under the MIT licence.")
            + f" Python {platform.python_version()}.</p><p><b>"
            + self.tr("Components")
            + f"</b></p><table cellspacing='6'>{rows}</table>"
        )
        label = QLabel(text)
        label.setObjectName("aboutText")
        layout.addWidget(label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
