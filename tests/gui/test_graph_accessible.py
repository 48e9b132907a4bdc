"""The job graph as a screen reader and a keyboard user meet it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from panel.views.job_graph import GraphJob, JobGraphView

JOBS = [
    GraphJob("fetch", "Fetch readings"),
    GraphJob("clean", "Clean readings", depends_on=("fetch",)),
    GraphJob("report", "Daily report", depends_on=("clean",)),
]


def test_the_graph_reads_as_its_jobs_with_their_states(qtbot: QtBot) -> None:
    graph = JobGraphView()
    qtbot.addWidget(graph)
    graph.set_jobs(JOBS)
    graph.set_state("fetch", "failed")
    qtbot.waitUntil(lambda: "Failed" in graph.accessibleDescription(), timeout=2000)
    assert graph.accessibleName() == "Job graph"
    assert graph.accessibleDescription() == (
        "Fetch readings: Failed; Clean readings: Never run, after fetch; "
        "Daily report: Never run, after clean"
    )
    assert graph.nodes["fetch"].toolTip() == "fetch: Failed"


def test_n_and_p_walk_the_jobs_in_reading_order(qtbot: QtBot) -> None:
    graph = JobGraphView()
    qtbot.addWidget(graph)
    graph.set_jobs(JOBS)
    graph.show()
    chosen: list[str] = []
    graph.sig_job_selected.connect(chosen.append)
    for key in (Qt.Key.Key_N, Qt.Key.Key_N, Qt.Key.Key_N, Qt.Key.Key_N, Qt.Key.Key_P):
        qtbot.keyClick(graph, key)
    assert chosen == ["fetch", "clean", "report", "fetch", "report"]
