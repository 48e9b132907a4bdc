"""A Modbus TCP device simulator for tests and benchmarks (pymodbus SimDevice).

In-process: `ModbusSim(port).start()` serves from a background thread with its own
event loop; `get`/`set` touch the device's memory, `requests` counts received PDUs
(`writes` the write requests among them: FC5, FC6, FC15, FC16),
`connections`/`max_connections` count client sockets. `stop()` shuts the server down
(clients see the connection close); `start()` brings it back on the same port.

As a process: `python modbus_sim.py --port P [--registers N] [--churn-ms MS]
[--churn-every K]` prints `READY` and serves until stdin closes or SIGTERM; with
`--churn-ms` every holding register changes every MS milliseconds (register i holds
`(tick + i) % 65536`), or with `--churn-every K` one register in K each tick (those
with `i % K == tick % K`: a tenth of them with K = 10).

Layout (unit id: any): 64 coils, 64 discrete inputs, `registers` holding and input
registers, all from address 0. Reads beyond answer exception 2 (illegal data address).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import signal
import sys
import threading
from typing import Any

from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import SimData, SimDevice
from pymodbus.simulator.simutils import DataType

BITS = 64
FC = {"coils": 1, "discrete": 2, "holding": 3, "input": 4}
WRITE_CODES = (5, 6, 15, 16)


def make_device(registers: int) -> SimDevice:
    """The simulated device's memory."""
    return SimDevice(
        id=0,
        simdata=(
            [SimData(0, count=BITS, values=False, datatype=DataType.BITS)],
            [SimData(0, count=BITS, values=False, datatype=DataType.BITS)],
            [SimData(0, count=registers, values=0, datatype=DataType.REGISTERS)],
            [SimData(0, count=registers, values=0, datatype=DataType.REGISTERS)],
        ),
    )


class ModbusSim:
    """A simulator serving on 127.0.0.1:`port` from its own thread and loop."""

    def __init__(self, port: int, registers: int = 2200) -> None:
        self.port = port
        self.registers = registers
        self.requests = 0
        self.writes = 0
        self.connections = 0
        self.max_connections = 0
        self.total_connections = 0
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._server: ModbusTcpServer | None = None
        self._device = make_device(registers)

    def _on_pdu(self, sending: bool, pdu: Any) -> Any:
        if not sending:
            with self._lock:
                self.requests += 1
                if pdu.function_code in WRITE_CODES:
                    self.writes += 1
        return pdu

    def _on_connect(self, connected: bool) -> None:
        with self._lock:
            self.connections += 1 if connected else -1
            if connected:
                self.total_connections += 1
            self.max_connections = max(self.max_connections, self.connections)

    def _call(self, coro: Any, timeout: float = 10.0) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    def start(self) -> ModbusSim:
        """Serve (again) on the same port, keeping the device's memory."""

        async def start() -> None:
            self._server = ModbusTcpServer(
                self._device,
                address=("127.0.0.1", self.port),
                trace_pdu=self._on_pdu,
                trace_connect=self._on_connect,
            )
            await self._server.serve_forever(background=True)

        self._call(start())
        return self

    def stop(self) -> None:
        """Stop serving: the listener and every client connection close."""
        server, self._server = self._server, None
        if server is not None:
            self._call(server.shutdown())

    def close(self) -> None:
        """Stop and end the thread."""
        self.stop()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def get(self, area: str, address: int, count: int = 1) -> list[Any]:
        """Values of the device's memory."""
        assert self._server is not None
        return list(self._call(self._server.async_getValues(1, FC[area], address, count)))

    def set(self, area: str, address: int, values: list[Any]) -> None:
        """Change the device's memory."""
        assert self._server is not None
        self._call(self._server.async_setValues(1, FC[area], address, values))


def main() -> int:
    """Serve as a process until stdin closes or SIGTERM."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--registers", type=int, default=2200)
    parser.add_argument("--churn-ms", type=int, default=0)
    parser.add_argument("--churn-every", type=int, default=1)
    args = parser.parse_args()

    async def churn(server: ModbusTcpServer) -> None:
        every = max(1, args.churn_every)
        values = [0] * args.registers
        for tick in itertools.count(1):
            await asyncio.sleep(args.churn_ms / 1000)
            for i in range(tick % every, args.registers, every):
                values[i] = (tick + i) % 65536
            await server.async_setValues(1, FC["holding"], 0, values)

    async def serve() -> None:
        server = ModbusTcpServer(make_device(args.registers), address=("127.0.0.1", args.port))
        await server.serve_forever(background=True)
        loop = asyncio.get_running_loop()
        changing = loop.create_task(churn(server)) if args.churn_ms > 0 else None
        done = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, done.set)
        loop.add_reader(sys.stdin.fileno(), done.set)
        print("READY", flush=True)
        await done.wait()
        loop.remove_reader(sys.stdin.fileno())
        if changing is not None:
            changing.cancel()
        with contextlib.suppress(Exception):
            await server.shutdown()

    asyncio.run(serve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
