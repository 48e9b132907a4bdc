"""Light and dark palettes: follow the system, or force one."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication

SCHEMES = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}


def apply_color_scheme(scheme: str) -> None:
    """`system` follows the desktop's light/dark setting; `light` or `dark` forces one."""
    hints = QGuiApplication.styleHints()
    if scheme in SCHEMES:
        hints.setColorScheme(SCHEMES[scheme])
    else:
        hints.unsetColorScheme()


def apply_saved_color_scheme() -> None:
    """Apply the scheme chosen in an earlier session (default: follow the system)."""
    apply_color_scheme(str(QSettings().value("theme", "system")))
