"""Reads and writes of the configuration tables, inside a transaction the caller owns.

These functions never commit: the caller (`Workspace`, `transfer`) wraps them in
one transaction (`Workspace.transaction()` hands them its connection), so a
change of several tables is all-or-nothing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from panel.workspace.server_config import ServerConfig
from panel.workspace.service_config import SERVER_SERVICE, ServiceConfig

SECTIONS = ("connections", "jobs")
"""Configuration sections stored as opaque JSON arrays for now."""


OBJECT_SECTIONS = ("mqtt", "executors")
"""Configuration sections stored as one JSON object each (absent: not configured)."""


def dumps(value: Any) -> str:
    """Compact JSON text, key order kept (NaN and infinities refused)."""
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def load_services(conn: sqlite3.Connection) -> list[ServiceConfig]:
    """Every stored service, in their configured order."""
    rows = conn.execute("SELECT body FROM services ORDER BY position, name")
    return [ServiceConfig.from_json(json.loads(body)) for (body,) in rows]


def store_services(conn: sqlite3.Connection, services: Iterable[ServiceConfig]) -> None:
    """Replace every service by `services` (already validated by the caller)."""
    conn.execute("DELETE FROM services")
    conn.executemany(
        "INSERT INTO services (name, position, body) VALUES (?, ?, ?)",
        [(cfg.name, i, dumps(cfg.to_json())) for i, cfg in enumerate(services)],
    )


def load_server(conn: sqlite3.Connection) -> ServerConfig | None:
    """The service named `server` seen as the older `server` block (None: no services yet)."""
    for cfg in load_services(conn):
        if cfg.name == SERVER_SERVICE:
            return cfg.to_server()
    return None


def store_server(conn: sqlite3.Connection, cfg: ServerConfig) -> None:
    """Lay the `server` block `cfg` over the service named `server` (added when missing)."""
    services = load_services(conn)
    for i, service in enumerate(services):
        if service.name == SERVER_SERVICE:
            services[i] = service.merged_with_server(cfg)
            break
    else:
        services.insert(0, ServiceConfig.from_server(cfg))
    store_services(conn, services)


def load_setting(conn: sqlite3.Connection, key: str) -> tuple[bool, Any]:
    """(found, value) of setting `key`."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return (False, None) if row is None else (True, json.loads(row[0]))


def load_settings(conn: sqlite3.Connection, keys: Iterable[str]) -> dict[str, Any]:
    """The stored values among `keys` (missing keys are left out)."""
    wanted = list(keys)
    if not wanted:
        return {}
    marks = ", ".join("?" for _ in wanted)
    rows = conn.execute(f"SELECT key, value FROM settings WHERE key IN ({marks})", wanted)
    return {key: json.loads(value) for key, value in rows}


def store_setting(conn: sqlite3.Connection, key: str, value: Any) -> None:
    """Set `key` to `value` (JSON-encoded; TypeError/ValueError if it cannot be)."""
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, dumps(value)),
    )


def delete_settings(conn: sqlite3.Connection, keys: Iterable[str]) -> None:
    """Remove `keys` (back to their defaults)."""
    doomed = list(keys)
    if doomed:
        marks = ", ".join("?" for _ in doomed)
        conn.execute(f"DELETE FROM settings WHERE key IN ({marks})", doomed)


def load_section(conn: sqlite3.Connection, name: str) -> list[Any]:
    """The opaque JSON array stored for section `name` (empty when none)."""
    row = conn.execute("SELECT body FROM config_sections WHERE name = ?", (name,)).fetchone()
    return [] if row is None else list(json.loads(row[0]))


def store_section(conn: sqlite3.Connection, name: str, items: list[Any]) -> None:
    """Replace section `name` by `items`."""
    if name not in SECTIONS:
        raise ValueError(f"unknown configuration section {name!r}")
    conn.execute(
        "INSERT INTO config_sections (name, body) VALUES (?, ?)"
        " ON CONFLICT (name) DO UPDATE SET body = excluded.body",
        (name, dumps(list(items))),
    )


def load_object(conn: sqlite3.Connection, name: str) -> dict[str, Any] | None:
    """The JSON object stored for object section `name`, None when there is none."""
    row = conn.execute("SELECT body FROM config_sections WHERE name = ?", (name,)).fetchone()
    if row is None:
        return None
    value = json.loads(row[0])
    return dict(value) if isinstance(value, dict) else None


def store_object(conn: sqlite3.Connection, name: str, value: dict[str, Any] | None) -> None:
    """Replace object section `name` by `value` (None removes it)."""
    if name not in OBJECT_SECTIONS:
        raise ValueError(f"unknown configuration section {name!r}")
    if value is None:
        conn.execute("DELETE FROM config_sections WHERE name = ?", (name,))
        return
    conn.execute(
        "INSERT INTO config_sections (name, body) VALUES (?, ?)"
        " ON CONFLICT (name) DO UPDATE SET body = excluded.body",
        (name, dumps(dict(value))),
    )
