"""Safety: dangerous-command detection and resource limits through util-linux `prlimit`.

`dangerous_reasons(text)` names what looks destructive in a command line; the
engine refuses to run such a job without an explicit `confirm` (the UI asks the
operator, the API and ctl need a `confirm` flag).

Limits: PySide6's QProcess cannot run Python code between fork and exec, so a
run's setrlimit is done by util-linux ``prlimit --as=B --cpu=S --nofile=N --
cmd...`` as an argv prefix when `prlimit` is installed; where it is not, the
limits are not applied and `limit_prefix` returns None (the engine logs it).
"""

from __future__ import annotations

import re
import shutil
import sys

from panel.jobs.model import Limits

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"\brm\s+(-[a-zA-Z]*\s+)*-[a-zA-Z]*[rR][a-zA-Z]*\s+(-[a-zA-Z]+\s+)*(/|/\*|~/?)(\s|$|;)"
        ),
        "recursive delete of / or ~",
    ),
    (re.compile(r"\brm\s+(-[a-zA-Z-]+\s+)*--no-preserve-root\b"), "rm --no-preserve-root"),
    (re.compile(r"\bmkfs(\.\w+)?\b"), "creates a file system (mkfs)"),
    (re.compile(r"\bdd\s+.*\bif="), "raw copy with dd"),
    (re.compile(r"\bof=/dev/(sd|hd|nvme|vd|xvd|mmcblk)"), "writes to a disk device"),
    (re.compile(r">\s*/dev/(sd|hd|nvme|vd|xvd|mmcblk)"), "writes to a disk device"),
    (re.compile(r":\(\)\s*\{\s*:\|:&\s*\};:"), "fork bomb"),
    (re.compile(r"\bchmod\s+(-[a-zA-Z]+\s+)*[0-7]*777\s+/(\s|$)"), "chmod 777 /"),
)


def dangerous_reasons(text: str) -> list[str]:
    """What looks destructive in command line `text` (empty when nothing does)."""
    found: list[str] = []
    for pattern, reason in _PATTERNS:
        if pattern.search(text) and reason not in found:
            found.append(reason)
    return found


def limit_prefix(limits: Limits) -> list[str] | None:
    """`prlimit --as=.. --cpu=.. --nofile=.. --`; [] without limits; None if unavailable."""
    if not limits.any:
        return []
    tool = shutil.which("prlimit") if sys.platform.startswith("linux") else None
    if tool is None:
        return None
    argv = [tool]
    if limits.memory_mb is not None:
        argv.append(f"--as={limits.memory_mb * 1024 * 1024}")
    if limits.cpu_seconds is not None:
        argv.append(f"--cpu={limits.cpu_seconds}")
    if limits.open_files is not None:
        argv.append(f"--nofile={limits.open_files}")
    return [*argv, "--"]
