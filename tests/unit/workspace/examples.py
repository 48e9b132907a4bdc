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
