"""The `executors` section and a job's `executor`: every problem named by its JSON path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from panel.workspace import Workspace
from panel.workspace.schema import validate_workspace_json
from panel.workspace.transfer import export_config, import_config

SERVICES = [{"name": "server", "command": ["x"]}]


def doc(**sections: Any) -> dict[str, Any]:
    return {"version": 1, "services": SERVICES, **sections}


def test_a_valid_cluster_executor_and_a_job_on_it_pass() -> None:
    executors = {"cluster": {"kind": "celery", "broker": "rediss://:pw@h:6380/0", "queue": "q"}}
    jobs = [{"id": "a", "command": "true", "executor": "cluster"}, {"id": "b", "command": "true"}]
    assert validate_workspace_json(doc(executors=executors, jobs=jobs)) == []


def test_bad_executors_are_named_by_json_path() -> None:
    executors = {
        "cluster": {"kind": "celry", "broker": "http://x", "queue": "", "dispatchTimeoutS": -1},
        "local": {"kind": "celery", "broker": "redis://x"},
        "b d": {"kind": "celery", "broker": "redis://x"},
        "nokind": {"broker": "redis://x", "brokr": 1},
    }
    assert validate_workspace_json(doc(executors=executors)) == [
        ("$.executors.cluster.broker", '"http://x" is not a redis:// or rediss:// URL'),
        ("$.executors.cluster.dispatchTimeoutS", "-1 is less than the minimum of 0"),
        ("$.executors.cluster.kind", '"celry" is not one of "celery"'),
        ("$.executors.cluster.queue", "must not be empty"),
        (
            "$.executors.local",
            "`local` is this machine's own executor; name a cluster executor otherwise",
        ),
        ("$.executors.nokind.brokr", "unknown field; did you mean 'broker'?"),
        ("$.executors.nokind.kind", "required field is missing"),
        ('$.executors["b d"]', "not an executor name (letters, digits, '.', '_', '-')"),
    ]


def test_a_job_on_an_unknown_executor_is_named() -> None:
    executors = {"cluster": {"kind": "celery", "broker": "redis://h:6379/0"}}
    jobs = [
        {"id": "base", "template": True, "executor": "gpu"},
        {"id": "a", "command": "true", "executor": "cluster"},
        {"id": "b", "command": "true", "executor": "local"},
    ]
    assert validate_workspace_json(doc(executors=executors, jobs=jobs)) == [
        ("$.jobs[0].executor", "unknown executor 'gpu' (known: local, cluster)"),
    ]


def test_the_section_is_imported_and_exported(tmp_path: Path) -> None:
    executors = {"cluster": {"kind": "celery", "broker": "redis://h:6379/0"}}
    with Workspace.open(tmp_path / "ws") as ws:
        import_config(ws, doc(executors=executors))
        assert ws.config_object("executors") == executors
        assert export_config(ws)["executors"] == executors
