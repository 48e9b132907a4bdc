"""Reads and writes of the configuration tables, inside a session the caller owns.

These functions never commit: the caller (`Workspace`, `transfer`) wraps them in
one transaction, so a change of several tables is all-or-nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from panel.workspace.models import ConfigSectionRow, ServerConfigRow, SettingRow
from panel.workspace.server_config import ServerConfig

SECTIONS = ("connections", "jobs")
"""Configuration sections stored as opaque JSON arrays for now."""

OBJECT_SECTIONS = ("mqtt",)
"""Configuration sections stored as one JSON object each (absent: not configured)."""


def dumps(value: Any) -> str:
    """Compact JSON text, key order kept (NaN and infinities refused)."""
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def load_server(session: Session) -> ServerConfig | None:
    """The stored server block, or None when the workspace has none yet."""
    row = session.get(ServerConfigRow, 1)
    if row is None:
        return None
    return ServerConfig(
        command=list(json.loads(row.command)),
        cwd=row.cwd,
        env=dict(json.loads(row.env)),
        port=row.port,
        health_url=row.health_url,
        autostart=bool(row.autostart),
        restart=row.restart,
        stop_timeout_ms=row.stop_timeout_ms,
        ready_timeout_ms=row.ready_timeout_ms,
        liveness_interval_ms=row.liveness_interval_ms,
        liveness_failures=row.liveness_failures,
        start_retries=row.start_retries,
        memory_limit_mb=row.memory_limit_mb,
    )


def store_server(session: Session, cfg: ServerConfig) -> None:
    """Write `cfg` as the one server row (already validated by the caller)."""
    row = session.get(ServerConfigRow, 1) or ServerConfigRow(id=1)
    row.command = dumps(list(cfg.command))
    row.cwd = cfg.cwd
    row.env = dumps(dict(cfg.env))
    row.port = cfg.port
    row.health_url = cfg.health_url
    row.autostart = cfg.autostart
    row.restart = cfg.restart
    row.stop_timeout_ms = cfg.stop_timeout_ms
    row.ready_timeout_ms = cfg.ready_timeout_ms
    row.liveness_interval_ms = cfg.liveness_interval_ms
    row.liveness_failures = cfg.liveness_failures
    row.start_retries = cfg.start_retries
    row.memory_limit_mb = cfg.memory_limit_mb
    session.add(row)


def load_setting(session: Session, key: str) -> tuple[bool, Any]:
    """(found, value) of setting `key`."""
    row = session.get(SettingRow, key)
    return (False, None) if row is None else (True, json.loads(row.value))


def load_settings(session: Session, keys: Iterable[str]) -> dict[str, Any]:
    """The stored values among `keys` (missing keys are left out)."""
    rows = session.scalars(select(SettingRow).where(SettingRow.key.in_(list(keys))))
    return {row.key: json.loads(row.value) for row in rows}


def store_setting(session: Session, key: str, value: Any) -> None:
    """Set `key` to `value` (JSON-encoded; TypeError/ValueError if it cannot be)."""
    text = dumps(value)
    row = session.get(SettingRow, key)
    if row is None:
        session.add(SettingRow(key=key, value=text))
    else:
        row.value = text


def delete_settings(session: Session, keys: Iterable[str]) -> None:
    """Remove `keys` (back to their defaults)."""
    session.execute(delete(SettingRow).where(SettingRow.key.in_(list(keys))))


def load_section(session: Session, name: str) -> list[Any]:
    """The opaque JSON array stored for section `name` (empty when none)."""
    row = session.get(ConfigSectionRow, name)
    return [] if row is None else list(json.loads(row.body))


def store_section(session: Session, name: str, items: list[Any]) -> None:
    """Replace section `name` by `items`."""
    if name not in SECTIONS:
        raise ValueError(f"unknown configuration section {name!r}")
    text = dumps(list(items))
    row = session.get(ConfigSectionRow, name)
    if row is None:
        session.add(ConfigSectionRow(name=name, body=text))
    else:
        row.body = text


def load_object(session: Session, name: str) -> dict[str, Any] | None:
    """The JSON object stored for object section `name`, None when there is none."""
    row = session.get(ConfigSectionRow, name)
    if row is None:
        return None
    value = json.loads(row.body)
    return dict(value) if isinstance(value, dict) else None


def store_object(session: Session, name: str, value: dict[str, Any] | None) -> None:
    """Replace object section `name` by `value` (None removes it)."""
    if name not in OBJECT_SECTIONS:
        raise ValueError(f"unknown configuration section {name!r}")
    row = session.get(ConfigSectionRow, name)
    if value is None:
        if row is not None:
            session.delete(row)
        return
    text = dumps(dict(value))
    if row is None:
        session.add(ConfigSectionRow(name=name, body=text))
    else:
        row.body = text
