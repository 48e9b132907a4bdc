"""Words the window shows for internal values: worker states, job commands."""

from __future__ import annotations

import sys

from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from panel.connections.worker.fsm import State
from panel.views.format import format_argv
from panel.views.main_window import MainWindow
from panel.views.state_colors import worker_state_label
from tests.gui.jobs_page import WAIT_MS, JobsPage
from tests.gui.test_jobs_view import click_node
from tests.unit.test_translations import QM

WORDS = {
    State.CONFIGURE: "Configuring",
    State.CONNECT: "Connecting",
    State.EXECUTE: "Polling",
    State.RECONNECT: "Reconnecting",
    State.ERROR: "Error",
    State.IDLE: "Disabled",
    State.STOPPED: "Stopped",
}


def test_every_worker_state_has_a_word() -> None:
    assert {state: worker_state_label(str(state)) for state in State} == WORDS
    assert worker_state_label(None) == "-"  # no worker
    assert worker_state_label("LATER") == "LATER"  # a newer engine's state: as it says


def test_worker_states_read_in_korean(qapp: QApplication) -> None:
    translator = QTranslator()
    assert translator.load(QLocale("ko_KR"), "opspanel", "_", str(QM.parent))
    qapp.installTranslator(translator)
    try:
        assert worker_state_label("EXECUTE") == "수집 중"
        assert worker_state_label("RECONNECT") == "재연결 중"
        assert worker_state_label("IDLE") == "비활성"
    finally:
        qapp.removeTranslator(translator)


def test_a_charts_time_spans_read_in_korean(qapp: QApplication) -> None:
    """A plural in the chart base class reads in Korean in every chart made from it."""
    from panel.views.charts.resource_chart import ResourceChart
    from panel.views.job_duration_chart import DurationChart

    translator = QTranslator()
    assert translator.load(QLocale("ko_KR"), "opspanel", "_", str(QM.parent))
    qapp.installTranslator(translator)
    try:
        for chart in (ResourceChart("x"), DurationChart()):
            spans = [chart.span.itemText(i) for i in range(chart.span.count())]
            assert spans == ["최근 1분", "최근 5분", "최근 10분"], type(chart).__name__
            assert chart.follow.text() == "자동 스크롤"
            chart.deleteLater()
    finally:
        qapp.removeTranslator(translator)


def test_a_command_reads_as_argv_not_shell_quoting() -> None:
    argv = ["python3", "-c", "print('it''s')", "--name", "two words", ""]
    assert format_argv(argv) == "python3 -c print('it''s') --name \"two words\" \"\""
    assert format_argv(["echo", "don't"]) == "echo don't"
    assert format_argv("echo 'as written'") == "echo 'as written'"


def test_the_jobs_page_shows_the_command_as_argv(any_window: MainWindow, qtbot: QtBot) -> None:
    page = JobsPage(any_window, qtbot)
    code = 'print("it\'s done")'
    view = page.open([{"id": "quote", "command": [sys.executable, "-c", code]}])
    click_node(view, "quote", qtbot)
    qtbot.waitUntil(lambda: view.details.job_id == "quote", timeout=WAIT_MS)
    shown = view.details.command_label.text()
    assert shown == f'{sys.executable} -c "print("it\'s done")"'
    assert "'\"'\"'" not in shown  # the shell's quoting of a quote
