"""Die with the parent: prctl(PR_SET_PDEATHSIG) for our own children, setpriv for others.

No Qt here: worker processes and the reaper import this module at start-up.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import shutil
import signal
import subprocess
import sys

PR_SET_PDEATHSIG = 1


def set_parent_death_signal(sig: int = signal.SIGTERM, expected_parent: int | None = None) -> bool:
    """Ask Linux to send `sig` to this process when its parent dies.

    Returns True when the request is in place, False where it is not available
    (not Linux, no libc). The signal is tied to the parent *thread* that forked
    us, so the panel starts its children from its main thread. When
    `expected_parent` is given and our parent is already someone else (the
    panel died before we got here), `sig` is raised at once.
    """
    if not sys.platform.startswith("linux"):
        return False
    libc_name = ctypes.util.find_library("c") or "libc.so.6"
    try:
        libc = ctypes.CDLL(libc_name, use_errno=True)
    except OSError:
        return False
    if libc.prctl(PR_SET_PDEATHSIG, ctypes.c_ulong(int(sig)), 0, 0, 0) != 0:
        return False
    if expected_parent is not None and os.getppid() != expected_parent:
        signal.raise_signal(sig)
    return True


@functools.cache
def setpriv_prefix() -> tuple[str, ...]:
    """argv prefix that gives a foreign command a parent-death SIGTERM, or ().

    util-linux ``setpriv --pdeathsig TERM -- cmd...`` (util-linux >= 2.33, on
    Debian and Ubuntu by default) sets PR_SET_PDEATHSIG and then execs the
    command, so the pid stays the same. Empty when setpriv is missing or too old.
    """
    if not sys.platform.startswith("linux"):
        return ()
    path = shutil.which("setpriv")
    if path is None:
        return ()
    try:
        out = subprocess.run(
            [path, "--help"], capture_output=True, text=True, timeout=5, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    if "--pdeathsig" not in out:
        return ()
    return (path, "--pdeathsig", "TERM", "--")
