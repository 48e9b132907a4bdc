"""The Jobs page against a real job engine running real child processes."""

from __future__ import annotations

import gc
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from panel.jobs.engine import JobEngine
from panel.logs.hub import LogHub
from panel.views.job_graph import DEPENDS, ON_FAILURE, ON_SUCCESS
from panel.views.job_log_dialog import RunLogDialog
from panel.views.job_run_dialog import ArrayEditor, RunOptionsDialog
from panel.views.job_states import run_color
from panel.views.jobs_history import COL_DURATION
from panel.views.jobs_view import JobsView
from panel.workspace.workspace import Workspace
from tests.gui.dialogs import answer_next_message_box, button_with_text, standard_button

PY = sys.executable
FINAL = {"success", "failed", "timed_out", "cancelled", "skipped", "interrupted"}


def py(code: str) -> list[str]:
    """argv running inline Python code."""
    return [PY, "-c", code]


def wait_for(path: Path) -> str:
    """Python code that waits (bounded) until `path` exists."""
    return (
        "import os,time\n"
        "t=time.time()+30\n"
        f"while not os.path.exists({str(path)!r}) and time.time()<t: time.sleep(0.01)\n"
    )


class Page:
    """A JobsView on a real engine; closed at the end of the test."""

    def __init__(self, qtbot: QtBot, root: Path) -> None:
        self.qtbot = qtbot
        self.ws = Workspace.open(root / "ws")
        self.hub = LogHub(self.ws.logs_dir)
        self.engine: JobEngine | None = None
        self.view: JobsView | None = None

    def open(self, jobs: list[dict[str, Any]]) -> JobsView:
        self.engine = JobEngine(self.ws, self.hub)
        self.engine.save_jobs(jobs)
        self.engine.start()
        self.view = JobsView(self.engine)
        self.qtbot.addWidget(self.view)
        self.view.resize(1100, 700)
        self.view.show()
        return self.view

    def wait_final(self, run_id: int, timeout_ms: int = 15_000) -> dict[str, Any]:
        engine = self.engine
        assert engine is not None

        def final() -> bool:
            row = engine.store.run(run_id)
            return row is not None and row["status"] in FINAL and run_id not in engine._runs

        self.qtbot.waitUntil(final, timeout=timeout_ms)
        return engine.store.run(run_id)  # type: ignore[return-value]

    def close(self) -> None:
        engine = self.engine
        if self.view is not None:
            self.view.close()
            self.view.deleteLater()
            QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            self.view = None
        if engine is not None:
            with self.qtbot.waitSignal(engine.sig_shutdown_finished, timeout=20_000):
                engine.shutdown_grace_s = 0
                engine.shutdown()
                engine._stop_running()
            engine.close()
        self.hub.close()
        self.ws.close()
        gc.collect()


@pytest.fixture
def page(qtbot: QtBot, tmp_path: Path) -> Iterator[Page]:
    helper = Page(qtbot, tmp_path)
    yield helper
    helper.close()


def answer_run_dialog(fill: Callable[[RunOptionsDialog], None] | None = None) -> list[str]:
    """When the next Run dialog opens, let `fill` set its editors, then press Run."""
    seen: list[str] = []

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, RunOptionsDialog):
            seen.append(dialog.windowTitle())
            if fill is not None:
                fill(dialog)
            dialog.run_button.click()
            return
        QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)
    return seen


def click_node(view: JobsView, job_id: str, qtbot: QtBot) -> None:
    graph = view.graph
    node = graph.nodes[job_id]
    graph.centerOn(node)
    point = graph.mapFromScene(node.sceneBoundingRect().center())
    qtbot.mouseClick(graph.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(point))


# ---------------------------------------------------------------------- graph


def test_graph_has_a_node_per_job_and_the_right_edges(page: Page) -> None:
    view = page.open(
        [
            {"id": "extract", "command": py("pass"), "onFailure": ["alert"]},
            {"id": "clean", "command": py("pass"), "dependsOn": ["extract"]},
            {"id": "report", "command": py("pass"), "dependsOn": ["clean", "extract"]},
            {"id": "alert", "command": py("pass")},
            {"id": "mail", "command": py("pass"), "dependsOn": ["report"], "onSuccess": ["alert"]},
        ]
    )
    assert set(view.graph.nodes) == {"extract", "clean", "report", "alert", "mail"}
    assert sorted(view.graph.edge_list()) == sorted(
        [
            (DEPENDS, "extract", "clean"),
            (DEPENDS, "clean", "report"),
            (DEPENDS, "extract", "report"),
            (DEPENDS, "report", "mail"),
            (ON_FAILURE, "extract", "alert"),
            (ON_SUCCESS, "mail", "alert"),
        ]
    )
    pos = {j: n.pos().x() for j, n in view.graph.nodes.items()}
    assert pos["extract"] < pos["clean"] < pos["report"] < pos["mail"]
    assert all(n.state == "never" for n in view.graph.nodes.values())


