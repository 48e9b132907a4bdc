"""Running `systemctl` (argv lists, bounded) and telling "systemd is not reachable" apart."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

from panel.service.unit import Scope

TIMEOUT_S = 120.0
"""`enable --now` waits for the engine's READY=1 (or for systemd's start timeout)."""


@dataclass(frozen=True)
class Outcome:
    """What one systemctl run did."""

    ok: bool
    stdout: str
    message: str
    """systemctl's own words on stderr (or why it could not run), one line."""


def systemctl(scope: Scope, *args: str, timeout: float = TIMEOUT_S) -> Outcome:
    """Run ``systemctl [--user] ARGS...``; never raises."""
    argv = [*scope.systemctl, *args]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
    except FileNotFoundError:
        return Outcome(False, "", "systemctl is not installed")
    except subprocess.TimeoutExpired:
        return Outcome(False, "", f"`{' '.join(argv)}` did not finish within {timeout:.0f} s")
    except OSError as exc:
        return Outcome(False, "", f"systemctl could not run: {exc}")
    return Outcome(done.returncode == 0, done.stdout.strip(), _complaint(done.stderr))


def _complaint(stderr: str) -> str:
    """systemctl's error, without its notes on the symlinks it created or removed."""
    notes = ("Created symlink", "Removed ")
    lines = [line.strip() for line in stderr.splitlines()]
    return " ".join(line for line in lines if line and not line.startswith(notes))


def shown(scope: Scope, *args: str) -> str:
    """The command as a person would type it."""
    return " ".join([*scope.systemctl, *args])
