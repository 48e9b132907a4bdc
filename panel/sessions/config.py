"""A session's settings as the API gives them, with defaults and limits. No Qt."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

MAX_MINUTES = 7 * 24 * 60

CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "language": {"type": "string", "minLength": 1, "maxLength": 32},
        "workdir": {"type": "string", "maxLength": 4096},
        "idleTimeoutMinutes": {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_MINUTES},
        "maxLifetimeMinutes": {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_MINUTES},
        "memoryLimitMB": {"type": "integer", "minimum": 16, "maximum": 1_048_576},
        "networkIsolation": {"type": "boolean"},
        "network": {"type": "boolean"},
        "maxProcesses": {"type": "integer", "minimum": 4, "maximum": 100_000},
        "diskLimitMB": {"type": "integer", "minimum": 1, "maximum": 1_048_576},
    },
    "additionalProperties": False,
}
"""JSON Schema of `session.create` params."""


@dataclass(frozen=True)
class SessionConfig:
    """Limits and defaults of one session (the API's camelCase names in `to_json`)."""

    language: str = "python"
    workdir: str | None = None
    idle_timeout_minutes: float = 30
    max_lifetime_minutes: float = 120
    memory_limit_mb: int = 512
    network: bool = False
    max_processes: int = 256
    disk_limit_mb: int = 1024

    @property
    def network_isolation(self) -> bool:
        """The older name: True when commands may not use the network."""
        return not self.network

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SessionConfig:
        """From `session.create` params (already checked against CONFIG_SCHEMA)."""
        return cls(
            language=str(data.get("language", "python")),
            workdir=data.get("workdir"),
            idle_timeout_minutes=float(data.get("idleTimeoutMinutes", 30)),
            max_lifetime_minutes=float(data.get("maxLifetimeMinutes", 120)),
            memory_limit_mb=int(data.get("memoryLimitMB", 512)),
            network=bool(data.get("network", not data.get("networkIsolation", True))),
            max_processes=int(data.get("maxProcesses", 256)),
            disk_limit_mb=int(data.get("diskLimitMB", 1024)),
        )

    def to_json(self) -> dict[str, Any]:
        """As the API shows it."""
        raw = asdict(self)
        return {
            "language": raw["language"],
            "workdir": raw["workdir"],
            "idleTimeoutMinutes": raw["idle_timeout_minutes"],
            "maxLifetimeMinutes": raw["max_lifetime_minutes"],
            "memoryLimitMB": raw["memory_limit_mb"],
            "network": raw["network"],
            "networkIsolation": not raw["network"],
            "maxProcesses": raw["max_processes"],
            "diskLimitMB": raw["disk_limit_mb"],
        }
