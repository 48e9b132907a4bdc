"""What the worker needs from a driver, and the values drivers hand back."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from panel.connections.worker.config import BlockConfig, ConnectionConfig, TagConfig
from panel.connections.worker.timing import BlockStats

GOOD = "good"
UNCERTAIN = "uncertain"
BAD = "bad"


@dataclass
class TagValue:
    """One sample of a tag: value, quality (good | uncertain | bad), source time, reason."""

    name: str
    value: Any
    quality: str
    ts: float
    reason: str | None = None


class ConnectionLost(Exception):
    """The link to the device is gone: the worker closes the driver and reconnects."""


class WriteFailed(Exception):
    """The device refused a write (the link itself is fine)."""


class WriteUnknown(Exception):
    """A write request went out and no answer came: the device may have applied it."""


WriteItem = tuple[BlockConfig, TagConfig, Any]
ValuesCallback = Callable[[list[TagValue]], None]


class Driver(ABC):
    """One connection to one device. Not reusable: after `close()`, make a new one.

    `lost` is set (with `lost_reason`) when the driver notices, outside a call, that the
    link broke (for example a subscription's keep-alive failed).
    """

    def __init__(self, config: ConnectionConfig, log: Callable[[str, str], None]) -> None:
        self.config = config
        self.log = log
        self.lost = asyncio.Event()
        self.lost_reason = ""

    def mark_lost(self, reason: str) -> None:
        """Record that the link broke; the worker reacts to `lost`."""
        if not self.lost.is_set():
            self.lost_reason = reason
            self.lost.set()

    @abstractmethod
    async def connect(self) -> None:
        """Open the link (one socket); raises ConnectionLost or OSError on failure."""

    @abstractmethod
    async def close(self) -> None:
        """Close the link and every resource; safe to call twice."""

    def configure(self, config: ConnectionConfig) -> None:
        """Adopt new blocks and tags (same endpoint) without reconnecting."""
        self.config = config

    @abstractmethod
    async def read_block(self, block: BlockConfig, stats: BlockStats) -> list[TagValue]:
        """One read cycle of `block`; device errors become bad tags, link errors raise."""

    @abstractmethod
    async def write(self, items: list[WriteItem], sending: Callable[[], None]) -> None:
        """Write values, calling `sending()` right before each request that writes.

        Raises ValueError (bad value), WriteFailed (refused), WriteUnknown (sent, no
        answer) or ConnectionLost (the link broke; before or after sending).
        """

    async def start_subscriptions(  # noqa: B027 - optional: only some drivers subscribe
        self, blocks: list[BlockConfig], on_values: ValuesCallback
    ) -> None:
        """Create the subscriptions of subscribe blocks (drivers that have them)."""

    async def stop_subscriptions(self) -> None:  # noqa: B027 - optional, see above
        """Delete the subscriptions created by `start_subscriptions`."""
