"""Light and dark palettes: follow the system, or force one.

Forcing a scheme through the style hints alone does nothing on X11 or offscreen
(no platform theme answers it), so every choice sets an explicit Fusion palette:
the forced one, or for `system` the one matching the scheme Qt reports (light
where it reports none), followed when the desktop switches.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from panel.util.paths import ui_dir
from panel.views import ui_settings

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

_LIGHT = {
    Role.Window: "#efefef",
    Role.WindowText: "#000000",
    Role.Base: "#ffffff",
    Role.AlternateBase: "#f7f7f7",
    Role.ToolTipBase: "#ffffdc",
    Role.ToolTipText: "#000000",
    Role.PlaceholderText: "#80000000",
    Role.Text: "#000000",
    Role.Button: "#efefef",
    Role.ButtonText: "#000000",
    Role.BrightText: "#ffffff",
    Role.Light: "#ffffff",
    Role.Midlight: "#cacaca",
    Role.Mid: "#b8b8b8",
    Role.Dark: "#9f9f9f",
    Role.Shadow: "#767676",
    Role.Highlight: "#308cc6",
    Role.HighlightedText: "#ffffff",
    Role.Link: "#0000ff",
    Role.LinkVisited: "#ff00ff",
    Role.Accent: "#308cc6",
    Role.NoRole: "#000000",
}
"""Fusion's own standard palette, written out: asking the style for it would load
PySide's QStyle type (about 10 ms) before the window's first frame."""
_LIGHT_DISABLED = {
    Role.WindowText: "#bebebe",
    Role.Text: "#bebebe",
    Role.ButtonText: "#bebebe",
    Role.Dark: "#bebebe",
    Role.Base: "#efefef",
    Role.Shadow: "#b1b1b1",
    Role.Highlight: "#919191",
    Role.Accent: "#919191",
}


def use_framed_style() -> None:
    """Fusion with indicator frames that show on a dark palette (`FramedIndicatorStyle`).

    The application starts on plain Fusion (`-style fusion`), and its window's first
    frame has no check box to frame: the window installs this when its pages come.
    """
    from panel.views.indicator_style import FramedIndicatorStyle

    app = QApplication.instance()
    if isinstance(app, QApplication) and not isinstance(app.style(), FramedIndicatorStyle):
        app.setStyle(FramedIndicatorStyle())


def _palette(
    colours: dict[QPalette.ColorRole, str], disabled: dict[QPalette.ColorRole, str]
) -> QPalette:
    palette = QPalette()
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role, colour in disabled.items():
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(colour))
    return palette


def dark_palette() -> QPalette:
    """The forced dark palette (Fusion's roles, dark colours)."""
    return _palette(_DARK, _DARK_DISABLED)


def light_palette() -> QPalette:
    """The forced light palette: Fusion's own standard palette."""
    return _palette(_LIGHT, _LIGHT_DISABLED)


def stylesheet_path() -> Path:
    """The window's one stylesheet (spacing and alignment; colours from the palette)."""
    return ui_dir() / "opspanel.qss"


def stylesheet() -> str:
    """The stylesheet's text; empty when the file is missing (the window still works)."""
    try:
        return stylesheet_path().read_text(encoding="utf-8")
    except OSError:
        return ""


def system_is_dark() -> bool:
    """True when the platform reports a dark scheme (X11 and offscreen report none)."""
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def effective_scheme(scheme: str) -> str:
    """`light` or `dark`: the forced one, or the system's (light when it says nothing)."""
    if scheme in SCHEMES:
        return scheme
    return "dark" if system_is_dark() else "light"


def apply_color_scheme(scheme: str) -> None:
    """`system` follows the desktop's light/dark setting; `light` or `dark` forces one.

    Either way the Fusion style gets an explicit palette, so the choice shows on every
    platform, and open windows repaint at once; the stylesheet is set again so that its
    palette(...) colours are the new ones."""
    use_framed_style()
    apply_palette(scheme)


def apply_palette(scheme: str) -> None:
    """`apply_color_scheme` but for the style: the palette and the stylesheet only."""
    global _current
    _current = scheme
    hints = QGuiApplication.styleHints()
    if scheme in SCHEMES:
        hints.setColorScheme(SCHEMES[scheme])
    else:
        hints.unsetColorScheme()
        _follow_system_changes()
    dark = effective_scheme(scheme) == "dark"
    QApplication.setPalette(dark_palette() if dark else light_palette())
    app = QApplication.instance()
    if isinstance(app, QApplication):
        app.setStyleSheet(stylesheet())


_current = "system"
_following = False


def _follow_system_changes() -> None:
    """Once: when the desktop switches light/dark, follow it while `system` is chosen."""
    global _following
    if _following:
        return
    _following = True
    QGuiApplication.styleHints().colorSchemeChanged.connect(_on_system_scheme_changed)


def _on_system_scheme_changed(_scheme: Qt.ColorScheme) -> None:
    if _current == "system":
        dark = system_is_dark()
        QApplication.setPalette(dark_palette() if dark else light_palette())


def saved_color_scheme() -> str:
    """The scheme chosen in an earlier session: `system`, `light` or `dark`."""
    value = str(QSettings().value(ui_settings.THEME, "system"))
    return value if value in SCHEMES else "system"


def save_color_scheme(scheme: str) -> None:
    """Remember `scheme` (`system`, `light` or `dark`) for the next sessions."""
    QSettings().setValue(ui_settings.THEME, scheme if scheme in SCHEMES else "system")


def apply_saved_color_scheme() -> None:
    """Apply the scheme chosen in an earlier session (default: follow the system)."""
    apply_color_scheme(saved_color_scheme())
