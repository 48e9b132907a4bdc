"""The Jobs page, embedded and attached to a headless engine, running real child processes."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLineEdit, QMessageBox
from pytestqt.qtbot import QtBot

from panel.views.datasets_view import COL_JOB, COL_OWNER, COL_PID
from panel.views.job_graph import DEPENDS, ON_FAILURE, ON_SUCCESS
from panel.views.job_log_dialog import RunLogDialog
from panel.views.job_run_dialog import ArrayEditor, RunOptionsDialog
from panel.views.job_states import run_color
from panel.views.jobs_history import COL_DURATION
from panel.views.jobs_view import JobsView
from panel.views.main_window import MainWindow
from tests.gui.dialogs import answer_next_message_box, button_with_text, standard_button
from tests.gui.jobs_page import WAIT_MS, JobsPage, py, wait_for


@pytest.fixture
def page(any_window: MainWindow, qtbot: QtBot) -> JobsPage:
    """The Jobs page of a window, once embedded, once attached to a headless engine."""
    return JobsPage(any_window, qtbot)


@pytest.fixture
def local_page(window: MainWindow, qtbot: QtBot) -> JobsPage:
    """The Jobs page of a window on an embedded engine (for what only draws the graph)."""
    return JobsPage(window, qtbot)


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


def test_graph_has_a_node_per_job_and_the_right_edges(page: JobsPage) -> None:
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


def test_nodes_follow_the_run_states(page: JobsPage, tmp_path: Path, qtbot: QtBot) -> None:
    gate = tmp_path / "gate"
    view = page.open(
        [
            {"id": "first", "command": py(wait_for(gate))},
            {"id": "second", "command": py("raise SystemExit(3)"), "dependsOn": ["first"]},
        ]
    )
    run_id = page.run("second")
    nodes = view.graph.nodes
    qtbot.waitUntil(lambda: nodes["first"].state == "running", timeout=WAIT_MS)
    assert nodes["second"].state == "waiting"
    assert "Running" in nodes["first"].status_text()
    gate.write_text("go")
    page.wait_final(run_id)
    qtbot.waitUntil(lambda: nodes["second"].state == "failed", timeout=WAIT_MS)
    assert nodes["first"].state == "success"
    assert view.node_state("second") == "failed"
    item = page.window.sidebar.item(page.window.pages.indexOf(view))
    qtbot.waitUntil(lambda: item.toolTip() == "A job failed today", timeout=WAIT_MS)
    assert view.worst_state()[0] == run_color("failed")


def test_a_failed_run_is_told_on_the_desktop_and_the_overview(
    page: JobsPage, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[tuple[str, str]] = []
    # No notification daemon runs here: the tray's one call out is recorded instead.
    monkeypatch.setattr(page.window.tray, "notify", lambda title, text: told.append((title, text)))
    page.open(
        [{"id": "bad", "command": py("raise SystemExit(4)")}, {"id": "ok", "command": py("")}]
    )
    page.wait_final(page.run("ok"))
    page.wait_final(page.run("bad"))
    qtbot.waitUntil(lambda: bool(told), timeout=WAIT_MS)
    assert told == [("Job bad: Failed", "exit code 4")]
    card = page.window.overview_view.jobs_card
    assert card.isVisibleTo(page.window.overview_view)
    qtbot.waitUntil(
        lambda: card.summary.text().startswith("Today: 2 runs  ·  1 succeeded  ·  1 failed"),
        timeout=WAIT_MS,
    )
    # One rule: the card, the sidebar and the tray say the same thing, in words.
    window = page.window
    sidebar = window.sidebar.item(window.pages.indexOf(window.jobs_view))
    qtbot.waitUntil(lambda: window.tray.health[1] == "A job failed today", timeout=WAIT_MS)
    assert card.state[1] == sidebar.toolTip() == "A job failed today"
    assert card.state[0] == window.tray.health[0]


def test_zoom_and_fit_change_the_scale(local_page: JobsPage, qtbot: QtBot) -> None:
    view = local_page.open([{"id": f"j{i}", "command": py("pass")} for i in range(30)])
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


def test_a_fitted_graph_stays_whole_when_the_window_resizes(
    local_page: JobsPage, qtbot: QtBot
) -> None:
    chain = [{"id": "j0", "command": py("pass")}]
    chain += [
        {"id": f"j{i}", "command": py("pass"), "dependsOn": [f"j{i - 1}"]} for i in range(1, 12)
    ]
    view = local_page.open(chain)
    window = local_page.window
    window.resize(1000, 700)
    graph = view.graph
    qtbot.waitUntil(lambda: window.width() < 1100, timeout=5000)
    graph.fit()
    narrow = graph.scale_factor()
    zooms: list[float] = []
    graph.sig_zoom_changed.connect(zooms.append)
    window.resize(1900, 700)
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
    width = graph.width()
    window.resize(1000, 700)
    qtbot.waitUntil(lambda: graph.width() < width, timeout=5000)
    assert graph.scale_factor() == pytest.approx(zoomed)


# ---------------------------------------------------------------------- details


def test_the_duration_chart_marks_the_failed_runs_over_time(
    page: JobsPage, qtbot: QtBot, tmp_path: Path
) -> None:
    flag = tmp_path / "fail-next"
    command = py(f"import os, sys; sys.exit(3 if os.path.exists({str(flag)!r}) else 0)")
    view = page.open([{"id": "flaky", "command": command}])
    page.wait_final(page.run("flaky"))
    flag.write_text("x")
    page.wait_final(page.run("flaky"))
    flag.unlink()
    page.wait_final(page.run("flaky"))
    click_node(view, "flaky", qtbot)
    chart = view.details.chart
    qtbot.waitUntil(lambda: len(chart.bars()) == 3, timeout=WAIT_MS)
    assert [state for _d, state in chart.bars()] == ["success", "failed", "success"]
    qtbot.waitUntil(lambda: len(chart.drawn("duration")[0]) == 3, timeout=WAIT_MS)
    starts, _durations = chart.drawn("duration")
    failed_at, _ = chart.drawn("failed")
    assert len(starts) == 3 and starts == sorted(starts)  # over time, oldest first
    assert failed_at == [starts[1]]  # the one failure, marked where it ran
    chart.hover_at(failed_at[0])
    assert chart.readout.text().endswith("Failed")
    assert chart.title_label.text() == "Duration of the last 3 runs"


def test_clicking_a_node_shows_its_runs_and_its_log(page: JobsPage, qtbot: QtBot) -> None:
    view = page.open(
        [{"id": "hello", "command": py("print('hi there')")}, {"id": "other", "command": py("")}]
    )
    for _ in range(2):
        page.wait_final(page.run("hello"))
    click_node(view, "hello", qtbot)
    details = view.details
    assert details.job_id == "hello"
    qtbot.waitUntil(lambda: details.runs_model.rowCount() == 2, timeout=WAIT_MS)
    assert {r.status for r in details.runs_model.rows()} == {"success"}
    assert len(details.chart.bars()) == 2
    assert details.state_label.text() == "Success"
    header = details.runs_table.horizontalHeader()  # the narrow panel: how long first
    shown = sorted(
        (header.visualIndex(c), header.model().headerData(c, Qt.Orientation.Horizontal))
        for c in range(header.count())
        if not header.isSectionHidden(c)
    )
    assert [title for _, title in shown] == [
        "Run",
        "Status",
        "Duration",
        "Exit",
        "Queued",
    ]  # the attempt, trigger and error are on the History tab
    duration = details.runs_model.index(0, COL_DURATION).data()
    assert duration.endswith(" s")  # a short run reads in seconds, not 0:00:00
    details.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: details.log_shown() == "hi there\n", timeout=WAIT_MS)


def test_the_log_tab_follows_a_running_run(page: JobsPage, qtbot: QtBot, tmp_path: Path) -> None:
    gate = tmp_path / "gate"
    code = "import sys\nprint('first', flush=True)\n" + wait_for(gate) + "print('second')\n"
    view = page.open([{"id": "talk", "command": py(code)}])
    run_id = page.run("talk")
    view.details.show_job("talk")
    view.details.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: view.details.log_shown() == "first\n", timeout=WAIT_MS)
    gate.write_text("go")
    page.wait_final(run_id)
    qtbot.waitUntil(lambda: view.details.log_shown() == "first\nsecond\n", timeout=WAIT_MS)


def test_run_now_passes_the_options_as_argv_items(page: JobsPage, qtbot: QtBot) -> None:
    code = "import json,sys; print('ARGV=' + json.dumps(sys.argv[1:]))"
    options = [
        {"flag": "--dry-run", "type": "boolean", "label": "Dry run"},
        {"flag": "--name", "type": "string", "default": "x"},
        {"flag": "--item", "type": "array"},
        {"flag": "--mode", "type": "select", "choices": ["fast", "slow"], "default": "fast"},
        {"flag": "--secret", "type": "string", "default": "fixed", "system": True},
    ]
    view = page.open([{"id": "opts", "command": py(code), "options": options}])
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

    with qtbot.waitSignal(view.details.sig_run_started, timeout=WAIT_MS) as blocker:
        answer_run_dialog(fill)
        QTimer.singleShot(0, view.details.run_button.click)
    run = page.wait_final(blocker.args[0])
    assert run.status == "success"
    assert run.options == {
        "--dry-run": True,
        "--name": "a; rm b",
        "--item": ["one", "two words"],
        "--mode": "slow",
    }
    assert run.log_path is not None
    text = Path(run.log_path).read_text()
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


def test_a_dangerous_command_needs_confirmation(page: JobsPage, qtbot: QtBot) -> None:
    view = page.open([{"id": "fmt", "command": py("print('mkfs is only a word here')")}])
    view.details.show_job("fmt")
    button = view.details.run_button
    # Refused: no run.
    answer_run_dialog()
    seen = answer_next_message_box(standard_button(QMessageBox.StandardButton.Cancel))
    QTimer.singleShot(0, button.click)
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=WAIT_MS)
    assert "mkfs" in seen[1]
    qtbot.waitUntil(lambda: button.isEnabled() and button.text() == "Run now…", timeout=WAIT_MS)
    assert page.history(job="fmt") == []
    # Confirmed: it runs.
    with qtbot.waitSignal(view.details.sig_run_started, timeout=WAIT_MS) as blocker:
        answer_run_dialog()
        seen = answer_next_message_box(button_with_text("Run anyway"))
        QTimer.singleShot(0, button.click)
    assert page.wait_final(blocker.args[0]).status == "success"
    assert seen[0] == "Run a dangerous command?"


def test_a_refused_run_says_why_in_one_sentence(page: JobsPage, qtbot: QtBot) -> None:
    options = [{"arg": "target", "type": "string"}]
    view = page.open([{"id": "copy", "command": py(""), "options": options}])
    view.details.show_job("copy")

    def fill(dialog: RunOptionsDialog) -> None:
        target = dialog.editor("target")
        assert isinstance(target, QLineEdit)
        target.setText("-rf")

    answer_run_dialog(fill)
    seen = answer_next_message_box(standard_button(QMessageBox.StandardButton.Ok))
    QTimer.singleShot(0, view.details.run_button.click)
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=WAIT_MS)
    assert seen[0] == "Cannot run copy"
    assert "'-rf' begins with '-'" in seen[1] and "Traceback" not in seen[1]
    assert page.history(job="copy") == []


def test_cancel_cancels_the_running_run(page: JobsPage, qtbot: QtBot, tmp_path: Path) -> None:
    view = page.open([{"id": "slow", "command": py(wait_for(tmp_path / "never"))}])
    run_id = page.run("slow")
    view.details.show_job("slow")
    button = view.details.cancel_button
    qtbot.waitUntil(lambda: view.graph.nodes["slow"].state == "running", timeout=WAIT_MS)
    qtbot.waitUntil(button.isEnabled, timeout=WAIT_MS)
    button.click()
    assert button.text() == "Cancelling…" or page.runs[run_id].status == "cancelled"
    assert page.wait_final(run_id).status == "cancelled"
    qtbot.waitUntil(lambda: view.graph.nodes["slow"].state == "cancelled", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: button.text() == "Cancel" and not button.isEnabled(), timeout=WAIT_MS)


def test_enable_and_disable(page: JobsPage, qtbot: QtBot) -> None:
    view = page.open([{"id": "tick", "command": py(""), "schedule": "0 3 * * *"}])
    view.details.show_job("tick")
    button = view.details.enable_button
    assert button.text() == "Disable"
    assert "next" in view.details.schedule_label.text()
    button.click()
    assert button.text() == "Saving…"
    qtbot.waitUntil(lambda: button.text() == "Enable", timeout=WAIT_MS)
    summary = page.jobs.job("tick")
    assert summary is not None and summary.enabled is False
    assert "disabled" in view.graph.nodes["tick"].status_text()
    button.click()
    qtbot.waitUntil(lambda: button.text() == "Disable", timeout=WAIT_MS)
    assert "disabled" not in view.graph.nodes["tick"].status_text()


# ---------------------------------------------------------------------- tables


def wait_loaded(view: JobsView, qtbot: QtBot) -> None:
    """Wait until the history table shows the answer to its filters."""
    qtbot.waitUntil(lambda: not view.history.busy, timeout=WAIT_MS)


def test_history_filters_and_dashboard_counts(page: JobsPage, qtbot: QtBot) -> None:
    view = page.open(
        [
            {"id": "good", "command": py("print('fine')"), "schedule": "0 3 * * *"},
            {"id": "bad", "command": py("raise SystemExit(2)")},
        ]
    )
    for job in ("good", "good", "bad"):
        page.wait_final(page.run(job))
    view.tabs.setCurrentWidget(view.history)
    history = view.history
    history.set_filters()
    wait_loaded(view, qtbot)
    assert history.model.rowCount() == 3
    history.set_filters(job="good")
    wait_loaded(view, qtbot)
    assert {r.job for r in history.model.rows()} == {"good"}
    assert history.model.rowCount() == 2
    history.set_filters(status="failed")
    wait_loaded(view, qtbot)
    assert [(r.job, r.exit_code) for r in history.model.rows()] == [("bad", 2)]
    history.set_filters(since=time.time() + 3600, until=time.time() + 7200)
    wait_loaded(view, qtbot)
    assert history.model.rowCount() == 0
    history.set_filters(since=time.time() - 3600, until=time.time() + 3600)
    wait_loaded(view, qtbot)
    assert history.model.rowCount() == 3
    view.tabs.setCurrentWidget(view.dashboard)
    dashboard = view.dashboard
    qtbot.waitUntil(
        lambda: dashboard.counts == {"total": 3, "success": 2, "failed": 1, "running": 0},
        timeout=WAIT_MS,
    )
    assert dashboard.failures_list.count() == 1
    assert "bad" in dashboard.failures_list.item(0).text()
    assert dashboard.next_list.count() == 1 and "good" in dashboard.next_list.item(0).text()


def test_a_changed_filter_while_reading_shows_only_the_last_answer(
    page: JobsPage, qtbot: QtBot
) -> None:
    view = page.open([{"id": "a", "command": py("")}, {"id": "b", "command": py("")}])
    for job in ("a", "b", "b"):
        page.wait_final(page.run(job))
    history = view.history
    view.tabs.setCurrentWidget(history)
    history.set_filters(job="a")
    history.set_filters(job="b")  # attached: before the first answer has arrived
    wait_loaded(view, qtbot)
    assert [r.job for r in history.model.rows()] == ["b", "b"]
    assert not history.busy_label.isVisible()


def test_the_dashboard_lists_a_running_run_with_its_elapsed_time(
    page: JobsPage, qtbot: QtBot, tmp_path: Path
) -> None:
    gate = tmp_path / "gate"
    view = page.open([{"id": "long", "command": py(wait_for(gate))}])
    run_id = page.run("long")
    view.tabs.setCurrentWidget(view.dashboard)
    running = view.dashboard.running_list
    qtbot.waitUntil(lambda: running.count() == 1, timeout=WAIT_MS)
    assert running.item(0).text().startswith(f"long (run {run_id})")
    assert view.dashboard.counts["running"] == 1
    gate.write_text("go")
    page.wait_final(run_id)
    qtbot.waitUntil(lambda: running.count() == 0, timeout=WAIT_MS)


def test_open_log_shows_the_run_log_read_only(page: JobsPage, qtbot: QtBot) -> None:
    view = page.open([{"id": "talk", "command": py("print('line one'); print('line two')")}])
    page.wait_final(page.run("talk"))
    view.tabs.setCurrentWidget(view.history)
    view.history.set_filters(job="talk")
    wait_loaded(view, qtbot)
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
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=WAIT_MS)
    assert seen == ["line one\nline two\n", "True"]


def test_a_run_without_output_has_no_log(page: JobsPage, qtbot: QtBot) -> None:
    view = page.open([{"id": "quiet", "command": py("")}])
    run_id = page.wait_final(page.run("quiet")).id
    view.tabs.setCurrentWidget(view.history)
    view.history.set_filters(job="quiet")
    wait_loaded(view, qtbot)
    view.history.table.selectRow(0)
    seen = answer_next_message_box(standard_button(QMessageBox.StandardButton.Ok))
    view.history.open_log_button.click()
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=WAIT_MS)
    assert seen == ["No log", f"Run {run_id} has no log file (it never started)."]


def test_datasets_tab_lists_allocations_while_a_run_holds_them(
    page: JobsPage, qtbot: QtBot, tmp_path: Path
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
    view.tabs.setCurrentWidget(view.datasets)
    run_id = page.run("holder")
    model = view.datasets.model
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=WAIT_MS)
    row = model.rows()[0]
    assert (row.name, row.mode, row.owner_kind, row.owner_id) == (
        "raw",
        "exclusive",
        "run",
        str(run_id),
    )
    assert row.path == str(data)

    # the run's own child holds the data, and the table says so beside the run
    def child_pid() -> int | None:
        return next((r.pid for r in page.jobs.active_runs() if r.id == run_id), None)

    qtbot.waitUntil(lambda: bool(child_pid()), timeout=WAIT_MS)
    child = child_pid()

    def shows_child() -> bool:
        view.datasets.refresh()  # the table re-reads every 2 s; read now
        return model.index(0, COL_PID).data() == str(child)

    qtbot.waitUntil(shows_child, timeout=WAIT_MS)
    assert model.index(0, COL_OWNER).data() == f"run {run_id}"
    assert model.index(0, COL_JOB).data() == "holder"
    assert child != os.getpid()
    gate.write_text("go")
    page.wait_final(run_id)
    qtbot.waitUntil(lambda: model.rowCount() == 0, timeout=WAIT_MS)
    assert view.datasets.empty_label.isVisible()
