"""The frame the small QPainter charts share: a rounded border on the base colour."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QWidget


def paint_chart_frame(painter: QPainter, widget: QWidget) -> QRectF:
    """Turn on antialiasing and draw `widget`'s rounded frame; returns the framed rect."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pal = widget.palette()
    rect = QRectF(widget.rect()).adjusted(1, 1, -1, -1)
    painter.setPen(QPen(pal.mid().color(), 1))
    painter.setBrush(pal.base())
    painter.drawRoundedRect(rect, 4, 4)
    return rect
