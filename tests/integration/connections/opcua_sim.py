"""An OPC UA server for tests and benchmarks (asyncua), run as its own process.

    python opcua_sim.py --port P [--items N] [--change-ms MS] [--counter-ms MS]

Namespace `urn:opspanel:sim` (index 2), folder `Plant` with writable variables
`ns=2;s=Double` (Double), `ns=2;s=Int32`, `ns=2;s=Boolean`, `ns=2;s=String`, and
`ns=2;s=Counter` (Int32, +1 every `counter-ms`, 100 by default). With `--items N`, N
Double variables `ns=2;s=Item{i}` all change every `change-ms` (1000 by default), each
write carrying the source timestamp of that moment.

Prints `READY` once serving, then answers JSON commands on stdin, one per line, with
one JSON line on stdout: `{"cmd":"get","node":ID}` -> `{"value":v}`;
`{"cmd":"set","node":ID,"value":v}` -> `{"ok":true}`. Ends on end of stdin or SIGTERM.
`OpcUaSim` (below) starts and drives such a process from a test.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import logging
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

URI = "urn:opspanel:sim"
SCALARS: dict[str, tuple[Any, str]] = {
    "Double": (1.5, "Double"),
    "Int32": (-42, "Int32"),
    "Boolean": (True, "Boolean"),
    "String": ("hello", "String"),
    "Counter": (0, "Int32"),
}


class OpcUaSim:
    """The simulator as a child process of a test (start, query, restart on the same port)."""

    def __init__(self, port: int, *extra: str) -> None:
        self.port = port
        self.extra = extra
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        """The server's URL."""
        return f"opc.tcp://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> OpcUaSim:
        """Start the server process and wait for READY."""
        argv = [sys.executable, str(Path(__file__)), "--port", str(self.port), *self.extra]
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self.proc.stdout is not None
        line = self._readline(timeout)
        if line.strip() != b"READY":
            self.stop()
            raise RuntimeError(f"the OPC UA simulator did not start: {line!r}")
        return self

    def _readline(self, timeout: float) -> bytes:
        assert self.proc is not None and self.proc.stdout is not None
        import selectors

        with selectors.DefaultSelector() as selector:
            selector.register(self.proc.stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                raise TimeoutError("no answer from the OPC UA simulator")
        return self.proc.stdout.readline()

    def call(self, command: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
        """Send one command, return its answer."""
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(command).encode() + b"\n")
        self.proc.stdin.flush()
        return dict(json.loads(self._readline(timeout)))

    def get(self, node: str) -> Any:
        """A variable's value, read inside the server."""
        return self.call({"cmd": "get", "node": node})["value"]

    def set(self, node: str, value: Any) -> None:
        """Change a variable inside the server (keeps its type)."""
        self.call({"cmd": "set", "node": node, "value": value})

    def stop(self) -> None:
        """End the server process (its clients see the connection close)."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


async def build(port: int, items: int) -> tuple[Any, dict[str, Any]]:
    """The server and its variables by name (not started)."""
    from asyncua import Server, ua

    server = Server()
    await server.init()
    server.set_endpoint(f"opc.tcp://127.0.0.1:{port}")
    server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
    index = await server.register_namespace(URI)
    folder = await server.nodes.objects.add_folder(ua.NodeId("Plant", index), "Plant")
    nodes: dict[str, Any] = {}
    for name, (value, vtype) in SCALARS.items():
        node_id = ua.NodeId(name, index)
        variant = ua.Variant(value, getattr(ua.VariantType, vtype))
        nodes[name] = await folder.add_variable(node_id, name, variant)
    for i in range(items):
        node_id = ua.NodeId(f"Item{i}", index)
        nodes[f"Item{i}"] = await folder.add_variable(node_id, f"Item{i}", float(i))
    for node in nodes.values():
        await node.set_writable()
    return server, nodes


async def change_loop(server: Any, nodes: list[Any], period: float, step: float) -> None:
    """Give every node a new value (with its source timestamp) every `period` seconds."""
    from asyncua import ua

    loop = asyncio.get_running_loop()
    deadline = loop.time()
    tick = 0
    while True:
        deadline += period
        await asyncio.sleep(max(0.0, deadline - loop.time()))
        tick += 1
        now = dt.datetime.now(dt.UTC)
        for i, node in enumerate(nodes):
            value = ua.DataValue(
                ua.Variant(i + tick * step, ua.VariantType.Double), SourceTimestamp=now
            )
            await server.write_attribute_value(node.nodeid, value)


async def counter_loop(node: Any, period: float) -> None:
    """Count up by one every `period` seconds."""
    from asyncua import ua

    count = 0
    while True:
        await asyncio.sleep(period)
        count += 1
        now = dt.datetime.now(dt.UTC)
        await node.write_value(
            ua.DataValue(ua.Variant(count, ua.VariantType.Int32), SourceTimestamp=now)
        )


async def answer(line: bytes, nodes: dict[str, Any]) -> dict[str, Any]:
    """One command's answer."""
    from asyncua import ua

    command = json.loads(line)
    node = nodes[command["node"].split(";s=", 1)[-1]]
    if command["cmd"] == "get":
        value = await node.read_value()
        return {"value": value}
    current = await node.read_data_value()
    variant = ua.Variant(command["value"], current.Value.VariantType)
    await node.write_value(ua.DataValue(variant, SourceTimestamp=dt.datetime.now(dt.UTC)))
    return {"ok": True}


async def serve(args: argparse.Namespace) -> None:
    """Serve until stdin ends or SIGTERM."""
    server, nodes = await build(args.port, args.items)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    loop.add_signal_handler(signal.SIGTERM, reader.feed_eof)
    async with server:
        tasks = [asyncio.create_task(counter_loop(nodes["Counter"], args.counter_ms / 1000))]
        items = [nodes[f"Item{i}"] for i in range(args.items)]
        if items:
            tasks.append(
                asyncio.create_task(change_loop(server, items, args.change_ms / 1000, 0.5))
            )
        print("READY", flush=True)
        while True:
            line = await reader.readline()
            if not line:
                break
            print(json.dumps(await answer(line, nodes)), flush=True)
        for task in tasks:
            task.cancel()


def main() -> int:
    """Run the simulator as a process."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--items", type=int, default=0)
    parser.add_argument("--change-ms", type=float, default=1000.0)
    parser.add_argument("--counter-ms", type=float, default=100.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
