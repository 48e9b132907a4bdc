"""Limits for the commands a runner starts: address space (or data) and parent death.

The runner is plain Python without threads, so `subprocess.Popen(preexec_fn=...)`
is safe here. No Qt.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import resource
import signal
import sys
from collections.abc import Callable
from typing import Any

PR_SET_PDEATHSIG = 1

V8_PROGRAMS = frozenset({"node", "nodejs", "deno", "bun"})
"""Programs that reserve huge address space up front: limited by RLIMIT_DATA instead of AS."""

RESERVING_PROGRAMS = V8_PROGRAMS | {"go", "dotnet", "dotnet-script"}
"""V8, and the Go and .NET runtimes (which reserve arenas up front): RLIMIT_DATA too."""

MEMORY_MARKERS = (
    "MemoryError",
    "std::bad_alloc",
    "Cannot allocate memory",
    "out of memory",
    "Out of memory",
    "JavaScript heap out of memory",
    "Failed to reserve virtual memory",
    "memory allocation of",
    "failed to reserve page summary memory",
)
"""Texts on stderr that say a command ran out of its memory limit."""


def limit_kind(program: str) -> int:
    """The rlimit that caps memory for `program` (RLIMIT_AS, or RLIMIT_DATA for V8)."""
    name = os.path.basename(program).lower()
    return resource.RLIMIT_DATA if name in RESERVING_PROGRAMS else resource.RLIMIT_AS


@functools.cache
def _libc() -> Any:
    """libc, loaded once in the runner (never between fork and exec: that would be slow)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None


def preexec(program: str, memory_limit_mb: int | None) -> Callable[[], None]:
    """What the forked child runs before exec: memory rlimit and SIGKILL on runner death."""
    kind = limit_kind(program)
    limit = None if not memory_limit_mb else int(memory_limit_mb) * 1024 * 1024
    libc = _libc()

    def apply() -> None:
        if libc is not None:
            libc.prctl(PR_SET_PDEATHSIG, ctypes.c_ulong(int(signal.SIGKILL)), 0, 0, 0)
        if limit is not None:
            resource.setrlimit(kind, (limit, limit))

    return apply


def looks_out_of_memory(stderr: str, signal_number: int) -> bool:
    """True when a finished command's stderr or signal says it hit its memory limit."""
    if any(marker in stderr for marker in MEMORY_MARKERS):
        return True
    return signal_number in (signal.SIGABRT, signal.SIGSEGV, signal.SIGTRAP) and not stderr
