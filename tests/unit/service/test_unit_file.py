"""The generated unit, checked by systemd's own parser (`systemd-analyze verify`)."""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
from pathlib import Path

import pytest

from panel.app import seeds_demo
from panel.service.syntax import split_command_line
from panel.service.unit import Scope, UnitSpec, engine_command, exec_start_of, unit_name
from tests.system_packages import need


def verify(unit: Path, *, user: bool, runtime: Path) -> str:
    """What `systemd-analyze [--user] verify UNIT` prints (it exits 0 for bad values too)."""
    argv = [need("systemd-analyze"), *(["--user"] if user else []), "verify", str(unit)]
    # A user manager needs a runtime directory; a private one is enough to load units.
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), SYSTEMD_LOG_LEVEL="notice")
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, env=env)
    return (done.stdout + done.stderr).strip()


def write(spec: UnitSpec, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / spec.name
    path.write_text(spec.render())
    return path


@pytest.mark.parametrize("system", [False, True], ids=["user", "system"])
def test_systemd_accepts_every_line_of_the_unit(tmp_path: Path, system: bool) -> None:
    scope = Scope(system=system, unit_dir=tmp_path / "units")
    me = pwd.getpwuid(os.getuid()).pw_name
    spec = UnitSpec(tmp_path / "my ws", engine_command(), scope, user=me if system else None)
    path = write(spec, scope.unit_dir)
    assert verify(path, user=not system, runtime=tmp_path / "run") == ""
    text = path.read_text()
    for line in (
        "Type=notify",
        "NotifyAccess=main",
        "Restart=on-failure",
        "KillMode=process",
        f"WantedBy={'multi-user.target' if system else 'default.target'}",
    ):
        assert line in text.splitlines()
    assert (f"User={me}" in text) is system


def test_the_check_does_see_a_bad_value(tmp_path: Path) -> None:
    scope = Scope(system=False, unit_dir=tmp_path / "units")
    path = write(UnitSpec(tmp_path / "ws", engine_command(), scope), scope.unit_dir)
    path.write_text(path.read_text().replace("KillMode=process", "KillMode=gentle"))
    assert "Failed to parse kill mode" in verify(path, user=True, runtime=tmp_path / "run")


def test_an_executable_path_with_quotes_percent_and_dollar_is_found_by_systemd(
    tmp_path: Path,
) -> None:
    # systemd checks that ExecStart's first word is an executable: only exact quoting finds it.
    odd = tmp_path / "odd dir %n $HOME"
    odd.mkdir()
    python = odd / "python"
    python.symlink_to(sys.executable)
    scope = Scope(system=False, unit_dir=tmp_path / "units")
    spec = UnitSpec(tmp_path / '100% $ws "q" \\', [str(python), "-P", "-m", "panel"], scope)
    path = write(spec, scope.unit_dir)
    assert verify(path, user=True, runtime=tmp_path / "run") == ""
    line = exec_start_of(path.read_text())
    assert line is not None
    assert split_command_line(line) == [
        *spec.command,
        "--headless",
        "--workspace",
        spec.workspace.as_posix(),
    ]


def test_the_command_is_this_python_running_the_panel_module() -> None:
    argv = engine_command()
    assert argv == [os.path.abspath(sys.executable), "-P", "-m", "panel"]
    done = subprocess.run([*argv, "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("opspanel ")


def test_each_workspace_has_its_own_unit_name(tmp_path: Path) -> None:
    first, second = unit_name(tmp_path / "a"), unit_name(tmp_path / "b")
    assert first != second
    assert first.startswith("opspanel-") and first.endswith(".service")
    assert unit_name(tmp_path / "a" / ".." / "a") == first  # the same folder, however named


def test_a_new_workspace_gets_the_demo_in_the_window_or_with_demo_only() -> None:
    assert seeds_demo(first_run=True, headless=False, demo=False)
    assert not seeds_demo(first_run=True, headless=True, demo=False)
    assert seeds_demo(first_run=True, headless=True, demo=True)
    assert not seeds_demo(first_run=False, headless=False, demo=True)
