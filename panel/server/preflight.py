"""Port preflight: before a server starts, make sure its port is free, and say who holds it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from panel.util.ports import next_free_port, port_holder, port_is_free


@dataclass(frozen=True)
class PortConflict:
    """The configured port is taken: by whom, and which port is free instead."""

    port: int
    holder_pid: int | None
    holder_name: str
    suggested_port: int | None

    def message(self) -> str:
        """One sentence for the operator, naming the holder and the way out."""
        who = f"{self.holder_name} (pid {self.holder_pid})" if self.holder_pid else self.holder_name
        text = f"Port {self.port} is already in use by {who}."
        if self.suggested_port:
            text += f" Port {self.suggested_port} is free."
        return text

    def to_json(self) -> dict[str, object]:
        """The conflict as API error data."""
        return {
            "port": self.port,
            "holderPid": self.holder_pid,
            "holderName": self.holder_name,
            "suggestedPort": self.suggested_port,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PortConflict:
        """The conflict `to_json` wrote."""
        holder = data.get("holderPid")
        suggested = data.get("suggestedPort")
        return cls(
            port=int(data["port"]),
            holder_pid=None if holder is None else int(holder),
            holder_name=str(data.get("holderName", "another process")),
            suggested_port=None if suggested is None else int(suggested),
        )


def check_port(port: int, host: str = "127.0.0.1") -> PortConflict | None:
    """None when `port` can be bound; otherwise who holds it and a free one nearby."""
    if port_is_free(port, host):
        return None
    holder = port_holder(port)
    return PortConflict(
        port=port,
        holder_pid=holder.pid if holder else None,
        holder_name=holder.name if holder else "another process",
        suggested_port=next_free_port(port, host),
    )
