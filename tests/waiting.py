"""Bounded waiting for tests that drive real processes outside a Qt event loop."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

POLL_S = 0.02


def wait_for(condition: Callable[[], T], timeout: float, what: str) -> T:
    """Poll `condition` until it returns something truthy, or fail saying `what`.

    This is a bounded wait on a condition a person would check (a file exists,
    a process is gone, a port is free), not a sleep standing in for one.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(POLL_S)  # the polling interval of a bounded wait
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
