"""OPC UA values <-> the worker's JSON values: quality, timestamps, scaling, write typing.

Reads: a DataValue becomes a `TagValue` (quality from the StatusCode's severity, `ts`
from the source timestamp, else the server's, else now). Values JSON cannot carry
as-is become strings (date-times in ISO 8601, byte strings in hex, other structures
by their text). Writes: the JSON value (or a text typed by a person, read as the node's type) is
converted to the node's current VariantType; a value that does not fit raises
ValueError with a sentence an operator can act on.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from typing import Any

from asyncua import ua

from panel.connections.worker.config import TagConfig
from panel.connections.worker.drivers.base import BAD, GOOD, UNCERTAIN, TagValue
from panel.connections.worker.text import bool_from_text, float_from_text, int_from_text

INT_RANGES: dict[ua.VariantType, tuple[int, int]] = {
    ua.VariantType.SByte: (-(2**7), 2**7 - 1),
    ua.VariantType.Byte: (0, 2**8 - 1),
    ua.VariantType.Int16: (-(2**15), 2**15 - 1),
    ua.VariantType.UInt16: (0, 2**16 - 1),
    ua.VariantType.Int32: (-(2**31), 2**31 - 1),
    ua.VariantType.UInt32: (0, 2**32 - 1),
    ua.VariantType.Int64: (-(2**63), 2**63 - 1),
    ua.VariantType.UInt64: (0, 2**64 - 1),
}
FLOAT_TYPES = (ua.VariantType.Float, ua.VariantType.Double)
FLOAT32_MAX = 3.4028234663852886e38


def quality(status: ua.StatusCode | None) -> tuple[str, str | None]:
    """(good | uncertain | bad, reason) for a StatusCode (None means Good)."""
    if status is None or status.is_good():
        return GOOD, None
    name = status.name or f"0x{status.value:08X}"
    if status.is_uncertain():
        return UNCERTAIN, name
    return BAD, name


def unix_time(stamp: dt.datetime | None) -> float | None:
    """A UTC datetime (naive ones are UTC in OPC UA) as Unix seconds."""
    if stamp is None:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp.timestamp()


def to_json(value: Any) -> Any:
    """A decoded OPC UA value as something JSON carries faithfully."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex()
    if isinstance(value, ua.LocalizedText):
        return value.Text
    if isinstance(value, ua.NodeId | ua.QualifiedName):
        return value.to_string()
    return str(value)


def scaled(tag: TagConfig, value: Any) -> Any:
    """value * scale + offsetValue for numbers when the tag scales (bools never do)."""
    if tag.scale == 1.0 and tag.offset_value == 0.0:
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value * tag.scale + tag.offset_value
    return value


def unscaled(tag: TagConfig, value: Any) -> Any:
    """The inverse of `scaled` (for writes)."""
    if tag.scale == 1.0 and tag.offset_value == 0.0:
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and tag.scale:
        return (value - tag.offset_value) / tag.scale
    return value


def tag_value(tag: TagConfig, data: ua.DataValue, now: float | None = None) -> TagValue:
    """One tag's sample from a DataValue (a read result or a data-change notification)."""
    level, reason = quality(data.StatusCode)
    ts = unix_time(data.SourceTimestamp) or unix_time(data.ServerTimestamp) or now or time.time()
    variant = data.Value
    raw = variant.Value if variant is not None else None
    if level == BAD:
        return TagValue(tag.name, None, BAD, ts, reason)
    return TagValue(tag.name, scaled(tag, to_json(raw)), level, ts, reason)


def to_variant(tag: TagConfig, value: Any, vtype: ua.VariantType, is_array: bool) -> ua.Variant:
    """The JSON `value` as a Variant of `vtype`; ValueError saying why it does not fit.

    A text (typed by a person) is read as the node's type first: "42.5" for a Double,
    "true" for a Boolean, "[1, 2]" for an array.
    """
    where = f"{tag.name}: the node's type is {vtype.name}"
    if is_array:
        if isinstance(value, str):
            value = _list_from_text(value, where)
        if not isinstance(value, list):
            raise ValueError(f"{tag.name}: the node holds an array of {vtype.name}, got {value!r}")
        items = [_convert(unscaled(tag, _from_text(v, vtype, where)), vtype, where) for v in value]
        return ua.Variant(items, vtype, is_array=True)
    return ua.Variant(_convert(unscaled(tag, _from_text(value, vtype, where)), vtype, where), vtype)


def _list_from_text(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise ValueError(f"{where} (an array); a JSON list is required, got {text!r}") from None


def _from_text(value: Any, vtype: ua.VariantType, where: str) -> Any:
    """A text as a Boolean, integer or real node wants it; other values pass as they are."""
    if not isinstance(value, str):
        return value
    if vtype == ua.VariantType.Boolean:
        parsed: Any = bool_from_text(value)
        wanted = "true/false is required"
    elif vtype in INT_RANGES:
        parsed = int_from_text(value)
        wanted = "an integer is required"
    elif vtype in FLOAT_TYPES:
        parsed = float_from_text(value)
        wanted = "a number is required"
    else:
        return value
    if parsed is None:
        raise ValueError(f"{where}; {wanted}, got {value!r}")
    return parsed


def _convert(value: Any, vtype: ua.VariantType, where: str) -> Any:
    """One scalar converted to `vtype`'s Python type."""
    if vtype == ua.VariantType.Boolean:
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        raise ValueError(f"{where}; true/false is required, got {value!r}")
    if vtype in INT_RANGES:
        return _integer(value, vtype, where)
    if vtype in FLOAT_TYPES:
        return _real(value, vtype, where)
    if vtype == ua.VariantType.String:
        if isinstance(value, str):
            return value
        raise ValueError(f"{where}; a string is required, got {value!r}")
    if vtype == ua.VariantType.LocalizedText and isinstance(value, str):
        return ua.LocalizedText(value)
    if vtype == ua.VariantType.DateTime and isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(f"{where}; an ISO 8601 date-time is required: {exc}") from exc
    raise ValueError(f"{where}; writing {value!r} to it is not supported")


def _integer(value: Any, vtype: ua.VariantType, where: str) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{where}; an integer is required, got {value!r}")
    low, high = INT_RANGES[vtype]
    if not low <= value <= high:
        raise ValueError(f"{where}; {value} is outside {low}..{high}")
    return value


def _real(value: Any, vtype: ua.VariantType, where: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ValueError(f"{where}; a number is required, got {value!r}")
    number = float(value)
    if vtype == ua.VariantType.Float and math.isfinite(number) and abs(number) > FLOAT32_MAX:
        raise ValueError(f"{where}; {value} does not fit a 32-bit float")
    return number
