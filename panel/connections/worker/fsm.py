"""The worker's states and the transitions between them.

CONFIGURE -> CONNECT -> EXECUTE is the happy path. A failed connect or a lost link
goes to RECONNECT (wait a backoff delay, try again, stay there until a connect
succeeds). A bad configuration goes to ERROR and stays there (the process stays up and
still answers `reload` and `stop`); a disabled connection idles in IDLE. STOPPED is
final.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any


class State(StrEnum):
    """Where the worker is in its life."""

    CONFIGURE = "CONFIGURE"
    CONNECT = "CONNECT"
    EXECUTE = "EXECUTE"
    RECONNECT = "RECONNECT"
    ERROR = "ERROR"
    IDLE = "IDLE"
    STOPPED = "STOPPED"


ALLOWED: dict[State, frozenset[State]] = {
    State.CONFIGURE: frozenset({State.CONNECT, State.ERROR, State.IDLE, State.STOPPED}),
    State.CONNECT: frozenset({State.EXECUTE, State.RECONNECT, State.CONFIGURE}),
    State.EXECUTE: frozenset({State.RECONNECT, State.CONFIGURE}),
    State.RECONNECT: frozenset({State.EXECUTE, State.CONFIGURE}),
    State.ERROR: frozenset({State.CONFIGURE}),
    State.IDLE: frozenset({State.CONFIGURE}),
    State.STOPPED: frozenset(),
}


class StateMachine:
    """Holds the current state and reports every change through `emit` (a message dict)."""

    def __init__(self, emit: Callable[[dict[str, Any]], None]) -> None:
        self.state = State.CONFIGURE
        self.reason: str | None = None
        self._emit = emit

    def enter(self, state: State, reason: str | None = None, **extra: Any) -> None:
        """Move to `state` (any state may stop); raises on a transition the design forbids."""
        same = state is self.state
        if state is not State.STOPPED and not same and state not in ALLOWED[self.state]:
            raise RuntimeError(f"transition {self.state} -> {state} is not allowed")
        self.state = state
        self.reason = reason
        self._emit({"t": "state", "state": str(state), "reason": reason, **extra})
