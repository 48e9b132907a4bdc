"""`TrendChart`: the selected tags of a connection over time, from the engine's history on."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from panel.connections.history import Series, numeric_type
from panel.connections.tag_model import TagTableModel
from panel.viewmodels.connections import ConnectionsModel
from panel.views.charts.time_chart import Line, TimeChart

MAX_TAGS = 6


class TrendChart(TimeChart):
    """Plots the chosen numeric tags, one y-axis per unit (°C and bar apart).

    Opened, it starts from the engine's kept history (the last ten minutes, embedded
    or attached alike) and then follows the tag model's live values.
    """

    def __init__(
        self,
        tag_model: TagTableModel,
        connections: ConnectionsModel,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            self.tr("Trend"), self.tr("Select numeric tags to see a trend"), parent=parent
        )
        self._tag_model = tag_model
        self._connections = connections
        self._conn_id: str | None = None
        self._asked = 0
        tag_model.sig_flushed.connect(self._on_flushed)

    def show_tags(self, conn_id: str | None, names: list[str]) -> None:
        """Plot these tags of connection `conn_id` (the text ones are left out)."""
        model = self._tag_model
        lines: list[Line] = []
        rows = sorted(r for r in map(model.row_of, names) if r is not None)
        for row in rows:  # in the table's order, whatever the order of selecting
            tag = model.tag(row)
            name = tag["name"]
            if numeric_type(tag["type"] or "auto") and not isinstance(tag["value"], str):
                lines.append(Line(name, name, tag["unit"]))
        lines = lines[:MAX_TAGS]
        if [line.key for line in lines] == [line.key for line in self.lines()] and (
            conn_id == self._conn_id
        ):
            return
        self._conn_id = conn_id
        text_only = bool(names) and not lines
        self.set_empty_text(
            self.tr("Text tags have no trend: select numeric tags")
            if text_only
            else self.tr("Select numeric tags to see a trend")
        )
        self.set_lines(lines)
        self.title_label.setText(
            f"{conn_id}: {', '.join(line.label for line in lines)}" if conn_id and lines else ""
        )
        self._asked += 1
        if conn_id is None or not lines:
            return
        asked = self._asked
        for line in lines:
            self._take_live(line.key)

        def answered(series: list[Series]) -> None:
            if asked != self._asked:
                return  # another choice of tags since
            for entry in series:
                if entry.name in self._keys():
                    self.buffer(entry.name).seed(entry.ts, entry.value)
            self.changed()

        self._connections.history(conn_id, [line.key for line in lines], self.keep_s, answered)

    def _keys(self) -> set[str]:
        return {line.key for line in self.lines()}

    def _on_flushed(self, _count: int) -> None:
        lines = self.lines()
        if not lines:
            return
        for line in lines:
            self._take_live(line.key)
        self.changed()

    def _take_live(self, name: str) -> None:
        """The tag's latest value, when newer than the line's last point."""
        row = self._tag_model.row_of(name)
        if row is None:
            return
        tag = self._tag_model.tag(row)
        ts, value = tag["ts"], tag["value"]
        if ts is None:
            return
        if isinstance(value, bool):
            value = float(value)
        number = float(value) if isinstance(value, int | float) else None
        buffer = self.buffer(name)
        last = buffer.last()
        if last is None or ts > last[0]:
            buffer.append(ts, number)
