"""The Jobs page of a window, embedded or attached, with jobs imported and real runs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from panel.jobs.snapshots import HistoryQuery, RunSnapshot
from panel.viewmodels.models import EngineModels
from panel.views.jobs_view import JobsView
from panel.views.main_window import MainWindow

PY = sys.executable
WAIT_MS = 30_000
"""Generous: an attached window waits for a subprocess engine on a busy machine."""


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


class JobsPage:
    """A window's Jobs page and its jobs model, as the operator works with them."""

    def __init__(self, window: MainWindow, qtbot: QtBot) -> None:
        self.window = window
        self.models: EngineModels = window.models
        self.jobs = window.models.jobs
        self.qtbot = qtbot
        self.runs: dict[int, RunSnapshot] = {}
        self.jobs.sig_run_changed.connect(self._seen)

    @property
    def view(self) -> JobsView:
        return self.window.jobs_view

    def _seen(self, run: RunSnapshot) -> None:
        self.runs[run.id] = run

    def open(self, jobs: list[dict[str, Any]]) -> JobsView:
        """Import `jobs` (as File > Import does) and show the Jobs page."""
        exported: list[dict[str, Any] | None] = []
        self.models.engine.export_config(lambda config, _problem: exported.append(config))
        self.qtbot.waitUntil(lambda: bool(exported), timeout=WAIT_MS)
        config = dict(exported[0] or {})
        config["jobs"] = jobs
        answers: list[str | None] = []
        self.models.engine.import_config(config, lambda _applied, problem: answers.append(problem))
        self.qtbot.waitUntil(lambda: bool(answers), timeout=WAIT_MS)
        assert answers == [None]
        wanted = sorted(j["id"] for j in jobs if "id" in j)
        self.qtbot.waitUntil(
            lambda: (
                sorted(j.id for j in self.jobs.jobs()) == wanted
                and sorted(self.view.graph.nodes) == wanted
            ),
            timeout=WAIT_MS,
        )
        self.window.show_page(self.view)
        self.view.tabs.setCurrentIndex(0)
        return self.view

    def run(self, job_id: str, options: dict[str, Any] | None = None, confirm: bool = False) -> int:
        """Run `job_id` through the model (as the API or a schedule would); its run id."""
        answer: list[tuple[int | None, str | None]] = []
        self.jobs.run_job(job_id, options or {}, False, confirm, lambda r, e: answer.append((r, e)))
        self.qtbot.waitUntil(lambda: bool(answer), timeout=WAIT_MS)
        run_id, error = answer[0]
        assert error is None and run_id is not None, error
        return run_id

    def wait_final(self, run_id: int, timeout_ms: int = WAIT_MS) -> RunSnapshot:
        """Wait until run `run_id` has reached its final state, as the model tells it."""

        def final() -> bool:
            run = self.runs.get(run_id)
            active = {r.id for r in self.jobs.active_runs()}
            return run is not None and run.is_final and run_id not in active

        self.qtbot.waitUntil(final, timeout=timeout_ms)
        return self.runs[run_id]

    def history(self, **filters: Any) -> list[RunSnapshot]:
        """The runs matching `filters`, read through the model."""
        answer: list[list[RunSnapshot] | None] = []
        self.jobs.history(HistoryQuery(**filters), lambda runs, _error: answer.append(runs))
        self.qtbot.waitUntil(lambda: bool(answer), timeout=WAIT_MS)
        assert answer[0] is not None
        return answer[0]
