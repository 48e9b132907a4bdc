"""What the page-state tests share: how to read a state dot's colour, and a failing command."""

from __future__ import annotations

import sys

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QLabel

TIMEOUT_MS = 30_000
"""Generous: an attached window waits for a subprocess engine on a busy machine."""

FAILING = [
    sys.executable,
    "-c",
    "import sys; print('no config file', file=sys.stderr); sys.exit(1)",
]
"""A command that says what is wrong on stderr and exits with code 1."""


def pixmap_color(pixmap: QPixmap) -> QColor:
    """The colour in the middle of a state dot's pixmap."""
    image = pixmap.toImage()
    return QColor(image.pixelColor(image.width() // 2, image.height() // 2).rgb())


def label_color(label: QLabel) -> QColor:
    """The colour of the dot a QLabel shows."""
    return pixmap_color(label.pixmap())


def icon_color(icon: QIcon, size: int = 16) -> QColor:
    """The colour of a state dot drawn as an icon."""
    return pixmap_color(icon.pixmap(size, size))


def decoration_color(index: QModelIndex | QPersistentModelIndex) -> QColor:
    """The colour of the dot a table cell carries beside its text."""
    decoration = index.data(Qt.ItemDataRole.DecorationRole)
    if isinstance(decoration, QIcon):
        return icon_color(decoration)
    assert isinstance(decoration, QPixmap), f"no dot in the cell: {decoration!r}"
    return pixmap_color(decoration)
