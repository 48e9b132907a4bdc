"""Checking a value before it is written to a tag, with the worker's own codec."""

from __future__ import annotations

import json
from typing import Any

from panel.connections.worker.codec import encode, encode_bool
from panel.connections.worker.config import BIT_AREAS, BlockConfig, TagConfig, string_length

_INT_TYPES = ("int16", "uint16", "int32", "uint32")


def parse_text(tag: TagConfig, text: str) -> Any:
    """A value typed by a person (dialog, command line) as the tag's type wants it."""
    text = text.strip()
    if tag.type == "bool":
        lowered = text.lower()
        if lowered in ("true", "1", "on", "yes"):
            return True
        if lowered in ("false", "0", "off", "no"):
            return False
        raise ValueError(f"{tag.name}: true or false is required, got {text!r}")
    if string_length(tag.type) is not None:
        return text
    if tag.type in _INT_TYPES and tag.scale == 1.0 and tag.offset_value == 0.0:
        try:
            return int(text, 0)
        except ValueError:
            raise ValueError(f"{tag.name}: an integer is required, got {text!r}") from None
    if tag.type in _INT_TYPES or tag.type in ("float32", "float64"):
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"{tag.name}: a number is required, got {text!r}") from None
    try:  # OPC UA "auto": JSON if it parses, else the text itself
        return json.loads(text)
    except ValueError:
        return text


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
