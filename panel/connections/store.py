"""Reading and writing the `connections` section of a workspace (validated, one transaction)."""

from __future__ import annotations

import copy
from typing import Any

from panel.connections.validation import SECTION, check_connections
from panel.workspace import store
from panel.workspace.errors import ConfigError
from panel.workspace.workspace import Workspace


def load_connections(workspace: Workspace) -> list[dict[str, Any]]:
    """The stored connection objects (JSON shape), in order."""
    return [c for c in workspace.config_section(SECTION) if isinstance(c, dict)]


def save_connections(workspace: Workspace, items: list[dict[str, Any]]) -> None:
    """Validate `items` and replace the section in ONE transaction.

    Raises `ConfigError` naming every problem by JSON path; nothing is written then.
    """
    problems = check_connections(items)
    if problems:
        raise ConfigError(problems)
    with workspace.transaction() as session:
        store.store_section(session, SECTION, copy.deepcopy(items))


def replace_one(
    items: list[dict[str, Any]], conn_id: str, new: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """A copy of `items` with connection `conn_id` replaced by `new` (None: removed).

    A `new` connection whose id is not found is appended.
    """
    out: list[dict[str, Any]] = []
    found = False
    for item in items:
        if item.get("id") == conn_id:
            found = True
            if new is not None:
                out.append(copy.deepcopy(new))
        else:
            out.append(copy.deepcopy(item))
    if not found and new is not None:
        out.append(copy.deepcopy(new))
    return out
