"""Light and dark palettes: follow the system, or force one.

Forcing a scheme through the style hints alone does nothing on X11 or offscreen
(no platform theme answers it), so a forced scheme also sets an explicit Fusion
palette; following the system gives the style's own palette back.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

SCHEMES = {"light": Qt.ColorScheme.Light, "dark": Qt.ColorScheme.Dark}

Role = QPalette.ColorRole

_DARK = {
    Role.Window: "#2b2d31",
    Role.WindowText: "#e6e6e6",
    Role.Base: "#1e1f22",
    Role.AlternateBase: "#26282c",
    Role.ToolTipBase: "#3a3d42",
    Role.ToolTipText: "#e6e6e6",
    Role.PlaceholderText: "#8c8f94",
    Role.Text: "#e6e6e6",
    Role.Button: "#35373c",
    Role.ButtonText: "#e6e6e6",
    Role.BrightText: "#ff6b6b",
    Role.Light: "#4a4d52",
    Role.Midlight: "#3d4045",
    Role.Mid: "#2f3136",
    Role.Dark: "#1a1b1e",
    Role.Shadow: "#000000",
    Role.Highlight: "#3d7bd9",
    Role.HighlightedText: "#ffffff",
    Role.Link: "#6ea8fe",
    Role.LinkVisited: "#b197fc",
}
_DARK_DISABLED = {Role.WindowText: "#7a7d82", Role.Text: "#7a7d82", Role.ButtonText: "#7a7d82"}

_system_style: str | None = None
"""The style the application started with, given back when following the system."""


def _fusion() -> None:
    global _system_style
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    if _system_style is None:
        _system_style = app.style().name()
    if app.style().name().lower() != "fusion":
        app.setStyle(QStyleFactory.create("Fusion"))


def dark_palette() -> QPalette:
    """The forced dark palette (Fusion's roles, dark colours)."""
    palette = QPalette()
    for role, colour in _DARK.items():
        palette.setColor(role, QColor(colour))
    for role, colour in _DARK_DISABLED.items():
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
    return palette


def light_palette() -> QPalette:
    """The forced light palette: Fusion's own standard palette."""
    style = QStyleFactory.create("Fusion")
    return style.standardPalette()


def apply_color_scheme(scheme: str) -> None:
    """`system` follows the desktop's light/dark setting; `light` or `dark` forces one."""
    hints = QGuiApplication.styleHints()
    app = QApplication.instance()
    if scheme in SCHEMES:
        hints.setColorScheme(SCHEMES[scheme])
        _fusion()
        QApplication.setPalette(dark_palette() if scheme == "dark" else light_palette())
        return
    hints.unsetColorScheme()
    if (
        isinstance(app, QApplication)
        and _system_style is not None
        and app.style().name().lower() != _system_style.lower()
    ):
        app.setStyle(QStyleFactory.create(_system_style))
    QApplication.setPalette(QPalette())  # an empty palette gives the platform's back


def saved_color_scheme() -> str:
    """The scheme chosen in an earlier session: `system`, `light` or `dark`."""
    value = str(QSettings().value("theme", "system"))
    return value if value in SCHEMES else "system"


def apply_saved_color_scheme() -> None:
    """Apply the scheme chosen in an earlier session (default: follow the system)."""
    apply_color_scheme(saved_color_scheme())
