"""Validation of the `connections` section, by the worker's own parser (one validator).

Every problem is a `(json_path, message)` pair like the workspace's, with the paths of
the whole workspace document: `$.connections[2].blocks[0].count`.
"""

from __future__ import annotations

import re
from typing import Any

from panel.connections.worker.config import parse_connection
from panel.workspace.errors import Problem

SECTION = "connections"
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
"""A connection id names files and log sources: letters, digits, `_`, `.`, `-`."""


def connection_problems(data: Any, prefix: str = "$") -> list[Problem]:
    """Problems of one connection object; paths start with `prefix` instead of `$`."""
    _, problems = parse_connection(data)
    return [_split(prefix, text) for text in problems]


def id_problem(conn_id: Any, path: str) -> Problem | None:
    """The problem of a connection id that cannot name files and log sources, if any."""
    if isinstance(conn_id, str) and conn_id and not ID_PATTERN.match(conn_id):
        return (
            path,
            f"{conn_id!r}: use 1-64 letters, digits, '_', '.' or '-'"
            " (starting with a letter or digit)",
        )
    return None


def check_one(data: Any, taken: set[str], prefix: str = "$") -> list[Problem]:
    """Problems of one connection stored next to connections with the ids in `taken`."""
    problems = connection_problems(data, prefix)
    conn_id = data.get("id") if isinstance(data, dict) else None
    bad_id = id_problem(conn_id, f"{prefix}.id")
    if bad_id is not None:
        problems.append(bad_id)
    if isinstance(conn_id, str) and conn_id in taken:
        problems.append((f"{prefix}.id", f"{conn_id!r} is already the id of another connection"))
    return problems


def check_connections(items: Any, prefix: str = f"$.{SECTION}") -> list[Problem]:
    """Problems of a whole `connections` array (each connection, and unique ids)."""
    if not isinstance(items, list):
        return [(prefix, "expected an array")]
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        problems += connection_problems(item, f"{prefix}[{index}]")
        conn_id = item.get("id") if isinstance(item, dict) else None
        if isinstance(conn_id, str) and conn_id:
            bad_id = id_problem(conn_id, f"{prefix}[{index}].id")
            if bad_id is not None:
                problems.append(bad_id)
            if conn_id in seen:
                problems.append(
                    (f"{prefix}[{index}].id", f"{conn_id!r} is also used by [{seen[conn_id]}]")
                )
            else:
                seen[conn_id] = index
    return problems


def _split(prefix: str, text: str) -> Problem:
    """`$.blocks[0].count: 0 must be >= 1` -> (`PREFIX.blocks[0].count`, `0 must be >= 1`)."""
    path, sep, message = text.partition(": ")
    if not sep or not path.startswith("$"):
        return (prefix, text)
    return (prefix + path[1:], message)
