"""Example configuration pieces shared by the workspace tests."""

from __future__ import annotations

from typing import Any

PLC_CONNECTION: dict[str, Any] = {
    "id": "plc1",
    "driver": "modbus_tcp",
    "host": "10.0.0.5",
    "port": 502,
    "enabled": False,
    "blocks": [
        {
            "name": "fast",
            "kind": "read",
            "area": "holding",
            "start": 0,
            "count": 2,
            "periodMs": 100,
            "tags": [{"name": "temp", "offset": 0, "type": "float32"}],
        }
    ],
}


def exported_form(doc: dict[str, Any]) -> dict[str, Any]:
    """What an export of `doc` gives: its older `server` block as the service named `server`."""
    from panel.workspace.server_config import ServerConfig
    from panel.workspace.service_config import ServiceConfig

    out = {k: v for k, v in doc.items() if k != "server"}
    if "server" in doc:
        service = ServiceConfig.from_server(ServerConfig.from_json(doc["server"]))
        out["services"] = [service.to_json()]
    return {"version": out.pop("version"), "services": out.pop("services"), **out}
