"""The demo workspace's Modbus TCP device: a small simulated machine (pymodbus server).

Run by the panel as a managed process, with the panel's own interpreter:

    {python} -m modbus_device --host 127.0.0.1 --port 15020    (working folder: this one)

Memory map (unit id: any; addresses from 0, as a client sends them):

    holding 0-1   temperature   float32, big-endian words, degrees C: a slow sine with a
                                little noise around a base that drifts toward the setpoint
    holding 2-3   pressure      float32, bar: higher while the pump runs, lower with the
                                valve open
    holding 4     counter       int16, +1 every tick (wraps to -32768 after 32767)
    holding 5     setpoint      uint16, tenths of a degree C (550 = 55.0 C): WRITE IT and
                                the temperature follows
    coil 0        pump          on at start; writable
    coil 1        valve         off at start; writable
    discrete 0    over-temperature alarm (temperature > setpoint + 5 C)
    discrete 1    low-pressure alarm (pressure < 1.5 bar)

Values change every 200 ms. Every write a client sends is logged on stdout. A port
that is taken ends the process at once with exit code 2 and a line naming the port.
Stops on SIGTERM or SIGINT.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import struct
import sys
import time
from typing import Any

from device_common import run_device, stop_requested
from pymodbus.server import ModbusTcpServer
from pymodbus.simulator import SimData, SimDevice
from pymodbus.simulator.simutils import DataType

TICK_S = 0.2
BITS = 16
REGISTERS = 16
FC_COILS, FC_DISCRETE, FC_HOLDING = 1, 2, 3
TEMPERATURE, PRESSURE, COUNTER, SETPOINT = 0, 2, 4, 5
PUMP, VALVE = 0, 1
OVER_TEMPERATURE, LOW_PRESSURE = 0, 1
START_SETPOINT = 550  # 55.0 C
WRITE_CODES = {5: "coil", 6: "holding", 15: "coils", 16: "holding", 23: "holding"}
NAMES = {
    ("coil", PUMP): "pump",
    ("coil", VALVE): "valve",
    ("holding", SETPOINT): "setpoint",
    ("holding", COUNTER): "counter",
}


def float_registers(value: float) -> list[int]:
    """A float32 as two 16-bit registers, high word first (big-endian words and bytes)."""
    high, low = struct.unpack(">HH", struct.pack(">f", value))
    return [high, low]


def int16_register(value: int) -> int:
    """A signed 16-bit value as the unsigned register that carries it."""
    return value & 0xFFFF


class Machine:
    """The simulated process: temperature, pressure and a counter, ticked every 200 ms."""

    def __init__(self, seed: int | None = None) -> None:
        self.base = START_SETPOINT / 10.0 - 10.0  # starts below the setpoint, warms up
        self.counter = 0
        self.started = time.monotonic()
        self.random = random.Random(seed)

    def tick(self, setpoint: float, pump: bool, valve: bool) -> tuple[float, float, int]:
        """Advance one tick; returns (temperature C, pressure bar, counter)."""
        t = time.monotonic() - self.started
        self.base += (setpoint - self.base) * 0.03
        temperature = self.base + 1.5 * math.sin(2 * math.pi * t / 60.0)
        temperature += self.random.gauss(0.0, 0.08)
        pressure = 1.0 + (1.8 if pump else 0.0) - (0.6 if valve else 0.0)
        pressure += 0.15 * math.sin(2 * math.pi * t / 7.0) + self.random.gauss(0.0, 0.02)
        self.counter = self.counter + 1 if self.counter < 32767 else -32768
        return temperature, max(pressure, 0.0), self.counter


def make_device() -> SimDevice:
    """The device's memory, with the start values filled in."""
    coils = [False] * BITS
    coils[PUMP] = True
    holding = [0] * REGISTERS
    holding[SETPOINT] = START_SETPOINT
    return SimDevice(
        id=0,
        simdata=(
            [SimData(0, count=BITS, values=coils, datatype=DataType.BITS)],
            [SimData(0, count=BITS, values=False, datatype=DataType.BITS)],
            [SimData(0, count=REGISTERS, values=holding, datatype=DataType.REGISTERS)],
            [SimData(0, count=REGISTERS, values=0, datatype=DataType.REGISTERS)],
        ),
    )


def describe_write(pdu: Any) -> str | None:
    """One log line for a write request, None for anything else."""
    area = WRITE_CODES.get(int(getattr(pdu, "function_code", 0)))
    if area is None:
        return None
    address = int(getattr(pdu, "write_address", getattr(pdu, "address", 0)))
    if area.startswith("coil"):
        values: list[Any] = list(getattr(pdu, "bits", []) or [])
        area = "coil"
    else:
        values = list(getattr(pdu, "write_registers", None) or getattr(pdu, "registers", []))
    name = NAMES.get((area, address), "")
    what = f" ({name})" if name else ""
    return f"write: {area} {address}{what} <- {values}"


def on_pdu(sending: bool, pdu: Any) -> Any:
    """Log every write a client asks for (called by pymodbus for each PDU)."""
    if not sending:
        line = describe_write(pdu)
        if line:
            print(line, flush=True)
    return pdu


async def simulate(server: ModbusTcpServer, machine: Machine) -> None:
    """Update the memory every tick, on a steady schedule."""
    loop = asyncio.get_running_loop()
    deadline = loop.time()
    last_setpoint: int | None = None
    while True:
        coils = await server.async_getValues(1, FC_COILS, PUMP, 2)
        setpoint = int((await server.async_getValues(1, FC_HOLDING, SETPOINT, 1))[0])
        if setpoint != last_setpoint:
            print(f"setpoint {setpoint / 10:.1f} C", flush=True)
            last_setpoint = setpoint
        temperature, pressure, counter = machine.tick(setpoint / 10, bool(coils[0]), bool(coils[1]))
        registers = float_registers(temperature) + float_registers(pressure)
        await server.async_setValues(1, FC_HOLDING, TEMPERATURE, registers)
        await server.async_setValues(1, FC_HOLDING, COUNTER, [int16_register(counter)])
        alarms = [temperature > setpoint / 10 + 5.0, pressure < 1.5]
        await server.async_setValues(1, FC_DISCRETE, OVER_TEMPERATURE, alarms)
        deadline += TICK_S
        await asyncio.sleep(max(0.0, deadline - loop.time()))


async def serve(host: str, port: int) -> int:
    """Serve until SIGTERM/SIGINT; returns the exit code."""
    server = ModbusTcpServer(make_device(), address=(host, port), trace_pdu=on_pdu)
    try:
        await server.serve_forever(background=True)
    except (OSError, RuntimeError) as exc:
        print(f"cannot listen on {host}:{port}: {exc}", file=sys.stderr, flush=True)
        return 2
    done = stop_requested()
    print(f"demo Modbus TCP device listening on {host}:{port}", flush=True)
    ticker = asyncio.create_task(simulate(server, Machine()))
    await done.wait()
    ticker.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await ticker
    with contextlib.suppress(Exception):
        await server.shutdown()
    print("demo Modbus TCP device stopped", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, check the port, serve."""
    return run_device("Modbus TCP device", 15020, serve, argv)


if __name__ == "__main__":
    sys.exit(main())
