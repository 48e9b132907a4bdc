"""Splitting a worker's stdout into protocol messages (JSON objects) and other lines."""

from __future__ import annotations

import json
from typing import Any

MAX_PARTIAL_BYTES = 64 * 1024 * 1024
"""A line longer than this without a newline is cut (a broken worker must not eat memory)."""


class LineSplitter:
    """Accumulates chunks of bytes and returns the complete lines in them."""

    def __init__(self) -> None:
        self._held = b""

    def feed(self, data: bytes) -> list[bytes]:
        """Complete lines of `data` (after what was held back), without their newlines."""
        data = self._held + data if self._held else data
        cut = data.rfind(b"\n") + 1
        self._held = data[cut:]
        if len(self._held) > MAX_PARTIAL_BYTES:
            self._held, cut = b"", len(data)
            return [*data[:cut].split(b"\n")]
        return data[: cut - 1].split(b"\n") if cut else []

    def flush(self) -> list[bytes]:
        """The last, unterminated line (at the end of the stream), if any."""
        held, self._held = self._held, b""
        return [held] if held else []


def parse_message(line: bytes) -> dict[str, Any] | None:
    """The protocol message on `line`, or None when it is not a JSON object with a `t`."""
    text = line.strip()
    if not text.startswith(b"{"):
        return None
    try:
        message = json.loads(text)
    except ValueError:
        return None
    if isinstance(message, dict) and isinstance(message.get("t"), str):
        return message
    return None