def test_nodes_follow_the_run_states(page: Page, tmp_path: Path) -> None:
    gate = tmp_path / "gate"
    view = page.open(
        [
            {"id": "first", "command": py(wait_for(gate))},
            {"id": "second", "command": py("raise SystemExit(3)"), "dependsOn": ["first"]},
        ]
    )
    engine = page.engine
    assert engine is not None
    run_id = engine.run_job("second")
    nodes = view.graph.nodes
    page.qtbot.waitUntil(lambda: nodes["first"].state == "running", timeout=10_000)
    assert nodes["second"].state == "waiting"
    assert "Running" in nodes["first"].status_text()
    gate.write_text("go")
    page.wait_final(run_id)
    page.qtbot.waitUntil(lambda: nodes["second"].state == "failed", timeout=5_000)
    assert nodes["first"].state == "success"
    assert view.node_state("second") == "failed"
    with page.qtbot.waitSignal(view.sig_worst_state, timeout=5_000) as blocker:
        view._throttle.start(0)
    assert blocker.args[0] == run_color("failed") or blocker.args[1] == "A job failed today"


def test_zoom_and_fit_change_the_scale(page: Page, qtbot: QtBot) -> None:
    view = page.open([{"id": f"j{i}", "command": py("pass")} for i in range(30)])
    graph = view.graph
    graph.fit()
    fitted = graph.scale_factor()
    assert fitted <= 1.0
    qtbot.keyClick(graph, Qt.Key.Key_Plus)
    assert graph.scale_factor() == pytest.approx(min(4.0, fitted * 1.25))
    qtbot.keyClick(graph, Qt.Key.Key_Minus)
    assert graph.scale_factor() == pytest.approx(fitted)
    graph.zoom_by(3)
    qtbot.keyClick(graph, Qt.Key.Key_F)
    assert graph.scale_factor() == pytest.approx(fitted)


def test_a_fitted_graph_stays_whole_when_the_window_resizes(page: Page, qtbot: QtBot) -> None:
    chain = [{"id": "j0", "command": py("pass")}]
    chain += [
        {"id": f"j{i}", "command": py("pass"), "dependsOn": [f"j{i - 1}"]} for i in range(1, 12)
    ]
    view = page.open(chain)
    graph = view.graph
    graph.fit()
    narrow = graph.scale_factor()
    zooms: list[float] = []
    graph.sig_zoom_changed.connect(zooms.append)
    view.resize(1800, 700)
    qtbot.waitUntil(lambda: graph.scale_factor() > narrow * 1.3, timeout=5000)
    whole = graph.mapToScene(graph.viewport().rect()).boundingRect()
    assert whole.contains(graph.scene().itemsBoundingRect())
    assert not graph.horizontalScrollBar().isVisible()
    fitted = graph.scale_factor()
    for _ in range(5):  # a fit must not make a scroll bar come and go, refitting again and again
        QApplication.processEvents()
    settled = len(zooms)
    for _ in range(5):
        QApplication.processEvents()
    assert len(zooms) == settled
    assert zooms == [pytest.approx(fitted)] * settled
    graph.zoom_in()  # the user's own zoom is kept from now on
    zoomed = graph.scale_factor()
    view.resize(1100, 700)
    qtbot.waitUntil(lambda: graph.width() < 1100, timeout=5000)
    assert graph.scale_factor() == pytest.approx(zoomed)


# ---------------------------------------------------------------------- details


