"""System libraries the bundle needs but this machine lacks: all named at once, with the fix.

    problems = check_present(sonames, read_depends(), install=True)

As root with apt-get, the packages of depends.txt not yet installed are installed first
(set OPSPANEL_NO_APT_INSTALL=1 to never install); what is still missing is then named,
every library in one list, with the `apt-get install` line that provides them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable

NO_INSTALL_ENV = "OPSPANEL_NO_APT_INSTALL"
APT_TIMEOUT_S = 900


def libraries_on_this_machine() -> set[str]:
    """Sonames in the dynamic linker's cache (`ldconfig -p`)."""
    ldconfig = shutil.which("ldconfig") or "/sbin/ldconfig"
    result = subprocess.run([ldconfig, "-p"], capture_output=True, text=True, check=False)
    return {line.split()[0] for line in result.stdout.splitlines() if line.startswith("\t")}


def uninstalled_packages(packages: list[str]) -> list[str]:
    """The packages of `packages` that dpkg does not have installed (all, without dpkg)."""
    if shutil.which("dpkg-query") is None:
        return list(packages)
    result = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package} ${db:Status-Status}\\n", *packages],
        capture_output=True,
        text=True,
        check=False,
    )
    installed = {
        line.split()[0].split(":")[0]
        for line in result.stdout.splitlines()
        if line.endswith(" installed")
    }
    return [package for package in packages if package not in installed]


def can_install() -> bool:
    """Root, apt-get present, and installing not switched off by the environment."""
    return (
        os.environ.get(NO_INSTALL_ENV, "") not in ("1", "yes", "true")
        and hasattr(os, "geteuid")
        and os.geteuid() == 0
        and shutil.which("apt-get") is not None
    )


def apt_install(packages: list[str]) -> None:
    """`apt-get install -y PACKAGES` (after `apt-get update` when the first try fails)."""
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages]
    if subprocess.run(install, env=env, timeout=APT_TIMEOUT_S, check=False).returncode:
        subprocess.run(["apt-get", "update", "-qq"], env=env, timeout=APT_TIMEOUT_S, check=False)
        subprocess.run(install, env=env, timeout=APT_TIMEOUT_S, check=False)


def _absent(sonames: Iterable[str]) -> list[str]:
    present = libraries_on_this_machine()
    return sorted({name for name in sonames if name not in present})


def check_present(sonames: Iterable[str], depends: list[str], *, install: bool) -> list[str]:
    """Problems naming every soname not on this machine and the apt-get line (empty = fine).

    With `install` (and `can_install()`), the missing packages of `depends` are installed
    first and the libraries looked up again.
    """
    wanted = list(sonames)
    missing = _absent(wanted)
    if missing and install and can_install():
        packages = uninstalled_packages(depends)
        if packages:
            apt_install(packages)
            missing = _absent(wanted)
    if not missing:
        return []
    problems = [f"{name} not found on this machine" for name in missing]
    packages = uninstalled_packages(depends)
    if packages:
        problems.append(f"install them with: apt-get install -y {' '.join(packages)}")
    else:
        problems.append("every package of depends.txt is installed: add the one providing them")
    return problems
