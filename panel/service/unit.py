"""The systemd unit that runs `opspanel --headless` on one workspace, and where it is written.

One unit per workspace, named after it: ``opspanel-<16 hex digits>.service``, the
digits being the start of the SHA-1 of the workspace's absolute path (the same key as
the workspace's lock, see `panel.workspace.workspace.workspace_key`). Its description
names the folder. A user unit (the default) lives in ``$XDG_CONFIG_HOME/systemd/user``
(``~/.config/systemd/user``) and is wanted by ``default.target``; a system unit lives in
``/etc/systemd/system``, is wanted by ``multi-user.target`` and runs as the user who
installed it (``$SUDO_USER`` under sudo).
"""

from __future__ import annotations

import getpass
import math
import os
import shlex
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from panel.service.syntax import command_line, escape_value
from panel.workspace.location import workspace_key

SYSTEM_UNIT_DIR = Path("/etc/systemd/system")
MIN_STOP_TIMEOUT_S = 90
"""At least this long for the engine's ordered shutdown before systemd kills what is left."""
STOP_MARGIN_S = 60
"""Beyond the jobs' shutdown grace: the server's and the connections' stop timeouts."""


@dataclass(frozen=True)
class Scope:
    """A user unit (the user's own service manager) or a system unit (PID 1)."""

    system: bool
    unit_dir: Path

    @classmethod
    def user(cls, environ: Mapping[str, str] | None = None) -> Scope:
        """User units: $XDG_CONFIG_HOME/systemd/user, or ~/.config/systemd/user."""
        env = os.environ if environ is None else environ
        config = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
        return cls(system=False, unit_dir=Path(config) / "systemd" / "user")

    @classmethod
    def machine(cls) -> Scope:
        """System units: /etc/systemd/system (needs root)."""
        return cls(system=True, unit_dir=SYSTEM_UNIT_DIR)

    @property
    def label(self) -> str:
        """ "user" or "system"."""
        return "system" if self.system else "user"

    @property
    def systemctl(self) -> list[str]:
        """The systemctl argv prefix for this scope."""
        return ["systemctl"] if self.system else ["systemctl", "--user"]

    @property
    def wanted_by(self) -> str:
        """The target that starts the unit at boot (or at login, for a user unit)."""
        return "multi-user.target" if self.system else "default.target"


def unit_name(workspace: Path) -> str:
    """The unit's name for `workspace`: ``opspanel-<key>.service``."""
    return f"{workspace_key(workspace)}.service"


def engine_command() -> list[str]:
    """How to run this very `opspanel`: the frozen bundle, or this Python with ``-m panel``.

    ``-P`` keeps the service's working directory out of `sys.path`, so a folder there
    named ``panel`` cannot stand in for the program.
    """
    if getattr(sys, "frozen", False):
        return [os.path.abspath(sys.executable)]
    return [os.path.abspath(sys.executable), "-P", "-m", "panel"]


def service_user(environ: Mapping[str, str] | None = None) -> str | None:
    """Who a system unit runs as: the user behind sudo, or the current user; None for root."""
    env = os.environ if environ is None else environ
    name = env.get("SUDO_USER") or getpass.getuser()
    return None if name == "root" else name


def stop_timeout_s(workspace: Path) -> int:
    """TimeoutStopSec: long enough for the engine's ordered shutdown of this workspace.

    Running jobs get `jobs.shutdownGraceSecs` (30 s by default) to finish; the server and
    the connections then get their own stop timeouts, covered by a margin.
    """
    from panel.workspace.workspace import DB_NAME, Workspace

    grace = 30.0
    if (workspace / DB_NAME).exists():
        with Workspace.open(workspace) as ws:
            grace = float(ws.get_setting("jobs.shutdownGraceSecs", grace))
    return max(MIN_STOP_TIMEOUT_S, math.ceil(grace + STOP_MARGIN_S))


@dataclass(frozen=True)
class UnitSpec:
    """Everything the unit file says."""

    workspace: Path
    command: list[str]
    scope: Scope
    stop_timeout_s: int = MIN_STOP_TIMEOUT_S
    user: str | None = None

    @property
    def name(self) -> str:
        """The unit's name."""
        return unit_name(self.workspace)

    @property
    def path(self) -> Path:
        """Where the unit file goes."""
        return self.scope.unit_dir / self.name

    @property
    def exec_start(self) -> list[str]:
        """The argv systemd starts."""
        return [*self.command, "--headless", "--workspace", str(self.workspace)]

    def render(self) -> str:
        """The unit file's text."""
        system = self.scope.system
        lines = [
            "# Written by `opspanel service install`; remove it with",
            f"#   opspanel service uninstall --workspace {shlex.quote(str(self.workspace))}"
            + (" --system" if system else ""),
            "[Unit]",
            f"Description=OpsPanel engine on {escape_value(str(self.workspace))}",
            *(["After=network.target"] if system else []),
            "",
            "[Service]",
            "Type=notify",
            "NotifyAccess=main",
            f"ExecStart={command_line(self.exec_start)}",
            "Restart=on-failure",
            "RestartSec=2",
            # Signals go to the engine alone: a stop's SIGTERM makes it stop its children
            # in order. When the engine crashes systemd kills nothing else, so connection
            # workers with connections.keepRunning go on polling and the restarted engine
            # adopts them; without it the engine's reaper ends every child, as before.
            "KillMode=process",
            f"TimeoutStopSec={self.stop_timeout_s}",
            # The engine puts each child in a cgroup of its own below the service's
            # (the kept workers in none of the engine's, so its reaper spares them).
            "Delegate=yes",
            "Environment=PYTHONUNBUFFERED=1",
            "SyslogIdentifier=opspanel",
            *([f"User={self.user}"] if system and self.user else []),
            "",
            "[Install]",
            f"WantedBy={self.scope.wanted_by}",
        ]
        return "\n".join(lines) + "\n"


def exec_start_of(text: str) -> str | None:
    """The `ExecStart=` value of a unit file's text, if it has one."""
    for line in text.splitlines():
        if line.startswith("ExecStart="):
            return line.removeprefix("ExecStart=")
    return None
