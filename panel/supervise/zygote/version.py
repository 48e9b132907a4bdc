"""What a zygote was made of: the panel's code and the Python running it (no Qt).

A zygote forks children from the modules it imported at its start; once the panel's
files or the interpreter changed on disk, a child forked from it would run old code,
so the zygote compares `code_version()` before each fork and retires when it differs.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import panel


def _roots() -> list[Path]:
    return [Path(panel.__file__).resolve().parent]


def code_version() -> str:
    """A digest of the interpreter (version, executable) and every panel source file's
    path, size and modification time (a frozen bundle: its executable)."""
    digest = hashlib.sha256()
    digest.update(sys.version.encode())
    for path in (sys.executable, os.path.realpath(sys.executable)):
        digest.update(_stamp(path))
    if not getattr(sys, "frozen", False):
        for root in _roots():
            for folder, dirs, files in os.walk(root):
                dirs[:] = sorted(d for d in dirs if d != "__pycache__")
                for name in sorted(files):
                    if name.endswith(".py"):
                        digest.update(_stamp(os.path.join(folder, name)))
    return digest.hexdigest()[:16]


def _stamp(path: str) -> bytes:
    try:
        st = os.stat(path)
    except OSError:
        return f"{path}:-\n".encode()
    return f"{path}:{st.st_size}:{st.st_mtime_ns}\n".encode()
