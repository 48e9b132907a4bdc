"""Checking a value before it is written to a tag, with the worker's own codec."""

from __future__ import annotations

from typing import Any

from panel.connections.worker.codec import encode, encode_bool
from panel.connections.worker.config import (
    BIT_AREAS,
    FIXED_TYPES,
    BlockConfig,
    TagConfig,
    string_length,
)
from panel.connections.worker.text import bool_from_text, float_from_text, int_from_text

_INT_TYPES = ("int16", "uint16", "int32", "uint32")


def parse_text(tag: TagConfig, text: str) -> Any:
    """A value typed by a person (dialog, command line) as the tag's type wants it.

    OPC UA tags typed "auto" keep the text: the worker reads it as the node's type.
    """
    where = f"{tag.name} ({tag.type})"
    if tag.type == "bool":
        flag = bool_from_text(text)
        if flag is None:
            raise ValueError(f"{where}: true or false is required, got {text!r}")
        return flag
    if string_length(tag.type) is not None or tag.type not in FIXED_TYPES:
        return text
    if tag.type in _INT_TYPES and tag.scale == 1.0 and tag.offset_value == 0.0:
        integer = int_from_text(text)
        if integer is None:
            raise ValueError(f"{where}: an integer is required, got {text!r}")
        return integer
    number = float_from_text(text)
    if number is None:
        raise ValueError(f"{where}: a number is required, got {text!r}")
    return number


def check_value(block: BlockConfig, tag: TagConfig, value: Any) -> Any:
    """`value` if the tag can take it (raises ValueError saying why not)."""
    if not tag.writable:
        raise ValueError(f"tag {tag.name!r} is not writable")
    if isinstance(value, str) and string_length(tag.type) is None and tag.type != "auto":
        value = parse_text(tag, value)
    if block.area in BIT_AREAS and tag.type == "bool":
        return encode_bool(tag, value)
    if tag.type in ("bool", "auto") or tag.node:
        if tag.type == "bool" and not isinstance(value, bool):
            raise ValueError(f"{tag.name}: true or false is required, got {value!r}")
        return value
    encode(tag, value)  # raises ValueError when it does not fit the type
    return value
