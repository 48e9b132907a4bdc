"""`opspanel service install | uninstall | status`: the engine of a workspace as a systemd unit.

Its parser is `panel.service.parser` (light: every start of `opspanel` builds it).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from pathlib import Path
from typing import Any

from panel.service.syntax import UnitSyntaxError, check_arg
from panel.service.systemctl import Outcome, shown, systemctl
from panel.service.unit import (
    Scope,
    UnitSpec,
    engine_command,
    service_user,
    stop_timeout_s,
    unit_name,
)
from panel.workspace.errors import WorkspaceError
from panel.workspace.location import resolve_workspace_dir

LINGER_DIR = Path("/var/lib/systemd/linger")
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_NOT_RUNNING = 0, 1, 2, 3


def run_service(args: argparse.Namespace) -> int:
    """Run the parsed `service` action; returns the exit code."""
    action = getattr(args, "service_action", None)
    if action is None:
        args.service_parser.print_help(sys.stderr)
        return EXIT_USAGE
    system = bool(getattr(args, "system", False))
    if system and not args.workspace:
        return _fail("--system needs --workspace DIR: a system unit has no per-user workspace")
    workspace = resolve_workspace_dir(args.workspace).resolve()
    try:
        check_arg(str(workspace))
    except UnitSyntaxError as exc:
        return _fail(f"the workspace path cannot go into a unit file: {exc}")
    scope = Scope.machine() if system else Scope.user()
    if action == "install":
        return install(workspace, scope)
    if action == "uninstall":
        return uninstall(workspace, scope)
    return status(workspace, scope, as_json=bool(args.json))


# -- install ---------------------------------------------------------------------------


def install(workspace: Path, scope: Scope) -> int:
    """Write the unit, `daemon-reload`, `enable --now`; say what to do where that fails."""
    try:
        spec = UnitSpec(
            workspace,
            engine_command(),
            scope,
            stop_timeout_s=stop_timeout_s(workspace),
            user=service_user() if scope.system else None,
        )
        text = spec.render()
    except (WorkspaceError, UnitSyntaxError) as exc:
        return _fail(str(exc))
    path, name = spec.path, spec.name
    before = path.read_text(encoding="utf-8") if path.is_file() else None
    try:
        _write_unit(path, text)
    except OSError as exc:
        root = " (a --system unit needs root: run it with sudo)" if scope.system else ""
        return _fail(f"cannot write the unit file {path}: {exc.strerror or exc}{root}")
    reload = systemctl(scope, "daemon-reload")
    if not reload.ok:
        return _unreachable(spec, reload)
    other = _foreign_engine(workspace, scope, name)
    if other is not None:
        systemctl(scope, "enable", name)
        return _fail(
            f"wrote and enabled {path}, but OpsPanel already runs on {workspace} outside the "
            f"service (pid {other}): quit it, then run `{shown(scope, 'start', name)}`"
        )
    enabled = systemctl(scope, "enable", "--now", name)
    if not enabled.ok:
        journal = "journalctl" + ("" if scope.system else " --user")
        return _fail(
            f"wrote {path}, but `{shown(scope, 'enable', '--now', name)}` failed: "
            f"{enabled.message or 'no reason given'}; see `{journal} -u {name}`"
        )
    print(f"installed {name}: the engine on {workspace} runs as a {scope.label} service")
    print(f"  unit file  {path}")
    where = shlex.quote(str(workspace))
    print(f"  status     opspanel service status --workspace {where}{_flag(scope)}")
    if before is not None and before != text:
        print(f"  the unit changed: `{shown(scope, 'restart', name)}` puts it in effect")
    if not scope.system:
        _linger_hint()
    return EXIT_OK


def _write_unit(path: Path, text: str) -> None:
    """Write the unit file (0644) atomically: a reload never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise


def _unreachable(spec: UnitSpec, reload: Outcome) -> int:
    """systemd does not answer: enable the unit for the next boot if we can, say what to do."""
    offline = systemctl(spec.scope, "enable", spec.name)
    done = f"wrote {spec.path}" + (" and enabled it for the next boot" if offline.ok else "")
    then = (
        f"{shown(spec.scope, 'daemon-reload')} && {shown(spec.scope, 'enable', '--now', spec.name)}"
    )
    return _fail(
        f"{done}, but systemd is not reachable here ({reload.message or 'no reason given'}), "
        f"so the engine was not started: once systemd runs, `{then}`"
    )


