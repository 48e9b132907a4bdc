"""Modbus value codec: 16-bit registers <-> typed, scaled engineering values.

Word order is the order of the 16-bit words of a multi-register value (big: the most
significant word first, the Modbus convention); byte order is the order of the two
bytes inside each register (big: the Modbus convention). Scaling: value = raw * scale +
offset_value on read, and the inverse on write.
"""

from __future__ import annotations

import struct

from panel.connections.worker.config import TagConfig, register_count, string_length

_FORMATS: dict[str, str] = {
    "int16": ">h",
    "uint16": ">H",
    "int32": ">i",
    "uint32": ">I",
    "float32": ">f",
    "float64": ">d",
}
_INT_RANGES: dict[str, tuple[int, int]] = {
    "int16": (-(2**15), 2**15 - 1),
    "uint16": (0, 2**16 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "uint32": (0, 2**32 - 1),
}

Value = bool | int | float | str


def registers_to_bytes(registers: list[int], word_order: str, byte_order: str) -> bytes:
    """Registers as one big-endian byte string, after undoing word and byte order."""
    words = registers if word_order == "big" else list(reversed(registers))
    raw = b"".join(struct.pack(">H", w & 0xFFFF) for w in words)
    if byte_order == "little":
        raw = b"".join(raw[i + 1 : i + 2] + raw[i : i + 1] for i in range(0, len(raw), 2))
    return raw


def bytes_to_registers(raw: bytes, word_order: str, byte_order: str) -> list[int]:
    """The inverse of `registers_to_bytes`."""
    if len(raw) % 2:
        raw += b"\x00"
    if byte_order == "little":
        raw = b"".join(raw[i + 1 : i + 2] + raw[i : i + 1] for i in range(0, len(raw), 2))
    words = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
    return words if word_order == "big" else list(reversed(words))


def decode(tag: TagConfig, registers: list[int]) -> Value:
    """The tag's engineering value from its registers (bool tags: a bit of registers[0])."""
    if tag.type == "bool":
        return bool((registers[0] >> tag.bit) & 1)
    length = string_length(tag.type)
    raw = registers_to_bytes(registers[: register_count(tag.type)], tag.word_order, tag.byte_order)
    if length is not None:
        return raw[:length].split(b"\x00", 1)[0].decode("utf-8", errors="replace")
    number = struct.unpack(_FORMATS[tag.type], raw)[0]
    if tag.scale == 1.0 and tag.offset_value == 0.0:
        return number
    return number * tag.scale + tag.offset_value


def encode(tag: TagConfig, value: object) -> list[int]:
    """Registers for writing `value` to a register tag; raises ValueError when it can't fit."""
    length = string_length(tag.type)
    if length is not None:
        if not isinstance(value, str):
            raise ValueError(f"{tag.name}: a string value is required")
        data = value.encode("utf-8")
        if len(data) > length:
            raise ValueError(f"{tag.name}: {len(data)} bytes do not fit string({length})")
        data = data.ljust(register_count(tag.type) * 2, b"\x00")
        return bytes_to_registers(data, tag.word_order, tag.byte_order)
    if tag.type not in _FORMATS:
        raise ValueError(f"{tag.name}: type {tag.type} is not a register value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{tag.name}: a number is required, got {value!r}")
    raw_value: float = (float(value) - tag.offset_value) / tag.scale if tag.scale else float(value)
    if tag.type in _INT_RANGES:
        low, high = _INT_RANGES[tag.type]
        number = round(raw_value)
        if not low <= number <= high:
            raise ValueError(f"{tag.name}: {value!r} is out of range for {tag.type}")
        packed = struct.pack(_FORMATS[tag.type], number)
    else:
        packed = struct.pack(_FORMATS[tag.type], raw_value)
    return bytes_to_registers(packed, tag.word_order, tag.byte_order)


def encode_bool(tag: TagConfig, value: object) -> bool:
    """A coil value: booleans, or 0/1."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise ValueError(f"{tag.name}: true/false (or 0/1) is required, got {value!r}")
