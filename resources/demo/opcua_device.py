"""The demo workspace's OPC UA device: a small production line (asyncua server).

Run by the panel as a managed process, with the panel's own interpreter:

    {python} -m opcua_device --port 14840    (working folder: this one)

Endpoint `opc.tcp://127.0.0.1:PORT`, no security. Namespace `urn:opspanel:demo`
(index 2), folder `Line1` (`ns=2;s=Line1`) with these variables, node ids
`ns=2;s=Line1.<Name>`:

    Speed        Double, m/min: follows the setpoint with a slow wave (while running)
    Temperature  Double, degrees C: warms while the line runs, cools when it stops
    Running      Boolean: on for 50 s, off for 10 s, and so on
    Count        Int32: parts made, +1 per ~0.5 s while running
    Recipe       String, writable: the product being made
    Setpoint     Double, writable: the speed the line aims for, m/min

Values change every 500 ms. Writes from a client are logged on stdout. A port that is
taken ends the process at once with exit code 2 and a line naming the port. Stops on
SIGTERM or SIGINT.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
import sys
import time
from typing import Any

from device_common import run_device, stop_requested

NAMESPACE = "urn:opspanel:demo"
FOLDER = "Line1"
TICK_S = 0.5
CYCLE_S = 60.0
RUNNING_S = 50.0
START_VALUES: dict[str, tuple[Any, str]] = {
    "Speed": (0.0, "Double"),
    "Temperature": (21.0, "Double"),
    "Running": (True, "Boolean"),
    "Count": (0, "Int32"),
    "Recipe": ("Demo-A", "String"),
    "Setpoint": (42.0, "Double"),
}
WRITABLE = ("Recipe", "Setpoint")


def node_id(name: str) -> str:
    """The string node id of variable `name` (namespace index 2)."""
    return f"ns=2;s={FOLDER}.{name}"


class Line:
    """The simulated line: its state advanced every tick."""

    def __init__(self, seed: int | None = None) -> None:
        self.started = time.monotonic()
        self.speed = 0.0
        self.temperature = 21.0
        self.count = 0
        self.random = random.Random(seed)

    def tick(self, setpoint: float) -> dict[str, Any]:
        """Advance one tick; returns the new Speed, Temperature, Running and Count."""
        t = time.monotonic() - self.started
        running = (t % CYCLE_S) < RUNNING_S
        target = setpoint + 2.0 * math.sin(2 * math.pi * t / 20.0) if running else 0.0
        self.speed += (target - self.speed) * 0.3 + self.random.gauss(0.0, 0.05)
        self.speed = max(self.speed, 0.0)
        warm = 21.0 + 0.4 * self.speed
        self.temperature += (warm - self.temperature) * 0.05 + self.random.gauss(0.0, 0.03)
        if running:
            self.count = self.count + 1 if self.count < 2**31 - 1 else 0
        return {
            "Speed": round(self.speed, 3),
            "Temperature": round(self.temperature, 3),
            "Running": running,
            "Count": self.count,
        }


def quiet_logging() -> None:
    """asyncua logs every session and subscription at INFO: keep warnings and worse only."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("asyncua").setLevel(logging.WARNING)
    # "No signing/encrypting policy available": expected of a demo without security.
    logging.getLogger("asyncua.server.server").setLevel(logging.ERROR)


class WriteLogger:
    """Prints a line whenever a client changes a writable variable (a data-change handler)."""

    def __init__(self, names: dict[str, str]) -> None:
        self.names = names
        self.last: dict[str, Any] = {}

    def datachange_notification(self, node: Any, value: Any, data: Any) -> None:
        """Called by asyncua's internal subscription for each change of a watched variable."""
        name = self.names.get(node.nodeid.to_string(), str(node.nodeid))
        if name in self.last and self.last[name] != value:
            print(f"write: {name} <- {value!r}", flush=True)
        self.last[name] = value


async def build(host: str, port: int) -> tuple[Any, dict[str, Any]]:
    """The server and its variables by name (not started)."""
    from asyncua import Server, ua

    server = Server()
    await server.init()
    server.set_endpoint(f"opc.tcp://{host}:{port}")
    server.set_server_name("OpsPanel demo OPC UA device")
    server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
    index = await server.register_namespace(NAMESPACE)
    folder = await server.nodes.objects.add_folder(ua.NodeId(FOLDER, index), FOLDER)
    nodes: dict[str, Any] = {}
    for name, (value, vtype) in START_VALUES.items():
        variant = ua.Variant(value, getattr(ua.VariantType, vtype))
        nodes[name] = await folder.add_variable(ua.NodeId(f"{FOLDER}.{name}", index), name, variant)
    for name in WRITABLE:
        await nodes[name].set_writable()
    return server, nodes


async def simulate(server: Any, nodes: dict[str, Any], line: Line) -> None:
    """Write the changing variables every tick, each with the source timestamp of that tick."""
    import datetime as dt

    from asyncua import ua

    loop = asyncio.get_running_loop()
    deadline = loop.time()
    while True:
        setpoint = float(await nodes["Setpoint"].read_value())
        now = dt.datetime.now(dt.UTC)
        for name, value in line.tick(setpoint).items():
            vtype = getattr(ua.VariantType, START_VALUES[name][1])
            data = ua.DataValue(ua.Variant(value, vtype), SourceTimestamp=now)
            await server.write_attribute_value(nodes[name].nodeid, data)
        deadline += TICK_S
        await asyncio.sleep(max(0.0, deadline - loop.time()))


async def serve(host: str, port: int) -> int:
    """Serve until SIGTERM/SIGINT; returns the exit code."""
    server, nodes = await build(host, port)
    done = stop_requested()
    try:
        await server.start()
    except OSError as exc:
        print(f"cannot listen on {host}:{port}: {exc}", file=sys.stderr, flush=True)
        return 2
    try:
        watcher = WriteLogger({nodes[n].nodeid.to_string(): n for n in WRITABLE})
        subscription = await server.create_subscription(200, watcher)
        await subscription.subscribe_data_change([nodes[n] for n in WRITABLE])
        print(f"demo OPC UA device listening on opc.tcp://{host}:{port}", flush=True)
        ticker = asyncio.create_task(simulate(server, nodes, Line()))
        await done.wait()
        ticker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticker
    finally:
        await server.stop()
    print("demo OPC UA device stopped", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, check the port, serve."""
    return run_device("OPC UA device", 14840, serve, argv, prepare=quiet_logging)


if __name__ == "__main__":
    sys.exit(main())
