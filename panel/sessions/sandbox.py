"""The bubblewrap sandbox session commands run in. No Qt: the runner uses this module.

A command sees the session folder at `/workspace` (its only writable place, and its
working folder), the system folders read-only, the panel's own interpreter
read-only (run_code uses it), a fresh `/tmp`, `/proc` of its own pid namespace,
and no network unless the session asked for it. The workspace, the home folder,
other sessions and the API's files are simply not there.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence

BWRAP_ENV = "OPSPANEL_BWRAP"
"""Environment variable naming the bwrap program to use (default: `bwrap` on PATH)."""

MOUNT_POINT = "/workspace"
"""Where the session folder appears inside the sandbox."""

SYSTEM_FOLDERS = ("/usr", "/etc", "/opt")
"""Bound read-only when present."""

TOP_LINKS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
"""Bound read-only, or re-created as the same symbolic link (merged /usr)."""

SANDBOX_PATH = "/usr/local/bin:/usr/bin:/bin"
"""PATH inside the sandbox (after the panel interpreter's own folder)."""

PROBE_TIMEOUT_S = 10.0


def bwrap_program() -> str:
    """The bwrap program: `$OPSPANEL_BWRAP`, else `bwrap` found on PATH, else `bwrap`."""
    return os.environ.get(BWRAP_ENV) or shutil.which("bwrap") or "bwrap"


@functools.cache
def sandbox_problem(program: str) -> str | None:
    """Why `program` cannot sandbox session commands here; None when it can (probed once)."""
    advice = (
        "install the Debian package 'bubblewrap', or set the workspace setting "
        "sessions.allowUnsandboxed to true to run session commands without a sandbox"
    )
    if not sys.platform.startswith("linux"):
        return f"sessions need bubblewrap (bwrap), which runs on Linux only: {advice}"
    found = shutil.which(program)
    if found is None:
        return (
            "sessions need bubblewrap (bwrap) to sandbox their commands: "
            f"{program} not found; {advice}"
        )
    argv = [found, *base_arguments(network=False), "--", "/bin/sh", "-c", "exit 0"]
    try:
        done = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=PROBE_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return f"sessions need bubblewrap (bwrap), and {found} could not run ({exc}); {advice}"
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip() or f"exit code {done.returncode}"
        return (
            f"sessions need bubblewrap (bwrap), and {found} could not make a sandbox here "
            f"({why}; are user namespaces turned off?); {advice}"
        )
    return None


def _interpreter_folders() -> list[str]:
    """The panel interpreter's prefixes that lie outside the system folders."""
    out: list[str] = []
    for prefix in (sys.base_prefix, sys.prefix):
        real = os.path.realpath(prefix)
        inside_system = any(real == f or real.startswith(f + "/") for f in SYSTEM_FOLDERS)
        if not inside_system and real not in out and os.path.isdir(real):
            out.append(real)
    return out


def base_arguments(network: bool) -> list[str]:
    """bwrap's options for the system part of the sandbox (no session folder yet)."""
    args = ["--unshare-all", "--die-with-parent", "--new-session"]
    if network:
        args.append("--share-net")
    for folder in SYSTEM_FOLDERS:
        args += ["--ro-bind-try", folder, folder]
    for top in TOP_LINKS:
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    # /tmp first: the interpreter (a venv in a checkout under /tmp, say) is bound over it
    args += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for folder in _interpreter_folders():
        args += ["--ro-bind", folder, folder]
    return args


def sandbox_argv(
    program: str, folder: str, network: bool, datasets: Iterable[str] = ()
) -> list[str]:
    """The argv prefix that runs a command in the sandbox of the session folder `folder`."""
    args = [program, *base_arguments(network)]
    args += ["--bind", folder, MOUNT_POINT, "--chdir", MOUNT_POINT]
    for path in datasets:
        if os.path.exists(path):
            args += ["--bind", path, path]
    return [*args, "--remount-ro", "/", "--"]  # nothing writable but the binds and /tmp


def sandbox_env(extra: dict[str, str], datasets: dict[str, str]) -> dict[str, str]:
    """The whole environment of a sandboxed command: minimal, never the panel's own."""
    env = {
        "PATH": f"{os.path.dirname(sys.executable)}:{SANDBOX_PATH}",
        "HOME": MOUNT_POINT,
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        "TMPDIR": "/tmp",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.update({f"DATASET_{k.upper()}": v for k, v in datasets.items()})
    env.update(extra)
    return env


def inside_path(folder: str, host_path: str) -> str:
    """`host_path` (within the session folder `folder`) as the sandbox sees it."""
    rel = os.path.relpath(host_path, folder)
    return MOUNT_POINT if rel == "." else f"{MOUNT_POINT}/{rel}"


def strip_mount_point(path: str) -> str:
    """`/workspace/x` -> `x`, `/workspace` -> `.`: a file-command path as the sandbox names it."""
    if path == MOUNT_POINT or path == MOUNT_POINT + "/":
        return "."
    if path.startswith(MOUNT_POINT + "/"):
        return path[len(MOUNT_POINT) + 1 :] or "."
    return path


def which_inside(name: str, interpreter_bin: str | None = None) -> str | None:
    """Where `name` is found on the sandbox's PATH (the same files the host has there)."""
    search: Sequence[str] = [interpreter_bin or os.path.dirname(sys.executable)]
    return shutil.which(name, path=":".join([*search, SANDBOX_PATH]))
