"""The demo workspace's jobs: valid, a real DAG, and run by the panel's own interpreter."""

from __future__ import annotations

import sys
from pathlib import Path

from panel.demo.config import demo_jobs
from panel.jobs.command import run_argv
from panel.jobs.model import JobDef
from panel.workspace.schema import validate_workspace_json
from panel.workspace.workspace import Workspace


def test_demo_jobs_are_valid_and_depend_on_each_other() -> None:
    problems = validate_workspace_json({"version": 1, "jobs": demo_jobs()})
    assert [p for p in problems if p[0].startswith("$.jobs")] == []
    by_id = {job["id"]: job for job in demo_jobs()}
    assert by_id["daily-report"]["dependsOn"] == ["clean-readings"]
    assert by_id["clean-readings"]["dependsOn"] == ["fetch-readings"]


def test_python_placeholder_is_the_panels_interpreter() -> None:
    job = JobDef.from_json(demo_jobs()[0])
    argv = run_argv(job, {})
    assert argv[0] == sys.executable and "{python}" not in " ".join(argv)


def test_only_a_first_run_demo_workspace_gets_the_jobs(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "plain") as ws:
        assert ws.config_section("jobs") == []
    with Workspace.open(tmp_path / "demo", seed_demo=True) as ws:
        assert [job["id"] for job in ws.config_section("jobs")] == [
            job["id"] for job in demo_jobs()
        ]
