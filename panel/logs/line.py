"""`LogLine`: one log line as handed out by the log hub."""

from __future__ import annotations

from typing import Any, NamedTuple

from panel.logs.levels import LogLevel


class LogLine(NamedTuple):
    """One log line: its sequence number, arrival time, origin, level and text."""

    seq: int
    ts: float
    source: str
    stream: str
    level: LogLevel
    text: str

    def to_dict(self) -> dict[str, Any]:
        """The line as plain JSON-ready data (level by name, e.g. ``"WARNING"``)."""
        return {
            "seq": self.seq,
            "ts": self.ts,
            "source": self.source,
            "stream": self.stream,
            "level": self.level.name,
            "text": self.text,
        }
