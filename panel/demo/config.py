"""What the demo consists of: two simulated devices and a connection to each (no Qt).

A first launch creates the workspace with the demo (`Workspace.open(..., seed_demo=True)`,
done by the application only when it creates the folder's database itself). That writes:

- the setting `demo.devices` (`DEVICES_KEY`): a list of `DemoDevice` objects. It is
  not part of the exported configuration: the devices are a product of the panel
  (`resources/demo/*_device.py`), not the operator's plant. The engine runs each as a
  supervised process before the connection workers start.
- two connections, `demo-modbus` and `demo-opcua`, ordinary ones: the operator may edit,
  export or delete them like any other.

A workspace opened any other way gets neither, so tests and `opspanel import` on a
new folder see an empty `connections` section and no extra processes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from panel.util.ports import ephemeral_port, port_is_free

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})

DEVICES_KEY = "demo.devices"
"""Workspace setting holding the demo devices (a JSON list of `DemoDevice.to_json()`)."""

MODBUS_PORT = 15020
"""Where the demo Modbus TCP device listens by default (127.0.0.1)."""

OPCUA_PORT = 14840
"""Where the demo OPC UA device listens by default (127.0.0.1)."""

MODBUS_CONNECTION = "demo-modbus"
OPCUA_CONNECTION = "demo-opcua"
DEMO_CWD = "{resources}/demo"


@dataclass(frozen=True)
class DemoDevice:
    """One demo device: a command run with the panel's interpreter, listening on `port`.

    `command` and `cwd` may hold the server command placeholders `{python}`,
    `{resources}`, `{workspace}` and `{port}`. The command runs a module of
    `resources/demo` with `-m` from that folder, which works with a plain interpreter
    and with the frozen bundle (which runs `-m MODULE` like an interpreter).
    """

    name: str
    command: list[str]
    port: int
    cwd: str = DEMO_CWD
    env: dict[str, str] = field(default_factory=dict)

    @property
    def source(self) -> str:
        """The device's log source (`demo:<name>`) and process name."""
        return f"demo:{self.name}"

    def to_json(self) -> dict[str, Any]:
        """The stored JSON object."""
        out: dict[str, Any] = {"name": self.name, "command": list(self.command)}
        out.update({"port": self.port, "cwd": self.cwd})
        if self.env:
            out["env"] = dict(self.env)
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DemoDevice:
        """Parse a stored object; ValueError/TypeError/KeyError when it is malformed."""
        command = data["command"]
        if not isinstance(command, list) or not command:
            raise ValueError("command must be a non-empty list")
        return cls(
            name=str(data["name"]),
            command=[str(arg) for arg in command],
            port=int(data["port"]),
            cwd=str(data.get("cwd", DEMO_CWD)),
            env={str(k): str(v) for k, v in dict(data.get("env", {})).items()},
        )


def parse_devices(value: object) -> tuple[list[DemoDevice], list[str]]:
    """The devices of a stored `demo.devices` value, and a problem line per bad entry."""
    if value is None:
        return [], []
    if not isinstance(value, list):
        return [], [f"{DEVICES_KEY}: must be a list"]
    devices: list[DemoDevice] = []
    problems: list[str] = []
    for index, item in enumerate(value):
        try:
            if not isinstance(item, Mapping):
                raise TypeError("must be an object")
            devices.append(DemoDevice.from_json(item))
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"{DEVICES_KEY}[{index}]: {exc}")
    return devices, problems


def uses_demo_devices(connections: object, devices: list[DemoDevice]) -> bool:
    """True when a connection object of `connections` talks to one of `devices`
    (host or endpoint URL on this machine, at a device's port)."""
    ports = {device.port for device in devices}
    items = connections if isinstance(connections, list) else []
    return any(_far_end(item) in ports for item in items if isinstance(item, Mapping))


def _far_end(conn: Mapping[str, Any]) -> int | None:
    """The loopback port a connection object talks to (None: another host or unknown)."""
    from urllib.parse import urlsplit

    endpoint = conn.get("endpoint")
    if conn.get("driver") == "opcua" and isinstance(endpoint, str):
        try:
            url = urlsplit(endpoint)
            host, port = url.hostname, url.port
        except ValueError:
            return None
    else:
        host, port = conn.get("host", "127.0.0.1"), conn.get("port")
    if host not in LOOPBACK_HOSTS or not isinstance(port, int) or isinstance(port, bool):
        return None
    return port


def demo_devices(modbus_port: int = MODBUS_PORT, opcua_port: int = OPCUA_PORT) -> list[DemoDevice]:
    """The two demo devices on the given ports."""
    modbus = ["{python}", "-m", "modbus_device", "--host", "127.0.0.1", "--port", "{port}"]
    opcua = ["{python}", "-m", "opcua_device", "--host", "127.0.0.1", "--port", "{port}"]
    return [DemoDevice("modbus", modbus, modbus_port), DemoDevice("opcua", opcua, opcua_port)]


