"""Modbus TCP through pymodbus' AsyncModbusTcpClient: FC1/2/3/4 reads, FC5/6/15/16 writes.

Addresses in the configuration are protocol (PDU) addresses, starting at 0. The
client's own reconnect is switched off (the worker owns reconnecting), and every request
first checks the link so pymodbus never opens a second socket behind our back.
An exception response marks the tags of that request bad with the exception's name; a
timeout does the same, and three timeouts in a row count as a lost link.
"""

from __future__ import annotations

import asyncio
import struct
import time
from collections.abc import Callable
from typing import Any

from pymodbus.client import AsyncModbusTcpClient
from pymodbus.exceptions import ConnectionException, ModbusException, ModbusIOException

from panel.connections.worker import codec
from panel.connections.worker.config import BIT_AREAS, BlockConfig, ConnectionConfig
from panel.connections.worker.drivers.base import (
    BAD,
    GOOD,
    ConnectionLost,
    Driver,
    TagValue,
    WriteFailed,
    WriteItem,
    WriteUnknown,
)
from panel.connections.worker.planner import ReadRequest, plan_reads, plan_writes
from panel.connections.worker.timing import BlockStats

EXCEPTION_NAMES: dict[int, str] = {
    1: "illegal function",
    2: "illegal data address",
    3: "illegal data value",
    4: "device failure",
    5: "acknowledge",
    6: "device busy",
    10: "gateway path unavailable",
    11: "gateway target failed to respond",
}
TIMEOUTS_BEFORE_LOST = 3


def exception_reason(code: int) -> str:
    """A readable reason for a Modbus exception code."""
    return f"Modbus exception {code} ({EXCEPTION_NAMES.get(code, 'unknown')})"