def test_clicking_a_node_shows_its_runs(page: Page, qtbot: QtBot) -> None:
    view = page.open(
        [{"id": "hello", "command": py("print('hi there')")}, {"id": "other", "command": py("")}]
    )
    engine = page.engine
    assert engine is not None
    for _ in range(2):
        page.wait_final(engine.run_job("hello"))
    click_node(view, "hello", qtbot)
    assert view.details.job_id == "hello"
    qtbot.waitUntil(lambda: view.details.runs_model.rowCount() == 2, timeout=5_000)
    assert {r.status for r in view.details.runs_model.rows()} == {"success"}
    assert len(view.details.chart.bars()) == 2
    header = view.details.runs_table.horizontalHeader()  # the narrow panel: how long first
    shown = sorted(
        (header.visualIndex(c), header.model().headerData(c, Qt.Orientation.Horizontal))
        for c in range(header.count())
        if not header.isSectionHidden(c)
    )
    assert [title for _, title in shown] == [
        "Run",
        "Status",
        "Attempt",
        "Duration",
        "Exit",
        "Queued",
    ]
    duration = view.details.runs_model.index(0, COL_DURATION).data()
    assert duration.endswith(" s")  # a short run reads in seconds, not 0:00:00
    qtbot.waitUntil(
        lambda: any(
            "hi there" in (view.details.log_model.index(r, 0).data() or "")
            for r in range(view.details.log_model.rowCount())
        ),
        timeout=5_000,
    )


def test_run_now_passes_the_options_as_argv_items(page: Page, qtbot: QtBot) -> None:
    code = "import json,sys; print('ARGV=' + json.dumps(sys.argv[1:]))"
    options = [
        {"flag": "--dry-run", "type": "boolean", "label": "Dry run"},
        {"flag": "--name", "type": "string", "default": "x"},
        {"flag": "--item", "type": "array"},
        {"flag": "--mode", "type": "select", "choices": ["fast", "slow"], "default": "fast"},
        {"flag": "--secret", "type": "string", "default": "fixed", "system": True},
    ]
    view = page.open([{"id": "opts", "command": py(code), "options": options}])
    engine = page.engine
    assert engine is not None
    view.details.show_job("opts")

    def fill(dialog: RunOptionsDialog) -> None:
        assert "--secret" not in dialog.editors
        box = dialog.editor("--dry-run")
        assert isinstance(box, QCheckBox)
        box.setChecked(True)
        name = dialog.editor("--name")
        assert isinstance(name, QLineEdit)
        name.setText("a; rm b")
        items = dialog.editor("--item")
        assert isinstance(items, ArrayEditor)
        items.set_values(["one", "two words"])
        mode = dialog.editor("--mode")
        assert isinstance(mode, QComboBox)
        mode.setCurrentText("slow")

    with qtbot.waitSignal(view.details.sig_run_started, timeout=10_000) as blocker:
        answer_run_dialog(fill)
        QTimer.singleShot(0, view.details.run_button.click)
    run = page.wait_final(blocker.args[0])
    assert run["status"] == "success"
    assert run["options"] == {
        "--dry-run": True,
        "--name": "a; rm b",
        "--item": ["one", "two words"],
        "--mode": "slow",
    }
    text = Path(run["logPath"]).read_text()
    argv = json.loads(text.split("ARGV=", 1)[1].splitlines()[0])
    assert argv == [
        "--dry-run",
        "--name",
        "a; rm b",
        "--item",
        "one",
        "--item",
        "two words",
        "--mode",
        "slow",
        "--secret",
        "fixed",
    ]


def test_a_dangerous_command_needs_confirmation(page: Page, qtbot: QtBot) -> None:
    view = page.open([{"id": "fmt", "command": py("print('mkfs is only a word here')")}])
    engine = page.engine
    assert engine is not None
    view.details.show_job("fmt")
    # Refused: no run.
    answer_run_dialog()
    seen = answer_next_message_box(standard_button(QMessageBox.StandardButton.Cancel))
    QTimer.singleShot(0, view.details.run_button.click)
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=10_000)
    assert "mkfs" in seen[1]
    qtbot.waitUntil(lambda: view.details.run_button.isEnabled(), timeout=5_000)
    assert engine.history(job="fmt") == []
    # Confirmed: it runs.
    with qtbot.waitSignal(view.details.sig_run_started, timeout=10_000) as blocker:
        answer_run_dialog()
        seen = answer_next_message_box(button_with_text("Run anyway"))
        QTimer.singleShot(0, view.details.run_button.click)
    assert page.wait_final(blocker.args[0])["status"] == "success"
    assert seen[0] == "Run a dangerous command?"


