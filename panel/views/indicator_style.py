"""Fusion with check box and radio button frames that show on a dark palette.

Fusion outlines an indicator in the window colour made darker, which on a dark
window is all but the base colour inside it: an unchecked box disappears. This style
draws Fusion's indicator, then a frame in a colour that stands out from the window
in either scheme. Likewise a toggle button that is on (Logs' Follow): Fusion shades
it a little darker, which a dark palette all but hides; there it is tinted with the
highlight colour.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleFactory, QStyleOption, QWidget

_FRAMED = (
    QStyle.PrimitiveElement.PE_IndicatorCheckBox,
    QStyle.PrimitiveElement.PE_IndicatorRadioButton,
)


class FramedIndicatorStyle(QProxyStyle):
    """Fusion, with indicator frames visible on a dark palette (light ones unchanged)."""

    def __init__(self) -> None:
        super().__init__(QStyleFactory.create("Fusion"))

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element in _FRAMED and _is_dark(option.palette):
            _frame(element, option, painter)
        elif (
            element == QStyle.PrimitiveElement.PE_PanelButtonCommand
            and option.state & QStyle.StateFlag.State_On
            and _is_dark(option.palette)
        ):
            _tint(option, painter)


def _is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def _tint(option: QStyleOption, painter: QPainter) -> None:
    """A toggle that is on: the highlight colour over its face, and as its outline."""
    highlight = QColor(option.palette.color(QPalette.ColorRole.Highlight))
    rect = QRectF(option.rect).adjusted(1.5, 1.5, -1.5, -1.5)
    fill = QColor(highlight)
    fill.setAlpha(150)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(highlight, 1.0))
    painter.setBrush(fill)
    painter.drawRoundedRect(rect, 2.0, 2.0)
    painter.restore()


def _frame(element: QStyle.PrimitiveElement, option: QStyleOption, painter: QPainter) -> None:
    enabled = bool(option.state & QStyle.StateFlag.State_Enabled)
    role = QPalette.ColorRole.PlaceholderText if enabled else QPalette.ColorRole.Light
    colour = QColor(option.palette.color(role))
    rect = QRectF(option.rect).adjusted(0.5, 0.5, -0.5, -0.5)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(colour, 1.0))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if element == QStyle.PrimitiveElement.PE_IndicatorRadioButton:
        painter.drawEllipse(rect)
    else:
        painter.drawRoundedRect(rect, 2.0, 2.0)
    painter.restore()
