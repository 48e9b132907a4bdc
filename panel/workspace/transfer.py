"""Export and import of a workspace's whole configuration as one JSON document.

The document is described by `resources/schema/workspace.schema.json`:
`version`, `services` (older files have `server`: the service named `server`),
`settings` (the known settings that are set), `connections`, `jobs` and `mqtt`
(the tag bus, when configured). Connections and jobs are kept as opaque JSON for
now, so an export returns exactly what was imported; later schema versions give
them tables of their own. Process records and unknown settings are not
configuration and are never exported, imported or touched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from panel.workspace import known_settings, store
from panel.workspace.errors import ConfigError, Problem
from panel.workspace.schema import FORMAT_VERSION, validate_workspace_json
from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.service_config import SERVER_SERVICE, ServiceConfig
from panel.workspace.workspace import Workspace


def export_config(ws: Workspace) -> dict[str, Any]:
    """The configuration of `ws` as a JSON-ready dict (read in one transaction)."""
    with ws.snapshot() as conn:
        services = store.load_services(conn) or [ServiceConfig.from_server(demo_server_config())]
        settings = store.load_settings(conn, known_settings.DEFAULTS)
        sections: dict[str, Any] = {name: store.load_section(conn, name) for name in store.SECTIONS}
        for name in store.OBJECT_SECTIONS:
            found = store.load_object(conn, name)
            if found is not None:
                sections[name] = found
    return {
        "version": FORMAT_VERSION,
        "services": [service.to_json() for service in services],
        "settings": known_settings.nest(settings),
        **sections,
    }


SectionCheck = Callable[[Any], list[Problem]]
"""Checks a section's content (e.g. the connections, by the worker's own parser)."""


def check_config(
    data: Any, section_checks: Mapping[str, SectionCheck] | None = None
) -> list[tuple[str, str]]:
    """Every problem of `data` as a workspace document (empty when importable).

    `section_checks` maps a section name to a check of its content, run when the
    document passes the schema; its problems name paths like `$.connections[0].port`.
    (Feature layers sit above the workspace, so they hand their checks in.)
    """
    problems = validate_workspace_json(data)
    if problems or not isinstance(data, dict):
        return problems
    for name, check in (section_checks or {}).items():
        if name in data:
            problems += check(data[name])
    return sorted(problems)


def import_config(
    ws: Workspace, data: Any, section_checks: Mapping[str, SectionCheck] | None = None
) -> None:
    """Replace the configuration of `ws` by `data`, in ONE transaction.

    `data` is validated first: `ConfigError` lists every problem and nothing is
    written. Sections and settings missing from `data` are emptied/reset. A
    storage failure raises `WorkspaceError` and leaves the database unchanged.
    """
    problems = check_config(data, section_checks)
    if problems:
        raise ConfigError(problems)
    services = imported_services(data)
    settings = known_settings.flatten(data.get("settings", {}))
    with ws.transaction() as conn:
        store.store_services(conn, services)
        store.delete_settings(conn, [k for k in known_settings.DEFAULTS if k not in settings])
        for key, value in settings.items():
            store.store_setting(conn, key, value)
        for name in store.SECTIONS:
            store.store_section(conn, name, list(data.get(name, [])))
        for name in store.OBJECT_SECTIONS:
            store.store_object(conn, name, data.get(name))


def imported_services(data: Mapping[str, Any]) -> list[ServiceConfig]:
    """The services of a (validated) document: its `services`, with its older `server` block
    (if any) as the service named `server`, laid over the one in `services`."""
    services = [ServiceConfig.from_json(item) for item in data.get("services", [])]
    if "server" not in data:
        return services
    server = ServerConfig.from_json(data["server"])
    for i, service in enumerate(services):
        if service.name == SERVER_SERVICE:
            services[i] = service.merged_with_server(server)
            return services
    return [ServiceConfig.from_server(server), *services]
