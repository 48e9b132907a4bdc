"""The Jobs page: the job graph with a details panel, the history, a dashboard, datasets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QSplitter, QTabWidget, QVBoxLayout, QWidget

from panel.jobs.file_watch import JobsFileWatcher
from panel.views.datasets_view import DatasetsView
from panel.views.job_details import JobDetails
from panel.views.job_graph import GraphJob
from panel.views.job_graph_panel import JobGraphPanel
from panel.views.job_states import ACTIVE, FAILURES, NEVER
from panel.views.jobs_dashboard import JobsDashboard, start_of_today
from panel.views.jobs_file_bar import JobsFileBar
from panel.views.jobs_history import HistoryView
from panel.views.state_colors import BAD, BUSY, GOOD, IDLE

if TYPE_CHECKING:
    from panel.jobs.engine import JobEngine

REFRESH_MS = 250


class JobsView(QWidget):
    """Tabs Graph / History / Dashboard / Datasets over one job engine.

    Above them, when a `JobsFileWatcher` is given, the bar of the watched jobs file.

    Node colours follow `sig_run_changed` at once (the newest active run of a
    job, else its last final run); the tables are re-read through one
    single-shot timer, never once per signal.
    """

    sig_worst_state = Signal(object, str)
    """(QColor, label) the sidebar dot: failed today, running, succeeded today, or idle."""

    def __init__(
        self,
        engine: JobEngine,
        watcher: JobsFileWatcher | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._engine = engine
        self._active: dict[str, dict[int, dict[str, Any]]] = {}
        self._last: dict[str, dict[str, Any]] = {}
        self.graph_panel = JobGraphPanel()
        self.graph = self.graph_panel.view
        self.details = JobDetails(engine)
        self.history = HistoryView(engine)
        self.dashboard = JobsDashboard(engine)
        self.datasets = DatasetsView(engine.datasets)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.graph_panel)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.tabs = QTabWidget()
        self.tabs.addTab(splitter, self.tr("Graph"))
        self.tabs.addTab(self.history, self.tr("History"))
        self.tabs.addTab(self.dashboard, self.tr("Dashboard"))
        self.tabs.addTab(self.datasets, self.tr("Datasets"))
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.file_bar = JobsFileBar(watcher) if watcher is not None else None
        if self.file_bar is not None:
            column.addWidget(self.file_bar)
        column.addWidget(self.tabs)
        self._throttle = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._throttle.timeout.connect(self._refresh_tables)
        self.graph.sig_job_selected.connect(self.details.show_job)
        engine.sig_run_changed.connect(self._on_run_changed)
        engine.sig_jobs_changed.connect(self.reload)
        self._fitted = False
        self.reload()

    # ------------------------------------------------------------------ content

    def reload(self) -> None:
        """Re-read the jobs: rebuild the graph, its states and the filters."""
        summaries = self._engine.list_jobs()
        self.graph.set_jobs([GraphJob.from_summary(s) for s in summaries])
        self._active.clear()
        for run in self._engine.active_runs():
            self._active.setdefault(run["job"], {})[run["id"]] = run
        self._last = {s["id"]: s["lastRun"] for s in summaries if s["lastRun"]}
        for summary in summaries:
            self._paint_node(summary["id"])
        self.history.set_jobs(sorted(s["id"] for s in summaries))
        self.details.refresh()
        self._refresh_tables()

    def _on_run_changed(self, run: dict[str, Any]) -> None:
        job_id = run["job"]
        runs = self._active.setdefault(job_id, {})
        if run["status"] in ACTIVE:
            runs[run["id"]] = run
        else:
            runs.pop(run["id"], None)
            last = self._last.get(job_id)
            if last is None or last["id"] <= run["id"]:
                self._last[job_id] = run
        self._paint_node(job_id)
        if not self._throttle.isActive():
            self._throttle.start()

    def node_state(self, job_id: str) -> str:
        """The state a node shows: its newest active run's, else its last run's, else never."""
        runs = self._active.get(job_id)
        if runs:
            return runs[max(runs)]["status"]
        last = self._last.get(job_id)
        return last["status"] if last else NEVER

    def _paint_node(self, job_id: str) -> None:
        runs = self._active.get(job_id)
        run = runs[max(runs)] if runs else self._last.get(job_id)
        started = run.get("start") if run else None
        self.graph.set_state(job_id, self.node_state(job_id), started)

    def _refresh_tables(self) -> None:
        if self.details.job_id is not None:
            self.details.refresh()
        self.history.refresh()
        self.dashboard.refresh()
        self.datasets.refresh()
        self._emit_worst()

    def _emit_worst(self) -> None:
        color, label = self.worst_state()
        self.sig_worst_state.emit(color, label)

    def worst_state(self) -> tuple[QColor, str]:
        """The sidebar dot: red when a run failed today, amber while running, green, or grey."""
        engine = self._engine
        today = start_of_today()
        failed = any(engine.history(status=s, since=today, limit=1) for s in FAILURES)
        if failed:
            return BAD, self.tr("A job failed today")
        if any(r["status"] == "running" for r in engine.active_runs()):
            return BUSY, self.tr("Jobs running")
        if self.dashboard.counts.get("success"):
            return GOOD, self.tr("Jobs succeeded today")
        return IDLE, self.tr("No job ran today")

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            QTimer.singleShot(0, self.graph.fit)