def modbus_connection(port: int = MODBUS_PORT) -> dict[str, Any]:
    """The connection to the demo Modbus device (see `resources/demo/modbus_device.py`)."""
    return {
        "id": MODBUS_CONNECTION,
        "driver": "modbus_tcp",
        "host": "127.0.0.1",
        "port": port,
        "unitId": 1,
        "reconnectMinMs": 500,
        "reconnectMaxMs": 5000,
        "blocks": [
            {
                "name": "process",
                "kind": "read",
                "area": "holding",
                "start": 0,
                "count": 6,
                "periodMs": 500,
                "tags": [
                    {"name": "temperature", "offset": 0, "type": "float32", "unit": "°C"},
                    {"name": "pressure", "offset": 2, "type": "float32", "unit": "bar"},
                    {"name": "counter", "offset": 4, "type": "int16"},
                    {
                        "name": "setpoint",
                        "offset": 5,
                        "type": "uint16",
                        "scale": 0.1,
                        "unit": "°C",
                        "writable": True,
                    },
                ],
            },
            {
                "name": "outputs",
                "kind": "read",
                "area": "coils",
                "start": 0,
                "count": 2,
                "periodMs": 1000,
                "tags": [
                    {"name": "pump", "offset": 0, "type": "bool", "writable": True},
                    {"name": "valve", "offset": 1, "type": "bool", "writable": True},
                ],
            },
            {
                "name": "alarms",
                "kind": "read",
                "area": "discrete",
                "start": 0,
                "count": 2,
                "periodMs": 1000,
                "tags": [
                    {"name": "overTemperature", "offset": 0, "type": "bool"},
                    {"name": "lowPressure", "offset": 1, "type": "bool"},
                ],
            },
        ],
    }


def opcua_connection(port: int = OPCUA_PORT) -> dict[str, Any]:
    """The connection to the demo OPC UA device (see `resources/demo/opcua_device.py`)."""

    def node(name: str) -> str:
        return f"ns=2;s=Line1.{name}"

    return {
        "id": OPCUA_CONNECTION,
        "driver": "opcua",
        "endpoint": f"opc.tcp://127.0.0.1:{port}",
        "host": "127.0.0.1",
        "port": port,
        "reconnectMinMs": 500,
        "reconnectMaxMs": 5000,
        "blocks": [
            {
                "name": "live",
                "kind": "subscribe",
                "periodMs": 500,
                "samplingMs": 250,
                "tags": [
                    {"name": "speed", "node": node("Speed"), "unit": "m/min"},
                    {"name": "temperature", "node": node("Temperature"), "unit": "°C"},
                    {"name": "count", "node": node("Count")},
                ],
            },
            {
                "name": "settings",
                "kind": "read",
                "periodMs": 1000,
                "tags": [
                    {"name": "running", "node": node("Running")},
                    {"name": "recipe", "node": node("Recipe"), "writable": True},
                    {
                        "name": "speedSetpoint",
                        "node": node("Setpoint"),
                        "unit": "m/min",
                        "writable": True,
                    },
                ],
            },
        ],
    }


def demo_connections(
    modbus_port: int = MODBUS_PORT, opcua_port: int = OPCUA_PORT
) -> list[dict[str, Any]]:
    """The two demo connections, to devices on the given ports."""
    return [modbus_connection(modbus_port), opcua_connection(opcua_port)]


def demo_jobs() -> list[dict[str, Any]]:
    """A small nightly pipeline, so the job graph shows something on a first launch.

    Plain Python one-liners run by the panel's own interpreter: they print what a
    real pipeline would log, take a second or two, and touch nothing.
    """

    def step(message: str, seconds: float) -> list[str]:
        code = f"import sys, time; print({message!r}, *sys.argv[1:]); time.sleep({seconds})"
        return ["{python}", "-c", code]

    return [
        {
            "id": "fetch-readings",
            "name": "Fetch readings",
            "category": "etl",
            "command": step("fetching yesterday's readings", 1.5),
            "execution": {
                "timeout": 60,
                "maxRetries": 2,
                "retryDelay": 5,
                "backoff": "exponential",
            },
        },
        {
            "id": "clean-readings",
            "name": "Clean readings",
            "category": "etl",
            "command": step("dropping duplicates and gaps", 1.0),
            "dependsOn": ["fetch-readings"],
        },
        {
            "id": "daily-report",
            "name": "Daily report",
            "category": "reports",
            "command": step("writing the daily report", 1.0),
            "schedule": "0 6 * * *",
            "dependsOn": ["clean-readings"],
            "options": [
                {"flag": "--verbose", "label": "Verbose", "type": "boolean", "default": False}
            ],
        },
        {
            "id": "archive-logs",
            "name": "Archive logs",
            "category": "maintenance",
            "command": step("archiving last week's logs", 0.5),
            "schedule": "30 1 * * 0",
        },
    ]


def first_run_ports() -> tuple[int, int]:
    """(modbus, opcua) ports for a new demo: the defaults, or free ones where those are taken.

    Chosen once, when the demo is written; a later clash is reported by the device.
    """
    modbus = MODBUS_PORT if port_is_free(MODBUS_PORT) else ephemeral_port()
    opcua = OPCUA_PORT if port_is_free(OPCUA_PORT) else ephemeral_port()
    return modbus, opcua
