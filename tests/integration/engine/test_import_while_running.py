"""`opspanel import` while an engine runs on the workspace: the engine applies it at once."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.integration.engine.conftest import (
    HeadlessEngine,
    ctl,
    demo_config,
    prepare_workspace,
)

PANEL = (sys.executable, "-m", "panel")


def _import(ws: Path, file: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PANEL, "--workspace", str(ws), "import", str(file)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _config(ws: Path, tmp_path: Path, free_port: int) -> dict[str, object]:
    exported = subprocess.run(
        [*PANEL, "--workspace", str(ws), "export", "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    data = json.loads(exported.stdout)
    data["jobs"] = [{"id": "imported-job", "command": [sys.executable, "-c", "pass"]}]
    return data


def test_import_goes_through_the_running_engine(
    tmp_path: Path, free_port: int, start_engine: Callable[[Path], HeadlessEngine]
) -> None:
    ws = prepare_workspace(tmp_path / "ws", demo_config(free_port, autostart=False))
    start_engine(ws)
    data = _config(ws, tmp_path, free_port)
    file = tmp_path / "config.json"
    file.write_text(json.dumps(data))

    done = _import(ws, file)
    assert done.returncode == 0, done.stderr
    assert "running engine" in done.stdout and "jobs: 1" in done.stdout, done.stdout
    listed = json.loads(ctl(ws, "jobs", "list", "--json").stdout)
    rows = listed["jobs"] if isinstance(listed, dict) else listed
    assert [job["id"] for job in rows] == ["imported-job"]  # at once, not at the next start

    data["jobs"] = [{"id": "bad", "command": []}]
    file.write_text(json.dumps(data))
    refused = _import(ws, file)
    assert refused.returncode == 2 and "$.jobs[0].command" in refused.stderr, refused.stderr
    listed = json.loads(ctl(ws, "jobs", "list", "--json").stdout)
    rows = listed["jobs"] if isinstance(listed, dict) else listed
    assert [job["id"] for job in rows] == ["imported-job"]  # nothing changed


def test_an_import_file_over_the_cap_is_refused(tmp_path: Path, workspace_dir: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as out:
        out.truncate(17 * 1024 * 1024)  # sparse: cheap to make
    done = _import(workspace_dir, big)
    assert done.returncode == 2
    assert "16 MiB" in done.stderr and str(big) in done.stderr, done.stderr
    assert not (workspace_dir / "workspace.db").exists()  # refused before anything was made
