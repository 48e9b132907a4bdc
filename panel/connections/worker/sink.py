"""A second consumer of what a worker has, beside its pipe: the tag bus (MQTT) plugs in here.

The worker calls the sink on its own loop with every sample of every cycle (the sink
filters by exception itself), every state change and every `stats` tick; the sink may
hand writes back with `Worker.submit_write`, whose one answer comes to its callback.
The worker knows nothing of MQTT: `panel.mqtt` provides the sink (see `entry.main`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from panel.connections.worker.config import ConnectionConfig
from panel.connections.worker.drivers.base import TagValue

Answer = Callable[[dict[str, Any]], None]
"""Receives the `written` message (see `protocol`) of a write the sink submitted."""


class WriteSubmitter(Protocol):
    """What a sink may ask of the worker."""

    def submit_write(self, tag: str, value: Any, timeout_s: float | None, answer: Answer) -> None:
        """Queue a write of `tag`; `answer` gets its one `written` message."""


class ValueSink(Protocol):
    """Receives a worker's samples, states and stats (all calls on the worker's loop)."""

    def bind(self, worker: WriteSubmitter) -> None:
        """The worker runs (its loop is the running one): start publishing."""

    def configure(self, config: ConnectionConfig) -> None:
        """The connection's configuration (again, after a reload)."""

    def samples(self, block: str | None, samples: list[TagValue]) -> None:
        """Every sample of one block cycle (`block` None: a subscription batch)."""

    def link_lost(self, reason: str) -> None:
        """The device link dropped: every tag is bad for `reason`."""

    def state(self, state: str, reason: str | None) -> None:
        """The worker entered `state` (see `fsm.State`)."""

    def stats(self) -> dict[str, Any] | None:
        """Figures for the `stats` message (its `bus` field), or None."""

    def close(self) -> None:
        """The worker stops: say so and let go (bounded)."""


SinkFactory = Callable[[str, str | None], "ValueSink | None"]
"""(connection id, workspace folder or None) -> the sink of a worker, or None for none."""