class ModbusTcpDriver(Driver):
    """One Modbus TCP link (one socket) to one unit id."""

    def __init__(self, config: ConnectionConfig, log: Callable[[str, str], None]) -> None:
        super().__init__(config, log)
        self._client: AsyncModbusTcpClient | None = None
        self._plans: dict[str, list[ReadRequest]] = {}
        self._timeouts = 0
        self._lock = asyncio.Lock()

    async def _request(
        self, call: Any, *args: Any, sending: Callable[[], None] | None = None, **kwargs: Any
    ) -> Any:
        """One request at a time, never waiting longer than the timeout (plus a margin).

        `sending` is called once the link is ours and alive, right before the request.
        """
        timeout = self.config.timeout_ms / 1000.0
        async with self._lock:
            if sending is not None:
                self._live_client()  # it may have broken while we waited: not sent then
                sending()
            try:
                async with asyncio.timeout(timeout + 0.5):  # no extra task, unlike wait_for
                    return await call(*args, **kwargs)
            except TimeoutError as exc:
                raise ModbusIOException("no response") from exc

    async def connect(self) -> None:
        """Open the TCP connection (a single attempt, bounded by timeoutMs)."""
        timeout = self.config.timeout_ms / 1000.0
        client = AsyncModbusTcpClient(
            self.config.host,
            port=self.config.port,
            timeout=timeout,
            retries=0,
            reconnect_delay=0,
            reconnect_delay_max=0,
        )
        self._client = client
        try:
            ok = await asyncio.wait_for(client.connect(), timeout + 0.5)
        except (TimeoutError, OSError) as exc:
            raise ConnectionLost(f"connect to {self._where()} failed: {exc or 'timeout'}") from exc
        if not ok or not client.connected:
            raise ConnectionLost(f"connect to {self._where()} failed")

    async def close(self) -> None:
        """Close the socket; the driver is done."""
        client, self._client = self._client, None
        if client is not None:
            client.close()
        self.lost.set()

    def configure(self, config: ConnectionConfig) -> None:
        """New blocks and tags: forget the request plans."""
        super().configure(config)
        self._plans.clear()

    def _where(self) -> str:
        return f"{self.config.host}:{self.config.port}"

    def _live_client(self) -> AsyncModbusTcpClient:
        client = self._client
        if client is None or not client.connected:
            raise ConnectionLost(f"connection to {self._where()} lost")
        return client

    def _plan(self, block: BlockConfig) -> list[ReadRequest]:
        plan = self._plans.get(block.name)
        if plan is None:
            plan = self._plans[block.name] = plan_reads(block)
        return plan

    async def read_block(self, block: BlockConfig, stats: BlockStats) -> list[TagValue]:
        """Read every request of the block's plan, in order."""
        values: list[TagValue] = []
        for request in self._plan(block):
            values.extend(await self._read_request(block, request, stats))
        return values

    async def _read_request(
        self, block: BlockConfig, request: ReadRequest, stats: BlockStats
    ) -> list[TagValue]:
        client = self._live_client()
        stats.requests += 1
        unit = self.config.unit_id
        call = {
            "coils": client.read_coils,
            "discrete": client.read_discrete_inputs,
            "holding": client.read_holding_registers,
            "input": client.read_input_registers,
        }[block.area]
        try:
            response = await self._request(
                call, request.address, count=request.count, device_id=unit
            )
        except ConnectionException as exc:
            raise ConnectionLost(f"connection to {self._where()} lost: {exc}") from exc
        except ModbusIOException as exc:
            stats.errors += 1
            self._timeouts += 1
            if self._timeouts >= TIMEOUTS_BEFORE_LOST or not self._live():
                raise ConnectionLost(f"{self._where()} stopped answering") from exc
            return _all_bad(request, "timeout: no response")
        except ModbusException as exc:
            stats.errors += 1
            return _all_bad(request, f"request failed: {exc}")
        self._timeouts = 0
        if response.isError():
            stats.errors += 1
            code = int(getattr(response, "exception_code", 0))
            return _all_bad(request, exception_reason(code))
        data = response.bits if block.area in BIT_AREAS else response.registers
        return _decode_request(block, request, list(data))

    def _live(self) -> bool:
        return self._client is not None and self._client.connected

    async def write(self, items: list[WriteItem], sending: Callable[[], None]) -> None:
        """Write each area's values in contiguous runs (FC5/FC15 coils, FC6/FC16 registers)."""
        by_area: dict[str, list[tuple[int, Any]]] = {}
        for block, tag, value in items:
            address = block.start + tag.offset
            try:
                if block.area == "coils":
                    piece: Any = [codec.encode_bool(tag, value)]
                else:
                    piece = codec.encode(tag, value)
            except (ValueError, OverflowError, struct.error) as exc:
                raise ValueError(str(exc)) from exc
            by_area.setdefault(block.area, []).append((address, piece))
        for area, pieces in by_area.items():
            for run in plan_writes(area, pieces):
                await self._write_run(area, run.address, list(run.values), sending)

    async def _write_run(
        self, area: str, address: int, values: list[Any], sending: Callable[[], None]
    ) -> None:
        client = self._live_client()
        unit = self.config.unit_id
        single = len(values) == 1
        call: Any
        value: Any
        if area == "coils":
            call, value = (
                (client.write_coil, bool(values[0])) if single else (client.write_coils, values)
            )
        else:
            call, value = (
                (client.write_register, int(values[0]))
                if single
                else (client.write_registers, values)
            )
        try:
            response = await self._request(call, address, value, device_id=unit, sending=sending)
        except ConnectionException as exc:
            raise ConnectionLost(f"connection to {self._where()} lost: {exc}") from exc
        except ModbusIOException as exc:
            timeout = self.config.timeout_ms / 1000.0
            raise WriteUnknown(f"nothing within {timeout:g} s") from exc
        except ModbusException as exc:
            raise WriteFailed(str(exc)) from exc
        if response.isError():
            raise WriteFailed(exception_reason(int(getattr(response, "exception_code", 0))))


def _all_bad(request: ReadRequest, reason: str) -> list[TagValue]:
    now = time.time()
    return [TagValue(tag.name, None, BAD, now, reason) for tag in request.tags]


def _decode_request(block: BlockConfig, request: ReadRequest, data: list[Any]) -> list[TagValue]:
    now = time.time()
    base = request.address - block.start
    values: list[TagValue] = []
    for tag in request.tags:
        first = tag.offset - base
        try:
            if block.area in BIT_AREAS:
                value: Any = bool(data[first])
            else:
                value = codec.decode(tag, data[first : first + tag.width(block.area)])
        except (IndexError, ValueError, struct.error) as exc:
            values.append(TagValue(tag.name, None, BAD, now, f"cannot decode: {exc}"))
            continue
        values.append(TagValue(tag.name, value, GOOD, now))
    return values
