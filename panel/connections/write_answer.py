"""What a connection worker answered to one write (see the worker's protocol)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from panel.connections.worker.writes import DONE, FAILED, UNKNOWN

OUTCOMES = (DONE, FAILED, UNKNOWN)


@dataclass(frozen=True)
class WriteAnswer:
    """done (applied), failed (not applied; `expired`: dropped from the queue unsent),
    or unknown (sent, no answer: the device may have applied it; never re-sent)."""

    outcome: str
    error: str = ""
    expired: bool = False

    @property
    def ok(self) -> bool:
        """The device confirmed the write."""
        return self.outcome == DONE

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> WriteAnswer:
        """The answer in a `written` message."""
        outcome = message.get("outcome")
        if outcome not in OUTCOMES:
            outcome = DONE if message.get("ok") else FAILED
        return cls(str(outcome), str(message.get("error", "")), bool(message.get("expired")))
