"""The window's icons: one SVG set (resources/icons/ui) drawn in the palette's text colour.

Each SVG strokes with `currentColor`; it is rendered with the current palette's
WindowText colour (and its Disabled colour for the disabled state), so one file serves
the light and the dark scheme. Call again after a palette change (the window does).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from panel.util.paths import resources_dir

NAMES = (
    "overview",
    "server",
    "services",
    "connections",
    "jobs",
    "sessions",
    "logs",
    "audit",
    "start",
    "stop",
    "restart",
    "add",
    "edit",
    "remove",
    "settings",
)
SIZES = (16, 20, 24, 32, 48)


def icon_dir() -> Path:
    """Where the SVG files are (inside the bundle, or the source tree)."""
    return resources_dir() / "icons" / "ui"


@cache
def _svg(name: str) -> str:
    return (icon_dir() / f"{name}.svg").read_text(encoding="utf-8")


def _renderer(name: str, colour: QColor) -> QSvgRenderer:
    data = _svg(name).replace("currentColor", colour.name())
    return QSvgRenderer(QByteArray(data.encode("utf-8")))


def _render(renderer: QSvgRenderer, size: int, ratio: float) -> QPixmap:
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    renderer.render(painter, QRectF(0, 0, pixmap.width(), pixmap.height()))
    painter.end()
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def _ratio() -> float:
    screen = QGuiApplication.primaryScreen()
    return screen.devicePixelRatio() if screen is not None else 1.0


def themed_icon(name: str, badge: QColor | None = None) -> QIcon:
    """The icon `name` in the palette's text colour; with a state dot in a corner when
    `badge` is given (the sidebar: what the page is, and how it is doing)."""
    palette = QGuiApplication.palette()
    normal = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText)
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
    ratio = _ratio()
    icon = QIcon()
    # One parse of the SVG per colour, drawn at every size.
    renderers = [(QIcon.Mode.Normal, _renderer(name, normal))]
    renderers.append((QIcon.Mode.Disabled, _renderer(name, disabled)))
    for size in SIZES:
        for mode, renderer in renderers:
            pixmap = _render(renderer, size, ratio)
            if badge is not None:
                _paint_badge(pixmap, badge, size)
            icon.addPixmap(pixmap, mode)
    return icon


def _paint_badge(pixmap: QPixmap, colour: QColor, size: int) -> None:
    """A filled dot with a ring of the window colour at the bottom right."""
    diameter = size * 0.5
    ring = max(1.0, size / 16)
    rect = QRectF(size - diameter, size - diameter, diameter, diameter).adjusted(
        ring / 2, ring / 2, -ring / 2, -ring / 2
    )
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QGuiApplication.palette().color(QPalette.ColorRole.Base))
    pen = painter.pen()
    pen.setWidthF(ring)
    painter.setPen(pen)
    painter.setBrush(colour)
    painter.drawEllipse(rect)
    painter.end()
