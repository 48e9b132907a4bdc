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

from panel.workspace.models import ConfigSectionRow, ServiceRow, SettingRow
from panel.workspace.server_config import ServerConfig
from panel.workspace.service_config import SERVER_SERVICE, ServiceConfig

SECTIONS = ("connections", "jobs")
"""Configuration sections stored as opaque JSON arrays for now."""


def dumps(value: Any) -> str:
    """Compact JSON text, key order kept (NaN and infinities refused)."""
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def load_services(session: Session) -> list[ServiceConfig]:
    """Every stored service, in their configured order."""
    rows = session.scalars(select(ServiceRow).order_by(ServiceRow.position, ServiceRow.name))
    return [ServiceConfig.from_json(json.loads(row.body)) for row in rows]


def store_services(session: Session, services: Iterable[ServiceConfig]) -> None:
    """Replace every service by `services` (already validated by the caller)."""
    session.execute(delete(ServiceRow))
    session.flush()
    for position, cfg in enumerate(services):
        session.add(ServiceRow(name=cfg.name, position=position, body=dumps(cfg.to_json())))


def load_server(session: Session) -> ServerConfig | None:
    """The service named `server` seen as the older `server` block (None: no services yet)."""
    for cfg in load_services(session):
        if cfg.name == SERVER_SERVICE:
            return cfg.to_server()
    return None


def store_server(session: Session, cfg: ServerConfig) -> None:
    """Lay the `server` block `cfg` over the service named `server` (added when missing)."""
    services = load_services(session)
    for i, service in enumerate(services):
        if service.name == SERVER_SERVICE:
            services[i] = service.merged_with_server(cfg)
            break
    else:
        services.insert(0, ServiceConfig.from_server(cfg))
    store_services(session, services)


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
