"""System packages some tests need: installed once per test run where that is possible.

As root with apt available (CI, a fresh Debian box) a missing program is installed
from its Debian package before the tests run; elsewhere the tests that need it
skip, saying what they need.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

PACKAGES = {
    "bwrap": "bubblewrap",
    "sshd": "openssh-server",
    "ssh": "openssh-client",
    "systemd-analyze": "systemd",
    "go": "golang-go",
    "node": "nodejs",
    "mosquitto": "mosquitto",
    "redis-server": "redis-server",
    "fish": "fish",
    "zsh": "zsh",
    "groff": "groff-base",
    "man": "man-db",
}
"""Program a test needs -> the Debian package that provides it."""

NOT_IN_DEBIAN = {
    "dotnet": "the .NET SDK; Debian has no package of it: Microsoft's dotnet-sdk-8.0 "
    "from their own apt repository, or their dotnet-install.sh",
}
"""Programs no Debian package provides -> what to install instead (never installed here)."""

SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
"""Where programs are looked for: the PATH and the sbin folders (sshd lives there)."""

APT_TIMEOUT_S = 600


def _can_install() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") is not None


def install_missing() -> list[str]:
    """Install the packages of missing programs when root with apt; the ones still missing."""
    missing = [pkg for prog, pkg in PACKAGES.items() if _which(prog) is None]
    if missing and _can_install():
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
        install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing]
        if subprocess.run(install, timeout=APT_TIMEOUT_S, check=False, **quiet).returncode:
            subprocess.run(["apt-get", "update", "-qq"], timeout=APT_TIMEOUT_S, **quiet)
            subprocess.run(install, timeout=APT_TIMEOUT_S, check=False, **quiet)
    return [pkg for prog, pkg in PACKAGES.items() if _which(prog) is None]


def _which(program: str) -> str | None:
    return shutil.which(program, path=SEARCH_PATH)


def need(program: str) -> str:
    """The absolute path of `program`, or skip the test saying which package it needs."""
    found = _which(program)
    if found is None:
        source = NOT_IN_DEBIAN.get(program) or f"Debian package {PACKAGES.get(program, program)}"
        pytest.skip(f"skipped: needs {program} ({source})")
    return found
