"""A spinner with the elapsed time on stderr while `--wait` waits (only on a terminal)."""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType
from typing import TextIO

FRAMES = "|/-\\"
TICK_S = 0.1
CLEAR = "\r\x1b[K"


class Spinner:
    """`with Spinner("starting api", enabled=args.wait): ...`: `| starting api 3.2 s` redrawn
    in place on stderr, cleared when the block ends. Nothing at all when stderr is not a
    terminal (a pipe, a file, a CI log), so scripts and `--json` consumers see no noise."""

    def __init__(self, label: str, enabled: bool = True, stream: TextIO | None = None) -> None:
        self._label = label
        self._stream = stream or sys.stderr
        self._on = enabled and _is_tty(self._stream)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started = 0.0

    def __enter__(self) -> Spinner:
        if self._on:
            self._started = time.monotonic()
            self._thread = threading.Thread(target=self._spin, name="ctl-spinner", daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._stream.write(CLEAR)
            self._stream.flush()

    def _spin(self) -> None:
        frame = 0
        while True:
            elapsed = time.monotonic() - self._started
            self._stream.write(
                f"{CLEAR}{FRAMES[frame % len(FRAMES)]} {self._label} {elapsed:.1f} s"
            )
            self._stream.flush()
            frame += 1
            if self._stop.wait(TICK_S):  # the redraw period; ends at once when told
                return


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
