"""Log lines on demand in either mode: jobs that print what a test asks for, run through
the engine's API when the window is attached (as `opspanel-ctl jobs run` would)."""

from __future__ import annotations

import sys
from typing import Any

from pytestqt.qtbot import QtBot

from panel.viewmodels.models import EngineModels

TIMEOUT_MS = 30_000
NUMBERED = "import sys\nfor i in range(int(sys.argv[1]), int(sys.argv[2])): print(f'line {i}')"
SAY = "import sys\nprint(*sys.argv[1:], sep='\\n')"


def _job(job_id: str, script: str, options: list[dict[str, Any]]) -> dict[str, Any]:
    return {"id": job_id, "command": [sys.executable, "-c", script], "options": options}


def add_log_jobs(qtbot: QtBot, models: EngineModels) -> None:
    """Jobs `lines` (prints "line START" .. "line STOP-1"), `api` and `db` (print their
    arguments, a line each), imported through the engine model."""
    got: dict[str, Any] = {}
    models.engine.export_config(lambda config, problem: got.update(config=config))
    qtbot.waitUntil(lambda: "config" in got, timeout=TIMEOUT_MS)
    config = dict(got["config"])
    text = {"arg": "lines", "type": "array"}
    config["jobs"] = [
        _job("lines", NUMBERED, [{"arg": "start"}, {"arg": "stop"}]),
        _job("api", SAY, [text]),
        _job("db", SAY, [text]),
    ]
    models.engine.import_config(config, lambda applied, problem: got.update(done=problem))
    qtbot.waitUntil(lambda: "done" in got, timeout=TIMEOUT_MS)
    assert got["done"] is None


def run_job(models: EngineModels, job_id: str, options: dict[str, Any]) -> None:
    """Start a run of `job_id` (not waiting for it)."""
    if models.embedded is not None:
        models.embedded.jobs.run_job(job_id, options, confirm=True)
        return
    assert models.link is not None
    failed: list[object] = []
    models.link.call(
        "jobs.run", {"id": job_id, "options": options, "confirm": True}, None, failed.append
    )
    assert not failed


def print_numbered(models: EngineModels, start: int, stop: int) -> None:
    """Lines "line START" .. "line STOP-1" from source "job:lines"."""
    run_job(models, "lines", {"start": str(start), "stop": str(stop)})


def say(models: EngineModels, source: str, *lines: str) -> None:
    """`lines` from source "job:SOURCE" (SOURCE is "api" or "db")."""
    run_job(models, source, {"lines": list(lines)})
