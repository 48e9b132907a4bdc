"""A TCP proxy between a worker and a device simulator that misbehaves on cue.

`FaultProxy(target_port, protocol).start()` listens on a free port of 127.0.0.1 and
forwards every connection to the simulator, frame by frame (Modbus TCP frames by
their MBAP length, OPC UA messages by their header size), from its own thread.

- `hold()`: requests stop reaching the device (they wait in the proxy, as behind a
  stalled link; `waiting` counts them); `release()` forwards them again.
- `drop_after_write()`: the next write request reaches the device (which applies it),
  and then the client's socket is closed instead of passing the device's answer on.

- `cut()`: every connection closes and new ones are refused, as if the device
  went away; `restore()` lets them through again.

`writes` counts the write requests that reached the device.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Coroutine
from typing import Any

from panel.util.ports import ephemeral_port

MODBUS_WRITE_CODES = (5, 6, 15, 16)
OPCUA_WRITE_REQUEST = b"\x01\x00\xa1\x02"  # NodeId i=673 (WriteRequest), four-byte form


def modbus_frame_size(buffer: bytes) -> int | None:
    """The size of the Modbus TCP frame at the start of `buffer` (None: incomplete)."""
    return 6 + int.from_bytes(buffer[4:6], "big") if len(buffer) >= 6 else None


def opcua_frame_size(buffer: bytes) -> int | None:
    """The size of the OPC UA message chunk at the start of `buffer` (None: incomplete)."""
    return int.from_bytes(buffer[4:8], "little") if len(buffer) >= 8 else None


def modbus_key(frame: bytes) -> bytes:
    """What pairs a Modbus request with its answer: the transaction id."""
    return frame[0:2]


def opcua_key(frame: bytes) -> bytes:
    """What pairs an OPC UA request with its answer: the request id."""
    return frame[20:24]


def modbus_is_write(frame: bytes) -> bool:
    """A Modbus write request (FC5, FC6, FC15, FC16)."""
    return len(frame) > 7 and frame[7] in MODBUS_WRITE_CODES


def opcua_is_write(frame: bytes) -> bool:
    """An OPC UA WriteRequest on an unsecured channel (type id right after the headers)."""
    return frame[:3] == b"MSG" and frame[24:28] == OPCUA_WRITE_REQUEST


ANSWER_WAIT_S = 5.0
"""How long a link whose client left stays open for the device to answer."""

Protocol = tuple[Callable[[bytes], int | None], Callable[[bytes], bool], Callable[[bytes], bytes]]
PROTOCOLS: dict[str, Protocol] = {
    "modbus": (modbus_frame_size, modbus_is_write, modbus_key),
    "opcua": (opcua_frame_size, opcua_is_write, opcua_key),
}


class FaultProxy:
    """A misbehaving link to a simulator on 127.0.0.1:`target_port` (see the module)."""

    def __init__(self, target_port: int, protocol: str) -> None:
        self.target_port = target_port
        self.port = ephemeral_port()
        self._frame_size, self._is_write, self._key = PROTOCOLS[protocol]
        self.writes = 0
        self.waiting = 0
        self._drop_next_write = False
        self._cut = False
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._released: asyncio.Event | None = None

    def _call(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(10)

    def start(self) -> FaultProxy:
        """Listen on `port`."""
        self._thread.start()

        async def start() -> None:
            self._released = asyncio.Event()
            self._released.set()
            self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

        self._call(start())
        return self

    def hold(self) -> None:
        """Keep requests from reaching the device until `release()`."""

        async def hold() -> None:
            assert self._released is not None
            self._released.clear()

        self._call(hold())

    def release(self) -> None:
        """Forward held and new requests again."""

        async def release() -> None:
            assert self._released is not None
            self._released.set()

        self._call(release())

    def drop_after_write(self) -> None:
        """Close the client's socket right after the device answered the next write."""

        async def arm() -> None:
            self._drop_next_write = True

        self._call(arm())

    def cut(self) -> None:
        """Close every connection and refuse new ones until `restore()`."""

        async def cut() -> None:
            self._cut = True
            for writer in list(self._writers):
                writer.close()

        self._call(cut())

    def restore(self) -> None:
        """Accept connections again."""

        async def restore() -> None:
            self._cut = False

        self._call(restore())

    def close(self) -> None:
        """Stop listening, close every connection and end the thread."""

        async def close() -> None:
            if self._server is not None:
                self._server.close()
            for writer in list(self._writers):
                writer.close()
            if self._server is not None:
                await self._server.wait_closed()

        self._call(close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        if self._cut:
            writer.close()
            self._writers.discard(writer)
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            self._writers.discard(writer)
            return
        self._writers.add(up_writer)
        dropping: list[bytes] = []  # the key of the write whose answer ends the link
        pumps = [
            asyncio.create_task(self._requests(reader, up_writer, dropping)),
            asyncio.create_task(self._answers(up_reader, writer, dropping)),
        ]
        done, _ = await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        if pumps[0] in done:  # the client left: a request already forwarded still lands,
            await asyncio.wait(pumps[1:], timeout=ANSWER_WAIT_S)  # as on a real link
        for task in pumps:
            task.cancel()
        for end in (writer, up_writer):
            end.close()
            self._writers.discard(end)
            with contextlib.suppress(Exception):
                await end.wait_closed()

    async def _frames(self, reader: asyncio.StreamReader) -> Any:
        buffer = b""
        while True:
            size = self._frame_size(buffer)
            while size is not None and 0 < size <= len(buffer):
                yield buffer[:size]
                buffer = buffer[size:]
                size = self._frame_size(buffer)
            data = await reader.read(65536)
            if not data:
                return
            buffer += data

    async def _requests(
        self, reader: asyncio.StreamReader, up: asyncio.StreamWriter, dropping: list[bytes]
    ) -> None:
        assert self._released is not None
        async for frame in self._frames(reader):
            self.waiting += 1
            await self._released.wait()
            self.waiting -= 1
            if self._is_write(frame):
                self.writes += 1
                if self._drop_next_write:
                    self._drop_next_write = False
                    dropping.append(self._key(frame))
            up.write(frame)
            await up.drain()

    async def _answers(
        self, reader: asyncio.StreamReader, client: asyncio.StreamWriter, dropping: list[bytes]
    ) -> None:
        async for frame in self._frames(reader):
            if self._key(frame) in dropping:
                return  # the device has answered the write: close instead of passing it on
            if client.is_closing():
                return  # the client left; the device has answered what it was sent
            client.write(frame)
            with contextlib.suppress(ConnectionError):
                await client.drain()
