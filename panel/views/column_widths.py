"""Column widths that keep names whole: fitted when rows come and go, not on each value."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QHeaderView, QTableView


class FitOnRows:
    """Keeps `columns` of `view` as wide as their widest text, refitted when rows are
    added, removed or reset (cheap: a live value changing does not measure a column),
    and lets the view's last column take the width that is left.

    Names never get cut while a wide descriptive column has room to give.
    """

    def __init__(
        self, view: QTableView, columns: Iterable[int], widest: dict[int, str] | None = None
    ) -> None:
        self.view = view
        self.columns = tuple(columns)
        self.widest = dict(widest or {})
        """column -> a text as wide as any it will hold (a time of day), for a column
        whose cells fill in after their rows came (so no refit sees them)."""
        header = view.horizontalHeader()
        header.setStretchLastSection(True)
        for column in self.columns:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        model = view.model()
        model.rowsInserted.connect(self.fit)
        model.rowsRemoved.connect(self.fit)
        model.modelReset.connect(self.fit)
        model.layoutChanged.connect(self.fit)
        self.fit()

    def fit(self, *_args: object) -> None:
        """Fit the columns to what they hold now (the header's text counts too)."""
        metrics = self.view.fontMetrics()
        for column in self.columns:
            self.view.resizeColumnToContents(column)
            sample = self.widest.get(column)
            if sample is not None:
                room = metrics.horizontalAdvance(sample) + 2 * metrics.averageCharWidth()
                if self.view.columnWidth(column) < room:
                    self.view.setColumnWidth(column, room)
