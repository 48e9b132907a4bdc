"""Connections as a compact grid of tiles: state colour and word, last update, bad tags."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from panel.connections.status import ConnectionSnapshot
from panel.views.conn_states import CONN_COLORS, conn_state_label
from panel.views.format import format_span
from panel.views.state_colors import BAD

if TYPE_CHECKING:
    from panel.viewmodels.connections import ConnectionsModel

TILE_WIDTH = 210
REFRESH_MS = 1000
"""Tiles are re-read once a second at most (ages move on; values may change 100 times)."""


@dataclass(frozen=True)
class TileFigures:
    """What one tile shows of a connection."""

    conn_id: str
    state_word: str
    color_name: str
    updated_age: float | None
    """Seconds since its newest tag value (None: no value yet)."""
    bad_tags: int
    tags: int


def tile_figures(snap: ConnectionSnapshot, values: list[dict[str, Any]], now: float) -> TileFigures:
    """A tile's figures from a connection's snapshot and its latest tag values."""
    stamps = [float(v["ts"]) for v in values if isinstance(v.get("ts"), int | float)]
    tags = max(snap.tags, len(values))
    good = sum(1 for v in values if v.get("quality") == "good")
    return TileFigures(
        snap.id,
        conn_state_label(snap.state),
        CONN_COLORS[snap.state].name(),
        max(0.0, now - max(stamps)) if stamps else None,
        tags - good if values else 0,
        tags,
    )


class ConnectionTile(QFrame):
    """One connection: its id, a coloured state word, when it last updated, bad tags.

    A click asks for the Connections page with this connection selected."""

    sig_clicked = Signal(str)
    """(connection id) the operator clicked the tile."""

    def __init__(self, conn_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conn_id = conn_id
        self.setObjectName("connectionTile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFixedWidth(TILE_WIDTH)
        self.name_label = QLabel(f"<b>{conn_id}</b>")
        self.state_label = QLabel()
        self.age_label = QLabel()
        self.tags_label = QLabel()
        column = QVBoxLayout(self)
        column.setContentsMargins(10, 6, 8, 6)
        column.setSpacing(2)
        for label in (self.name_label, self.state_label, self.age_label, self.tags_label):
            column.addWidget(label)

    def show_figures(self, figures: TileFigures) -> None:
        """Paint the tile from `figures` (the state word next to its colour, never alone)."""
        self.setStyleSheet(
            f"QFrame#connectionTile {{ border-left: 5px solid {figures.color_name}; }}"
        )
        self.state_label.setText(
            f"<span style='color:{figures.color_name}'>●</span> {figures.state_word}"
        )
        if figures.updated_age is None:
            age = self.tr("no value yet")
        else:
            age = self.tr("updated %1 ago").replace("%1", format_span(figures.updated_age))
        self.age_label.setText(age)
        if figures.updated_age is None:
            tags = self.tr("%1 tags, waiting for values").replace("%1", str(figures.tags))
            self.tags_label.setText(tags)
        elif figures.bad_tags:
            tags = self.tr("%1 of %2 tags not good")
            tags = tags.replace("%1", str(figures.bad_tags)).replace("%2", str(figures.tags))
            self.tags_label.setText(f"<span style='color:{BAD.name()}'>{tags}</span>")
        else:
            tags = self.tr("all %1 tags good").replace("%1", str(figures.tags))
            self.tags_label.setText(tags)
        self.setAccessibleName(", ".join([figures.conn_id, figures.state_word, age, tags]))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.sig_clicked.emit(self.conn_id)
        super().mouseReleaseEvent(event)


class ConnectionTiles(QWidget):
    """A tile per connection, as many per row as the width holds; an empty state that
    says what to do. Re-read at most once a second, while shown."""

    sig_open = Signal(str)
    """(connection id) open the Connections page on this connection."""

    def __init__(self, model: ConnectionsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.tiles: dict[str, ConnectionTile] = {}
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(8)
        self.empty_label = QLabel(
            self.tr("No connections yet: Add one or Load CSV on the Connections page.")
        )
        self.empty_label.setWordWrap(True)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.empty_label)
        column.addLayout(self.grid)
        self._columns = 0
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self._now = QTimer(self, singleShot=True, interval=0)
        self._now.timeout.connect(self.refresh)
        model.sig_changed.connect(self.rebuild)
        model.sig_status.connect(self._soon)
        self.rebuild()

    def rebuild(self) -> None:
        """Make a tile per connection (after connections were added or removed)."""
        ids = self._model.ids()
        for conn_id in list(self.tiles):
            if conn_id not in ids:
                self.tiles.pop(conn_id).deleteLater()
        for conn_id in ids:
            if conn_id not in self.tiles:
                tile = ConnectionTile(conn_id)
                tile.sig_clicked.connect(self.sig_open)
                self.tiles[conn_id] = tile
        self.empty_label.setVisible(not ids)
        self._columns = 0
        self._flow()
        self.refresh()

    def refresh(self) -> None:
        """Read every connection's state and latest values into its tile (only while the
        tiles are on screen: a hidden Overview costs nothing; showing it reads them)."""
        if not self.isVisible():
            return
        now = time.time()
        for snap in self._model.snapshots():
            tile = self.tiles.get(snap.id)
            if tile is not None:
                tile.show_figures(tile_figures(snap, self._model.latest_values(snap.id), now))

    def _soon(self, _conn_id: str) -> None:
        if self._timer.remainingTime() > 100:  # a state change shows at once, then each second
            self._now.start()
            self._timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._flow()

    def _flow(self) -> None:
        columns = max(1, (self.width() + self.grid.spacing()) // (TILE_WIDTH + self.grid.spacing()))
        if columns == self._columns:
            return
        self._columns = columns
        for tile in self.tiles.values():
            self.grid.removeWidget(tile)
        for i, conn_id in enumerate(self._model.ids()):
            placed = self.tiles.get(conn_id)
            if placed is not None:
                self.grid.addWidget(placed, i // columns, i % columns)
        self.grid.setColumnStretch(columns, 1)
