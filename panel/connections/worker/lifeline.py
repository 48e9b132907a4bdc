"""Tie the worker's life to the panel's: die with the parent, stop cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable

from panel.supervise.pdeathsig import set_parent_death_signal


def die_with_parent(expected_parent: int | None = None) -> bool:
    """SIGTERM this process when the panel dies (Linux); False where unavailable."""
    return set_parent_death_signal(signal.SIGTERM, expected_parent)


def on_termination(loop: asyncio.AbstractEventLoop, callback: Callable[[], None]) -> None:
    """Run `callback` on the loop for SIGTERM and SIGINT (where the loop supports it)."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, callback)
