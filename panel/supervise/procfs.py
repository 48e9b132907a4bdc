"""Cheap reads of Linux /proc files, for checks that run once per child start and exit.

Python's `open()` builds a buffered file object per call; a plain `os.open` /
`os.read` costs half as much, and a file that is read again and again
(/proc/stat, /proc/sys/kernel/ns_last_pid) is kept open and re-read with
`os.pread` at offset 0, which makes the kernel generate it afresh each time
(a tenth of the cost of opening it).

A read shorter than asked for is taken as the whole file: true of regular files
and of the /proc files read here, which the kernel generates in one piece
(/proc/stat, /proc/<pid>/stat and the /proc/sys integers).
"""

from __future__ import annotations

import os
import threading

_CHUNK = 65536


def read_file(path: str) -> bytes:
    """The whole content of `path` (raises OSError)."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        chunk = os.read(fd, _CHUNK)
        if len(chunk) < _CHUNK:  # the usual case: a short read is the whole file
            return chunk
        parts = [chunk]
        while chunk := os.read(fd, _CHUNK):
            parts.append(chunk)
        return b"".join(parts)
    finally:
        os.close(fd)


def _pread_all(fd: int) -> bytes:
    chunk = os.pread(fd, _CHUNK, 0)
    if len(chunk) < _CHUNK:
        return chunk
    parts = [chunk]
    offset = len(chunk)
    while chunk := os.pread(fd, _CHUNK, offset):
        parts.append(chunk)
        offset += len(chunk)
    return b"".join(parts)


class KeptFile:
    """A /proc file opened once and read afresh on each `read()` (thread-safe)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None
        self._lock = threading.Lock()

    def read(self) -> bytes:
        """The current content (raises OSError when the file cannot be read)."""
        with self._lock:
            if self._fd is None:
                self._fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
            try:
                return _pread_all(self._fd)
            except OSError:
                os.close(self._fd)
                self._fd = None
                raise
