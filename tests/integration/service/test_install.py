"""`opspanel service install | uninstall | status` as a user runs them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from panel.service.unit import unit_name
from tests.integration.service.conftest import ServiceEnv

engine_conftest = __import__("importlib").import_module("tests.integration.engine.conftest")
start_engine = engine_conftest.start_engine
prepare_workspace = engine_conftest.prepare_workspace
demo_config = engine_conftest.demo_config


def test_service_help_says_what_each_action_does(real_systemctl: ServiceEnv) -> None:
    top = real_systemctl.run("--help")
    assert top.returncode == 0 and "service" in top.stdout
    result = real_systemctl.run("service", "--help")
    assert result.returncode == 0, result.stderr
    for word in ("install", "uninstall", "status", "systemd", "opspanel-<hash>.service"):
        assert word in result.stdout
    bare = real_systemctl.run("service")
    assert bare.returncode == 2 and "usage: opspanel service" in bare.stderr


def test_without_systemd_the_unit_is_written_and_enabled_and_the_user_told(
    tmp_path: Path, real_systemctl: ServiceEnv
) -> None:
    ws = tmp_path / "my ws"
    name = unit_name(ws)
    unit = real_systemctl.unit_dir / name
    result = real_systemctl.run("service", "install", "--workspace", str(ws))
    assert result.returncode == 1
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in message
    assert f"wrote {unit}" in message and "systemd is not reachable" in message
    assert f"systemctl --user enable --now {name}" in message
    assert unit.is_file() and "ExecStart=" in unit.read_text()
    assert (real_systemctl.unit_dir / "default.target.wants" / name).is_symlink()

    status = real_systemctl.run("service", "status", "--workspace", str(ws))
    assert status.returncode == 3  # the engine does not answer
    assert str(unit) in status.stdout
    assert "enabled  enabled" in status.stdout
    assert "active   unknown (systemd is not reachable" in status.stdout
    assert "engine   not answering" in status.stdout

    removed = real_systemctl.run("service", "uninstall", "--workspace", str(ws))
    assert removed.returncode == 1 and "nothing was stopped" in removed.stderr
    assert not unit.exists()
    assert not (real_systemctl.unit_dir / "default.target.wants" / name).exists()


def test_with_systemd_install_reloads_and_enables_now_and_uninstall_undoes_it(
    tmp_path: Path, fake_systemctl: ServiceEnv
) -> None:
    ws = tmp_path / "ws"
    name = unit_name(ws)
    result = fake_systemctl.run("service", "install", "--workspace", str(ws))
    assert result.returncode == 0, result.stderr
    assert f"installed {name}" in result.stdout
    assert str(fake_systemctl.unit_dir / name) in result.stdout
    assert fake_systemctl.systemctl_calls() == [
        ["--user", "daemon-reload"],
        ["--user", "enable", "--now", name],
    ]
    assert not (ws / "workspace.db").exists(), "install must not create the workspace"

    removed = fake_systemctl.run("service", "uninstall", "--workspace", str(ws))
    assert removed.returncode == 0, removed.stderr
    assert not (fake_systemctl.unit_dir / name).exists()
    assert fake_systemctl.systemctl_calls()[2:] == [
        ["--user", "disable", "--now", name],
        ["--user", "daemon-reload"],
    ]
    again = fake_systemctl.run("service", "uninstall", "--workspace", str(ws))
    assert again.returncode == 0 and "does not exist" in again.stdout


def test_two_workspaces_get_two_units(tmp_path: Path, fake_systemctl: ServiceEnv) -> None:
    for ws in (tmp_path / "a", tmp_path / "b"):
        assert fake_systemctl.run("service", "install", "--workspace", str(ws)).returncode == 0
    units = sorted(p.name for p in fake_systemctl.unit_dir.glob("opspanel-*.service"))
    assert units == sorted([unit_name(tmp_path / "a"), unit_name(tmp_path / "b")])


def test_an_engine_already_running_there_is_named_instead_of_a_failing_start(
    tmp_path: Path, fake_systemctl: ServiceEnv, start_engine: Callable[..., object], free_port: int
) -> None:
    ws = prepare_workspace(tmp_path / "ws", demo_config(free_port, autostart=False))
    engine = start_engine(ws)
    name = unit_name(ws)
    result = fake_systemctl.run("service", "install", "--workspace", str(ws))
    assert result.returncode == 1
    assert f"already runs on {ws} outside the service (pid {engine.proc.pid})" in result.stderr
    assert f"systemctl --user start {name}" in result.stderr
    calls = fake_systemctl.systemctl_calls()
    assert ["--user", "enable", name] in calls
    assert ["--user", "enable", "--now", name] not in calls


def test_a_system_unit_needs_an_explicit_workspace(real_systemctl: ServiceEnv) -> None:
    result = real_systemctl.run("service", "install", "--system")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "opspanel service: --system needs --workspace DIR: a system unit has no per-user workspace"
    )