def _foreign_engine(workspace: Path, scope: Scope, name: str) -> int | None:
    """The pid of an engine already running on `workspace` that is not this unit's."""
    from panel.api.apifile import ApiFileError, api_file_path, read_api_file

    try:
        pid = read_api_file(api_file_path(workspace)).pid
    except (OSError, ApiFileError):
        return None
    if not _pid_alive(pid):
        return None
    main = systemctl(scope, "show", "--property=MainPID", "--value", name)
    return None if main.ok and main.stdout == str(pid) else pid


def _pid_alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _linger_hint() -> None:
    import getpass

    user = getpass.getuser()
    if not (LINGER_DIR / user).exists():
        print(
            "  it starts when you log in; to start it at boot without a login: "
            f"loginctl enable-linger {user}"
        )


# -- uninstall -------------------------------------------------------------------------


def uninstall(workspace: Path, scope: Scope) -> int:
    """`disable --now` the unit, remove its file, `daemon-reload`."""
    name = unit_name(workspace)
    path = scope.unit_dir / name
    if not path.exists():
        print(f"no {scope.label} unit for {workspace}: {path} does not exist")
        return EXIT_OK
    stopped = systemctl(scope, "disable", "--now", name)
    if not stopped.ok:
        systemctl(scope, "disable", name)  # without systemd running this still unlinks it
    try:
        path.unlink()
    except OSError as exc:
        root = " (a --system unit needs root: run it with sudo)" if scope.system else ""
        return _fail(f"cannot remove the unit file {path}: {exc.strerror or exc}{root}")
    if not stopped.ok:
        return _fail(
            f"removed {path}, but systemd is not reachable here "
            f"({stopped.message or 'no reason given'}), so nothing was stopped"
        )
    systemctl(scope, "daemon-reload")
    print(f"uninstalled {name}: stopped, disabled, {path} removed")
    return EXIT_OK


# -- status ----------------------------------------------------------------------------


def status(workspace: Path, scope: Scope, *, as_json: bool) -> int:
    """Print the unit's file, enabled and active states and the engine's own status."""
    name = unit_name(workspace)
    path = scope.unit_dir / name
    installed = path.is_file()
    enabled = systemctl(scope, "is-enabled", name) if installed else None
    active = systemctl(scope, "is-active", name) if installed else None
    engine = _engine_status(workspace)
    report: dict[str, Any] = {
        "unit": name,
        "scope": scope.label,
        "unitFile": str(path) if installed else None,
        "enabled": _state(enabled),
        "active": _state(active),
        "systemd": None if active is None or active.stdout else active.message,
        "engine": engine.get("engine"),
        "server": engine.get("server"),
        "engineError": engine.get("error"),
    }
    if as_json:
        print(json.dumps(report, indent=2))
    else:
        _print_status(report, workspace)
    return EXIT_OK if report["engine"] is not None else EXIT_NOT_RUNNING


def _state(outcome: Outcome | None) -> str | None:
    """systemctl's one-word answer ("enabled", "active", ...), or None when it gave none."""
    if outcome is None:
        return None
    return outcome.stdout.split()[0] if outcome.stdout else None


def _engine_status(workspace: Path) -> dict[str, Any]:
    from panel.api.apifile import ApiFileError
    from panel.api.client import ApiClient, ApiClientError

    try:
        with ApiClient.from_workspace(workspace, connect_timeout=3.0) as client:
            return dict(client.call("status", timeout=5.0))
    except (ApiClientError, ApiFileError, OSError) as exc:
        return {"error": str(exc)}


def _print_status(report: dict[str, Any], workspace: Path) -> None:
    from panel.api.ctl import format_server_status, format_uptime

    unreachable = f"unknown (systemd is not reachable: {report['systemd']})"
    if report["unitFile"] is None:
        print(f"unit     {report['unit']} ({report['scope']}): not installed")
    else:
        print(f"unit     {report['unit']} ({report['scope']})  {report['unitFile']}")
        print(f"enabled  {report['enabled'] or unreachable}")
        print(f"active   {report['active'] or unreachable}")
    engine = report["engine"]
    if engine is None:
        print(f"engine   not answering: {report['engineError']}")
        return
    print(
        f"engine   pid {engine.get('pid')}  version {engine.get('version')}  "
        f"up {format_uptime(engine.get('uptime'))}  workspace {workspace}"
    )
    print(f"server   {format_server_status(report['server'] or {})}")


def _flag(scope: Scope) -> str:
    return " --system" if scope.system else ""


def _fail(message: str) -> int:
    print(f"opspanel service: {message}", file=sys.stderr)
    return EXIT_FAILED
