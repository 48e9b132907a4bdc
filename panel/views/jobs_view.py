"""The Jobs page: the job graph with a details panel, the history, a dashboard, datasets."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QSplitter, QTabWidget, QVBoxLayout, QWidget

from panel.jobs.snapshots import DashboardFigures, RunSnapshot
from panel.viewmodels.jobs import JobsModel
from panel.views.datasets_view import DatasetsView
from panel.views.engine_state import worst_jobs_state
from panel.views.job_details import JobDetails
from panel.views.job_graph import GraphJob
from panel.views.job_graph_panel import JobGraphPanel
from panel.views.job_states import NEVER
from panel.views.jobs_dashboard import JobsDashboard
from panel.views.jobs_file_bar import JobsFileBar
from panel.views.jobs_history import HistoryView

REFRESH_MS = 250


class JobsView(QWidget):
    """Tabs Graph / History / Dashboard / Datasets over one jobs model, under the bar of
    the watched jobs file.

    Node colours follow `sig_run_changed` (the newest active run of a job, else its
    newest run, as the model says), painted once per turn of the event loop however
    many runs changed; the tables are re-read through one single-shot timer.
    """

    sig_worst_state = Signal(object, str)
    """(QColor, label) the sidebar dot: failed today, running, succeeded today, or idle."""

    def __init__(self, model: JobsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self._graph_jobs: list[GraphJob] | None = None
        self._dirty: set[str] = set()
        self.graph_panel = JobGraphPanel()
        self.graph = self.graph_panel.view
        self.details = JobDetails(model)
        self.history = HistoryView(model)
        self.dashboard = JobsDashboard(model)
        self.datasets = DatasetsView(model)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.graph_panel)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.splitter = splitter
        self.tabs = QTabWidget()
        self.tabs.addTab(splitter, self.tr("Graph"))
        self.tabs.addTab(self.history, self.tr("History"))
        self.tabs.addTab(self.dashboard, self.tr("Dashboard"))
        self.tabs.addTab(self.datasets, self.tr("Datasets"))
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.file_bar = JobsFileBar(model)
        column.addWidget(self.file_bar)
        self.empty_label = QLabel(
            self.tr(
                "No jobs yet: Watch file… to load a jobs file (and follow its changes), or"
                " File › Import configuration."
            )
        )
        self.empty_label.setObjectName("emptyState")
        self.empty_label.setWordWrap(True)
        self.empty_label.setContentsMargins(6, 0, 6, 4)  # in line with the file bar's words
        self.empty_label.hide()
        column.addWidget(self.empty_label)
        column.addWidget(self.tabs)
        self._throttle = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._throttle.timeout.connect(self._refresh_tables)
        self._paint_timer = QTimer(self, singleShot=True, interval=0)
        self._paint_timer.timeout.connect(self._paint_dirty)
        self.graph.sig_job_selected.connect(self.details.show_job)
        model.sig_run_changed.connect(self._on_run_changed)
        model.sig_jobs_changed.connect(self.reload)
        model.sig_dashboard.connect(self._on_dashboard)
        self._fitted = False
        self.reload()

    # ------------------------------------------------------------------ content

    def reload(self) -> None:
        """Re-read the jobs: rebuild the graph (when it changed), its states and the filters."""
        summaries = self._model.jobs()
        self.empty_label.setVisible(not summaries)
        graph_jobs = [GraphJob.from_summary(s) for s in summaries]
        if graph_jobs != self._graph_jobs:
            self._graph_jobs = graph_jobs
            self.graph.set_jobs(graph_jobs)
        for summary in summaries:
            self._paint_node(summary.id)
        self.history.set_jobs(sorted(s.id for s in summaries))
        self.details.refresh()
        self._refresh_tables()

    def _on_run_changed(self, run: RunSnapshot) -> None:
        self._dirty.add(run.job)
        if not self._paint_timer.isActive():
            self._paint_timer.start()
        if not self._throttle.isActive():
            self._throttle.start()

    def _paint_dirty(self) -> None:
        dirty, self._dirty = self._dirty, set()
        for job_id in dirty:
            self._paint_node(job_id)

    def node_state(self, job_id: str) -> str:
        """The state a node shows: its newest active run's, else its last run's, else never."""
        run = self._model.node_run(job_id)
        return run.status if run is not None else NEVER

    def _paint_node(self, job_id: str) -> None:
        run = self._model.node_run(job_id)
        state = run.status if run is not None else NEVER
        self.graph.set_state(job_id, state, run.start if run is not None else None)

    def _refresh_tables(self) -> None:
        self.details.refresh_runs()
        self.history.refresh_if_shown()
        if self.datasets.isVisible():
            self.datasets.refresh()

    def _on_dashboard(self, _figures: DashboardFigures) -> None:
        color, label = self.worst_state()
        self.sig_worst_state.emit(color, label)

    def worst_state(self) -> tuple[QColor, str]:
        """The sidebar dot: red when a run failed today, amber while running, green, or grey."""
        return worst_jobs_state(self._model)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            QTimer.singleShot(0, self.graph.fit)
