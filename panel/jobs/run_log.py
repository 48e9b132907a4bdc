"""Reading a run's log file: the whole of it up to a limit (its tail), or what follows an offset."""

from __future__ import annotations

from pathlib import Path

from panel.jobs.snapshots import RunLog

MAX_LOG_BYTES = 2 * 1024 * 1024
"""At most 2 MB of a log are read at once (the tail of a longer one; the file is left as is)."""


def read_run_log(
    run_id: int, path: str | None, offset: int | None = None, limit: int = MAX_LOG_BYTES
) -> RunLog:
    """The log of run `run_id` at `path`: its last `limit` bytes, or (with `offset`) what
    follows `offset`, at most `limit` bytes of it (the newest). Raises OSError when the
    file exists and cannot be read; a run that never wrote one has `exists=False`."""
    if not path or not Path(path).is_file():
        return RunLog(run_id, path, exists=False)
    with open(path, "rb") as handle:
        size = handle.seek(0, 2)
        start = 0 if offset is None else min(max(0, offset), size)
        first = max(start, size - limit)
        handle.seek(first)
        data = _whole_characters(handle.read(size - first))
    text = data.decode("utf-8", errors="replace")
    return RunLog(run_id, path, True, text, first, first + len(data), cut=first > start)


def _whole_characters(data: bytes) -> bytes:
    """`data` without an incomplete UTF-8 character at its end (read again next time)."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return data
        if byte >= 0xC0:  # the lead byte of the last character
            needed = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return data if back >= needed else data[:-back]
    return data