def test_cancel_cancels_the_running_run(page: Page, qtbot: QtBot, tmp_path: Path) -> None:
    view = page.open([{"id": "slow", "command": py(wait_for(tmp_path / "never"))}])
    engine = page.engine
    assert engine is not None
    run_id = engine.run_job("slow")
    view.details.show_job("slow")
    button = view.details.cancel_button
    qtbot.waitUntil(lambda: view.graph.nodes["slow"].state == "running", timeout=10_000)
    view.details.refresh()
    assert button.isEnabled()
    button.click()
    assert page.wait_final(run_id)["status"] == "cancelled"
    qtbot.waitUntil(lambda: view.graph.nodes["slow"].state == "cancelled", timeout=5_000)
    qtbot.waitUntil(lambda: button.text() == "Cancel" and not button.isEnabled(), timeout=5_000)


def test_enable_and_disable(page: Page, qtbot: QtBot) -> None:
    view = page.open([{"id": "tick", "command": py(""), "schedule": "0 3 * * *"}])
    engine = page.engine
    assert engine is not None
    view.details.show_job("tick")
    assert view.details.enable_button.text() == "Disable"
    with qtbot.waitSignal(engine.sig_jobs_changed, timeout=5_000):
        view.details.enable_button.click()
        assert view.details.enable_button.text() == "Saving…"
    assert engine.jobs["tick"].enabled is False
    qtbot.waitUntil(lambda: view.details.enable_button.text() == "Enable", timeout=5_000)
    assert "disabled" in view.graph.nodes["tick"].status_text()


# ---------------------------------------------------------------------- tables


def test_history_filters_and_dashboard_counts(page: Page, qtbot: QtBot) -> None:
    view = page.open(
        [
            {"id": "good", "command": py("print('fine')")},
            {"id": "bad", "command": py("raise SystemExit(2)")},
        ]
    )
    engine = page.engine
    assert engine is not None
    for job in ("good", "good", "bad"):
        page.wait_final(engine.run_job(job))
    history = view.history
    history.set_filters()
    assert history.model.rowCount() == 3
    history.set_filters(job="good")
    assert {r.job for r in history.model.rows()} == {"good"}
    assert history.model.rowCount() == 2
    history.set_filters(status="failed")
    assert [(r.job, r.exit_code) for r in history.model.rows()] == [("bad", 2)]
    history.set_filters(since=time.time() + 3600, until=time.time() + 7200)
    assert history.model.rowCount() == 0
    history.set_filters(since=time.time() - 3600, until=time.time() + 3600)
    assert history.model.rowCount() == 3
    view.dashboard.refresh()
    rows = engine.history()
    assert view.dashboard.counts == {
        "total": len(rows),
        "success": sum(r["status"] == "success" for r in rows),
        "failed": sum(r["status"] == "failed" for r in rows),
        "running": 0,
    }
    assert view.dashboard.counts["failed"] == 1
    assert view.dashboard.failures_list.count() == 1
    assert "bad" in view.dashboard.failures_list.item(0).text()


def test_open_log_shows_the_run_log_read_only(page: Page, qtbot: QtBot) -> None:
    view = page.open([{"id": "talk", "command": py("print('line one'); print('line two')")}])
    engine = page.engine
    assert engine is not None
    page.wait_final(engine.run_job("talk"))
    view.history.set_filters(job="talk")
    view.history.table.selectRow(0)
    seen: list[str] = []

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, RunLogDialog):
            seen.append(dialog.text.toPlainText())
            seen.append(str(dialog.text.isReadOnly()))
            dialog.reject()
            return
        QTimer.singleShot(10, poll)

    QTimer.singleShot(0, poll)
    view.history.open_log_button.click()
    assert seen == ["line one\nline two\n", "True"]


def test_datasets_tab_lists_allocations_while_a_run_holds_them(
    page: Page, qtbot: QtBot, tmp_path: Path
) -> None:
    gate = tmp_path / "gate"
    data = tmp_path / "data"
    view = page.open(
        [
            {
                "id": "holder",
                "command": py(wait_for(gate)),
                "datasets": {"raw": {"path": str(data), "mode": "exclusive"}},
            }
        ]
    )
    engine = page.engine
    assert engine is not None
    run_id = engine.run_job("holder")
    model = view.datasets.model
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=10_000)
    row = model.rows()[0]
    assert (row.name, row.mode, row.owner_kind, row.owner_id) == (
        "raw",
        "exclusive",
        "run",
        str(run_id),
    )
    assert row.path == str(data)
    gate.write_text("go")
    page.wait_final(run_id)
    qtbot.waitUntil(lambda: model.rowCount() == 0, timeout=5_000)
