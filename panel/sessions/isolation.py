"""Can commands run without network here? Detected once: `unshare -rn` must work. No Qt."""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys

PROBE_TIMEOUT_S = 5.0


@functools.cache
def network_isolation_available() -> bool:
    """True when `unshare -rn true` succeeds (Linux with unprivileged user namespaces)."""
    if not sys.platform.startswith("linux"):
        return False
    unshare = shutil.which("unshare")
    true = shutil.which("true")
    if unshare is None or true is None:
        return False
    try:
        done = subprocess.run(
            [unshare, "-rn", "--", true],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=PROBE_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0
