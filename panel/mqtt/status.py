"""`BusStatus`: the tag bus in one read model, for the window (local and remote alike)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class BusStatus:
    """What the status bar says about the bus (from `mqtt.status`)."""

    enabled: bool
    engine_state: str = "off"
    """The engine's own client: connected, connecting, disconnected, waiting, off."""
    broker_kind: str | None = None
    """embedded or external (None: no bus)."""
    broker_state: str | None = None
    url: str | None = None
    adopted: bool = False
    publishers: int = 0
    connected_publishers: int = 0
    messages_per_s: float | None = None
    problem: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BusStatus:
        """The status `mqtt.status` returns (missing fields read as their defaults)."""
        broker = data.get("broker") if isinstance(data.get("broker"), dict) else {}
        engine = data.get("engine") if isinstance(data.get("engine"), dict) else {}
        assert isinstance(broker, dict) and isinstance(engine, dict)
        rate = broker.get("messagesPerS", data.get("publishedPerS"))
        return cls(
            enabled=bool(data.get("enabled")),
            engine_state=str(engine.get("state", "off")),
            broker_kind=broker.get("kind"),
            broker_state=broker.get("state"),
            url=broker.get("url"),
            adopted=bool(broker.get("adopted")),
            publishers=len(data.get("publishers") or []),
            connected_publishers=int(data.get("connectedPublishers") or 0),
            messages_per_s=float(rate) if isinstance(rate, int | float) else None,
            problem=data.get("problem") or engine.get("error"),
        )

    def to_json(self) -> dict[str, Any]:
        """The fields, camelCase (as `mqtt.status` names them, flattened)."""
        return {
            "enabled": self.enabled,
            "engineState": self.engine_state,
            "brokerKind": self.broker_kind,
            "brokerState": self.broker_state,
            "url": self.url,
            "adopted": self.adopted,
            "publishers": self.publishers,
            "connectedPublishers": self.connected_publishers,
            "messagesPerS": self.messages_per_s,
            "problem": self.problem,
        }
