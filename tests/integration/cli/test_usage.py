"""What `opspanel --help` and `opspanel ctl GROUP` (no action) print, as real subprocesses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def opspanel(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m panel ARGV...` as a real subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "panel", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )


def test_help_lists_only_the_commands_a_person_uses() -> None:
    result = opspanel("--help")
    assert result.returncode == 0, result.stderr
    assert "SUPPRESS" not in result.stdout
    assert "reaper" not in result.stdout
    for command in ("ctl", "import", "export"):
        assert command in result.stdout


@pytest.mark.parametrize(
    ("group", "action"),
    [("jobs", "list"), ("server", "start"), ("conns", "tags"), ("sessions", "exec")],
)
def test_a_group_without_action_prints_its_own_usage(
    workspace_dir: Path, group: str, action: str
) -> None:
    result = opspanel("--workspace", str(workspace_dir), "ctl", group)
    assert result.returncode == 2
    assert result.stdout == ""
    assert f"usage: opspanel ctl {group}" in result.stderr
    assert action in result.stderr  # the actions it accepts are named


def test_no_engine_says_how_to_start_one(workspace_dir: Path) -> None:
    result = opspanel("ctl", "--workspace", str(workspace_dir), "status")
    assert result.returncode == 3 and result.stdout == ""
    (line,) = result.stderr.splitlines()  # one sentence, as every ctl failure
    assert line.startswith("opspanel ctl: the engine is not running for workspace")
    assert f"start one with `opspanel --headless --workspace {workspace_dir}`" in line
    assert f"`opspanel service install --workspace {workspace_dir}`" in line
