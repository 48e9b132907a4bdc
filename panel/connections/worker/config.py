"""A connection's configuration: plain dataclasses, parsed from the workspace JSON shape.

The JSON shape is the camelCase one of the workspace export (`connections: [...]`); a
worker receives ONE connection object. Parsing never raises on bad content: it collects
problems, each naming its JSON path (`$.blocks[2].count: 0 must be >= 1`), and
`parse_connection` returns them beside the best-effort configuration.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal

Driver = Literal["modbus_tcp", "opcua"]
BlockKind = Literal["read", "write", "subscribe"]
Area = Literal["coils", "discrete", "holding", "input"]
Order = Literal["big", "little"]

DRIVERS: tuple[str, ...] = ("modbus_tcp", "opcua")
KINDS: tuple[str, ...] = ("read", "write", "subscribe")
AREAS: tuple[str, ...] = ("coils", "discrete", "holding", "input")
BIT_AREAS: tuple[str, ...] = ("coils", "discrete")
FIXED_TYPES: dict[str, int] = {
    "bool": 0,
    "int16": 1,
    "uint16": 1,
    "int32": 2,
    "uint32": 2,
    "float32": 2,
    "float64": 4,
}
_STRING_TYPE = re.compile(r"^string\((\d+)\)$")
MODBUS_ADDRESS_MAX = 65535
GROUP_PREFIX = "group:"
"""`"process": "group:<name>"` runs a connection in its group's one worker process."""
GROUP_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class ConfigError(ValueError):
    """A configuration that cannot run; `problems` lists each one with its JSON path."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def string_length(tag_type: str) -> int | None:
    """The character count of a `string(N)` type, None for other types."""
    match = _STRING_TYPE.match(tag_type)
    return int(match.group(1)) if match else None


def register_count(tag_type: str) -> int:
    """How many 16-bit registers a value of `tag_type` occupies (0 for a coil bit)."""
    if tag_type in FIXED_TYPES:
        return FIXED_TYPES[tag_type]
    length = string_length(tag_type) or 0
    return math.ceil(length / 2)


@dataclass
class TagConfig:
    """One named value inside a block (a register range, a bit, or an OPC UA node)."""

    name: str
    block: str = ""
    offset: int = 0
    type: str = "uint16"
    word_order: Order = "big"
    byte_order: Order = "big"
    scale: float = 1.0
    offset_value: float = 0.0
    unit: str = ""
    deadband: float = 0.0
    writable: bool = False
    node: str | None = None
    bit: int = 0

    def width(self, area: str) -> int:
        """Units this tag spans in its block: bits in a bit area, registers otherwise."""
        if area in BIT_AREAS:
            return 1
        return max(1, register_count(self.type))


@dataclass
class BlockConfig:
    """A group of tags read, written or subscribed together, on its own timer."""

    name: str
    kind: BlockKind = "read"
    area: Area = "holding"
    start: int = 0
    count: int = 1
    nodes: list[str] = field(default_factory=list)
    period_ms: int | None = 1000
    enabled: bool = True
    sampling_ms: int | None = None
    deadband: float = 0.0
    max_gap: int | None = None
    tags: list[TagConfig] = field(default_factory=list)

    def tag_node(self, tag: TagConfig) -> str | None:
        """The OPC UA node id of `tag`: its own `node`, else `nodes[offset]`."""
        if tag.node:
            return tag.node
        if 0 <= tag.offset < len(self.nodes):
            return self.nodes[tag.offset]
        return None


@dataclass
class ConnectionConfig:
    """One field-device connection: where to connect, how to retry, and its blocks."""

    id: str
    driver: Driver = "modbus_tcp"
    host: str = "127.0.0.1"
    port: int = 502
    endpoint: str | None = None
    unit_id: int = 1
    timeout_ms: int = 1000
    reconnect_min_ms: int = 500
    reconnect_max_ms: int = 30000
    enabled: bool = True
    group: str | None = None
    """The connection group whose one worker process runs it (None: a process of its own)."""
    blocks: list[BlockConfig] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ConnectionConfig:
        """Parse and validate; raises ConfigError listing every problem."""
        config, problems = parse_connection(data)
        if problems or config is None:
            raise ConfigError(problems or ["$: not a connection object"])
        return config

    def endpoint_key(self) -> tuple[str, str, int, str | None, int]:
        """What identifies the far end: a change here needs a new process."""
        return (self.driver, self.host, self.port, self.endpoint, self.unit_id)

    def all_tags(self) -> list[tuple[BlockConfig, TagConfig]]:
        """Every (block, tag) pair, in configuration order."""
        return [(block, tag) for block in self.blocks for tag in block.tags]


class _Reader:
    """Typed field access on a JSON object that records problems instead of raising."""

    def __init__(self, data: Any, path: str, problems: list[str]) -> None:
        self.data = data if isinstance(data, dict) else {}
        self.path = path
        self.problems = problems
        if not isinstance(data, dict):
            problems.append(f"{path}: must be an object")

    def problem(self, key: str, text: str) -> None:
        self.problems.append(f"{self.path}.{key}: {text}")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any) -> Any:
        value = self.data.get(key, default)
        if value is None or value is default:
            return value
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, bool) and kind is not bool:
            self.problem(key, f"{value!r} must be {_kind_name(kind)}")
            return default
        if not isinstance(value, kind):
            self.problem(key, f"{value!r} must be {_kind_name(kind)}")
            return default
        return value

    def int_in(self, key: str, default: Any, low: int, high: int | None = None) -> Any:
        value = self.get(key, int, default)
        if isinstance(value, int) and value is not default:
            if value < low:
                self.problem(key, f"{value} must be >= {low}")
            elif high is not None and value > high:
                self.problem(key, f"{value} must be <= {high}")
        return value

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self.get(key, str, default)
        if value not in choices:
            self.problem(key, f"{value!r} must be one of {', '.join(choices)}")
            return default
        return str(value)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {int: "an integer", float: "a number", str: "a string", bool: "true or false"}
    names.update({list: "a list", dict: "an object"})
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def parse_connection(data: Any) -> tuple[ConnectionConfig | None, list[str]]:
    """Parse one connection object; returns the configuration and the problems found."""
    problems: list[str] = []
    r = _Reader(data, "$", problems)
    if not isinstance(data, dict):
        return None, problems
    conn_id = r.get("id", str, "")
    if not conn_id:
        r.problem("id", "is required")
    driver = r.choice("driver", DRIVERS, "modbus_tcp")
    config = ConnectionConfig(
        id=conn_id or "",
        driver=driver,  # type: ignore[arg-type]
        host=r.get("host", str, "127.0.0.1"),
        port=r.int_in("port", 502 if driver == "modbus_tcp" else 4840, 1, 65535),
        endpoint=r.get("endpoint", str, None),
        unit_id=r.int_in("unitId", 1, 0, 255),
        timeout_ms=r.int_in("timeoutMs", 1000, 1),
        reconnect_min_ms=r.int_in("reconnectMinMs", 500, 1),
        reconnect_max_ms=r.int_in("reconnectMaxMs", 30000, 1),
        enabled=r.get("enabled", bool, True),
        group=_group(r),
    )
    if config.reconnect_max_ms < config.reconnect_min_ms:
        r.problem(
            "reconnectMaxMs",
            f"{config.reconnect_max_ms} must be >= reconnectMinMs ({config.reconnect_min_ms})",
        )
    if driver == "opcua" and not config.endpoint:
        config.endpoint = f"opc.tcp://{config.host}:{config.port}"
    blocks = r.get("blocks", list, [])
    seen_blocks: set[str] = set()
    seen_tags: set[str] = set()
    for index, raw in enumerate(blocks):
        block = _parse_block(raw, f"$.blocks[{index}]", driver, problems)
        if block.name in seen_blocks:
            problems.append(f"$.blocks[{index}].name: {block.name!r} is used twice")
        seen_blocks.add(block.name)
        for t_index, tag in enumerate(block.tags):
            if tag.name in seen_tags:
                path = f"$.blocks[{index}].tags[{t_index}].name"
                problems.append(f"{path}: {tag.name!r} is used twice")
            seen_tags.add(tag.name)
        config.blocks.append(block)
    return config, problems


def _group(r: _Reader) -> str | None:
    """The group named by `"process"`: `"group:<name>"`, or `"own"`/absent for None."""
    value = r.get("process", str, None)
    if value is None or value == "own":
        return None
    name = value[len(GROUP_PREFIX) :] if value.startswith(GROUP_PREFIX) else None
    if name is None or not GROUP_NAME.match(name):
        r.problem(
            "process",
            f'{value!r} must be "own" or "group:<name>" with a name of 1-64 letters,'
            " digits, '_', '.' or '-' (starting with a letter or digit)",
        )
        return None
    return name


def _parse_block(data: Any, path: str, driver: str, problems: list[str]) -> BlockConfig:
    r = _Reader(data, path, problems)
    name = r.get("name", str, "")
    if not name:
        r.problem("name", "is required")
    kind = r.choice("kind", KINDS, "read")
    nodes = r.get("nodes", list, [])
    if not all(isinstance(n, str) for n in nodes):
        r.problem("nodes", "must be a list of node id strings")
        nodes = [n for n in nodes if isinstance(n, str)]
    block = BlockConfig(
        name=name or "",
        kind=kind,  # type: ignore[arg-type]
        area=r.choice("area", AREAS, "holding"),  # type: ignore[arg-type]
        start=r.int_in("start", 0, 0, MODBUS_ADDRESS_MAX),
        count=r.int_in("count", 1, 1),
        nodes=list(nodes),
        period_ms=r.int_in("periodMs", 1000 if kind != "write" else None, 0),
        enabled=r.get("enabled", bool, True),
        sampling_ms=r.int_in("samplingMs", None, 0),
        deadband=r.get("deadband", float, 0.0),
        max_gap=r.int_in("maxGap", None, 0),
    )
    if driver == "modbus_tcp":
        _check_modbus_block(block, r)
    elif block.kind == "subscribe" and block.period_ms == 0:
        r.problem("periodMs", "0 must be >= 1 for a subscription (publishing interval)")
    for index, raw in enumerate(r.get("tags", list, [])):
        tag = _parse_tag(raw, f"{path}.tags[{index}]", block, driver, problems)
        block.tags.append(tag)
    return block


def _check_modbus_block(block: BlockConfig, r: _Reader) -> None:
    if block.kind == "subscribe":
        r.problem("kind", "'subscribe' is for OPC UA; Modbus blocks are read or write")
    if block.kind == "write" and block.area in ("discrete", "input"):
        r.problem("area", f"{block.area!r} is read-only; a write block needs coils or holding")
    end = block.start + block.count - 1
    if end > MODBUS_ADDRESS_MAX:
        r.problem("count", f"{block.count} runs past address {MODBUS_ADDRESS_MAX} (ends at {end})")


def _parse_tag(
    data: Any, path: str, block: BlockConfig, driver: str, problems: list[str]
) -> TagConfig:
    r = _Reader(data, path, problems)
    name = r.get("name", str, "")
    if not name:
        r.problem("name", "is required")
    tag = TagConfig(
        name=name or "",
        block=block.name,
        offset=r.int_in("offset", 0, 0),
        type=r.get("type", str, "uint16" if driver == "modbus_tcp" else "auto"),
        word_order=r.choice("wordOrder", ("big", "little"), "big"),  # type: ignore[arg-type]
        byte_order=r.choice("byteOrder", ("big", "little"), "big"),  # type: ignore[arg-type]
        scale=r.get("scale", float, 1.0),
        offset_value=r.get("offsetValue", float, 0.0),
        unit=r.get("unit", str, ""),
        deadband=r.get("deadband", float, 0.0),
        writable=r.get("writable", bool, block.kind == "write"),
        node=r.get("node", str, None),
        bit=r.int_in("bit", 0, 0, 15),
    )
    if tag.deadband < 0:
        r.problem("deadband", f"{tag.deadband} must be >= 0")
    if driver == "modbus_tcp":
        _check_modbus_tag(tag, block, r)
    elif block.tag_node(tag) is None:
        r.problem("node", "is required (or an offset into the block's nodes)")
    return tag


def _check_modbus_tag(tag: TagConfig, block: BlockConfig, r: _Reader) -> None:
    if tag.type not in FIXED_TYPES and string_length(tag.type) is None:
        choices = ", ".join(FIXED_TYPES) + ", string(N)"
        r.problem("type", f"{tag.type!r} must be one of {choices}")
        return
    if string_length(tag.type) == 0:
        r.problem("type", "a string needs a length >= 1")
    bit_area = block.area in BIT_AREAS
    if bit_area and tag.type != "bool":
        r.problem("type", f"{tag.type!r} cannot live in {block.area}; use bool")
    if tag.writable and block.area in ("discrete", "input"):
        r.problem("writable", f"{block.area} is read-only")
    if tag.writable and tag.type == "bool" and not bit_area:
        r.problem("writable", "a bit inside a register cannot be written; use a coil")
    width = tag.width(block.area)
    if tag.offset + width > block.count:
        r.problem(
            "offset",
            f"{tag.offset} (+{width}) runs past the block's count {block.count}",
        )
