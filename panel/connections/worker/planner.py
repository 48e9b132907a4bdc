"""Modbus request planning: as few requests as possible, within the protocol's limits.

Each tag covers an address range. Ranges are sorted and merged greedily while the gap
between them is at most `max_gap` units and the request stays within the limit (125
registers for FC3/FC4, 2000 bits for FC1/FC2). A tag is never split across requests, so
contiguous 16-bit tags over a span of N registers need exactly ceil(N / 125) requests.
Write planning merges contiguous runs the same way (FC15/FC16 for runs, FC5/FC6 for one).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from panel.connections.worker.config import BIT_AREAS, BlockConfig, TagConfig

MAX_REGISTERS = 125
MAX_BITS = 2000
MAX_WRITE_REGISTERS = 123
MAX_WRITE_BITS = 1968
DEFAULT_GAP_REGISTERS = 16
DEFAULT_GAP_BITS = 256


@dataclass
class ReadRequest:
    """One read request: absolute `address` and `count`, and the tags it serves."""

    address: int
    count: int
    tags: list[TagConfig] = field(default_factory=list)


def request_limit(area: str) -> int:
    """The largest read for an area: 2000 bits or 125 registers."""
    return MAX_BITS if area in BIT_AREAS else MAX_REGISTERS


def plan_reads(block: BlockConfig) -> list[ReadRequest]:
    """The requests that read every tag of `block` (the whole block when it has no tags)."""
    limit = request_limit(block.area)
    if not block.tags:
        return [
            ReadRequest(address, min(limit, block.start + block.count - address))
            for address in range(block.start, block.start + block.count, limit)
        ]
    default_gap = DEFAULT_GAP_BITS if block.area in BIT_AREAS else DEFAULT_GAP_REGISTERS
    max_gap = default_gap if block.max_gap is None else block.max_gap
    tags = sorted(block.tags, key=lambda t: t.offset)
    requests: list[ReadRequest] = []
    current: ReadRequest | None = None
    for tag in tags:
        start = block.start + tag.offset
        end = start + tag.width(block.area)
        if current is not None:
            current_end = current.address + current.count
            fits = end - current.address <= limit and start - current_end <= max_gap
            if fits:
                current.count = max(current.count, end - current.address)
                current.tags.append(tag)
                continue
        current = ReadRequest(start, end - start, [tag])
        requests.append(current)
    return requests


@dataclass
class WriteRun:
    """Contiguous values to write from `address`: bools for coils, ints for registers."""

    address: int
    values: list[int] | list[bool]


def plan_writes(area: str, items: list[tuple[int, list[int] | list[bool]]]) -> list[WriteRun]:
    """Merge (address, values) pieces into contiguous runs within the write limits."""
    limit = MAX_WRITE_BITS if area in BIT_AREAS else MAX_WRITE_REGISTERS
    runs: list[WriteRun] = []
    for address, values in sorted(items, key=lambda item: item[0]):
        last = runs[-1] if runs else None
        if (
            last is not None
            and last.address + len(last.values) == address
            and len(last.values) + len(values) <= limit
        ):
            last.values = [*last.values, *values]
            continue
        runs.append(WriteRun(address, list(values)))
    return runs
