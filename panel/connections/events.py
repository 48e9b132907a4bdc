"""The edge design's system events: what changed in the connection configuration.

Whoever changes the configuration writes the workspace DB in one transaction and
then publishes one `SystemEvent` per change (`ConnectionManager.sig_system_event`).
The engine and the workers act on it; the API, the log and the bus (MQTT) carry
it to outside tools, under the topic `topic()` (below the bus's base topic).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal

EventKind = Literal["config_reload", "conn_added", "conn_removed"]
"""`config_reload`: one connection's configuration changed (blocks, endpoint, enabled...);
`conn_added` / `conn_removed`: a connection was added or deleted."""

SUPERVISOR = "supervisor"
"""The topic segment of events about the set of connections (added, removed)."""


@dataclass(frozen=True)
class SystemEvent:
    """One change of the connection configuration, published after its commit."""

    kind: EventKind
    conn_id: str
    seq: int
    """Increases by one per event of this engine: subscribers see gaps and order."""
    source: str
    """Who made the change: `window`, `api`, `import`, `csv`, `watcher`, `bus`..."""
    change: str | None = None
    """For `config_reload`: what changed (`blocks`, `endpoint`, `enabled`, ...)."""
    ts: float = field(default_factory=time.time)

    def topic(self) -> str:
        """`system/<conn_id>/config_reload` or `system/supervisor/conn_added|conn_removed`."""
        if self.kind == "config_reload":
            return f"system/{self.conn_id}/config_reload"
        return f"system/{SUPERVISOR}/{self.kind}"

    def to_json(self) -> dict[str, Any]:
        """The event as the API and the bus send it."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "id": self.conn_id,
            "seq": self.seq,
            "source": self.source,
            "ts": self.ts,
        }
        if self.change is not None:
            out["change"] = self.change
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SystemEvent:
        """The inverse of `to_json`."""
        return cls(
            kind=data["kind"],
            conn_id=str(data["id"]),
            seq=int(data["seq"]),
            source=str(data.get("source", "")),
            change=data.get("change"),
            ts=float(data.get("ts", 0.0)),
        )
