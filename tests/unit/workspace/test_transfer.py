"""Export and import of the whole configuration, validated by the shipped JSON Schema."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from panel.util.paths import resources_dir
from panel.workspace import (
    ConfigError,
    Workspace,
    WorkspaceError,
    demo_server_config,
    export_config,
    import_config,
)
from panel.workspace.schema import schema_path, workspace_schema
from tests.unit.workspace.examples import PLC_CONNECTION, exported_form

GOOD: dict[str, Any] = {
    "version": 1,
    "server": {
        "command": ["{python}", "-m", "plant.api", "--port", "{port}"],
        "cwd": "{workspace}",
        "env": {"PLANT": "north"},
        "port": 9300,
        "healthUrl": "http://127.0.0.1:{port}/health",
        "autostart": True,
        "restart": "always",
        "stopTimeoutMs": 3000,
        "readyTimeoutMs": 15000,
        "livenessIntervalMs": 1000,
        "livenessFailures": 4,
        "startRetries": 2,
        "memoryLimitMb": 2048,
    },
    "settings": {"logs": {"capacity": 20000}, "api": {"maxMessageBytes": 65536, "port": 0}},
    "connections": [PLC_CONNECTION],
    "jobs": [
        {"id": "import", "command": ["python", "import.py"]},
        {
            "id": "nightly",
            "command": ["python", "nightly.py"],
            "schedule": "0 2 * * *",
            "dependsOn": ["import"],
            "tags": ["etl"],
        },
    ],
}


def test_schema_is_shipped_in_resources_and_valid() -> None:
    assert Path(schema_path()) == resources_dir() / "schema" / "workspace.schema.json"
    Draft202012Validator.check_schema(workspace_schema())
    assert workspace_schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_new_workspace_exports_the_demo(ws: Workspace) -> None:
    data = export_config(ws)
    assert data == exported_form(
        {
            "version": 1,
            "server": demo_server_config().to_json(),
            "settings": {},
            "connections": [],
            "jobs": [],
        }
    )
    assert list(Draft202012Validator(workspace_schema()).iter_errors(data)) == []


def test_export_import_round_trip(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "a") as a:
        import_config(a, copy.deepcopy(GOOD))
        exported = export_config(a)
        assert exported == exported_form(GOOD)
        assert json.loads(json.dumps(exported)) == exported  # plain JSON types only
        assert a.get_setting("logs.capacity") == 20000
        assert a.get_setting("api.port") == 0
        assert a.config_section("jobs") == GOOD["jobs"]
    with Workspace.open(tmp_path / "b") as b:
        import_config(b, exported)
        assert export_config(b) == exported_form(GOOD)


def test_import_replaces_and_leaves_the_rest_alone(ws: Workspace) -> None:
    import_config(ws, copy.deepcopy(GOOD))
    ws.set_setting("windowGeometry", [10, 20])  # not configuration
    ws.record("server", 777, 1.0, 777)
    import_config(ws, {"version": 1, "server": {"command": ["srv"]}})
    assert export_config(ws) == exported_form(
        {
            "version": 1,
            "server": {"command": ["srv"]} | _defaults_json(),
            "settings": {},
            "connections": [],
            "jobs": [],
        }
    )
    assert ws.get_setting("windowGeometry") == [10, 20]
    assert [r.pid for r in ws.recorded()] == [777]


def _defaults_json() -> dict[str, Any]:
    from panel.workspace import ServerConfig

    data = ServerConfig(command=["srv"]).to_json()
    del data["command"]
    return data


BAD_NAME = "not a valid variable name (letters, digits and _, not starting with a digit)"

BAD_CASES = [
    ({"version": 1}, {"$.services": "required field is missing"}),
    ([], {"$": "expected an object, got []"}),
    (
        GOOD | {"version": 7},
        {"$.version": "format version 7 is newer than this OpsPanel understands (1)"},
    ),
    (
        GOOD | {"servre": {}, "jobs": {"a": 1}},
        {
            "$.servre": "unknown field; did you mean 'server'?",
            "$.jobs": 'expected an array, got {"a": 1}',
        },
    ),
    (
        GOOD | {"server": GOOD["server"] | {"port": 70000, "stopTimeoutMs": "5s"}},
        {
            "$.server.port": "70000 is greater than the maximum of 65535",
            "$.server.stopTimeoutMs": 'expected an integer, got "5s"',
        },
    ),
    (
        GOOD | {"settings": {"logs": {"capacity": 10, "capasity": 5}, "apj": {}}},
        {
            "$.settings.logs.capacity": "10 is less than the minimum of 1000",
            "$.settings.logs.capasity": "unknown field; did you mean 'capacity'?",
            "$.settings.apj": "unknown field; did you mean 'api'?",
        },
    ),
    (
        GOOD | {"connections": [{"name": "ok"}, 5, "x"]},
        {
            "$.connections[1]": "expected an object, got 5",
            "$.connections[2]": 'expected an object, got "x"',
        },
    ),
    (
        GOOD | {"server": GOOD["server"] | {"env": {"has space": "1"}}},
        {'$.server.env["has space"]': BAD_NAME},
    ),
]


@pytest.mark.parametrize(("data", "expected"), BAD_CASES)
def test_invalid_imports_name_every_bad_path_and_change_nothing(
    ws: Workspace, db: Any, data: Any, expected: dict[str, str]
) -> None:
    import_config(ws, copy.deepcopy(GOOD))
    before = db.dump(ws.db_path)
    with pytest.raises(ConfigError) as caught:
        import_config(ws, data)
    assert dict(caught.value.problems) == expected
    assert db.dump(ws.db_path) == before


def test_a_storage_failure_half_way_leaves_the_database_unchanged(ws: Workspace, db: Any) -> None:
    import_config(ws, copy.deepcopy(GOOD))
    # A real failure inside the transaction, after the server row was written:
    db.run_sql(
        ws.db_path,
        "CREATE TRIGGER refuse_jobs BEFORE UPDATE ON config_sections WHEN NEW.name = 'jobs' "
        "BEGIN SELECT RAISE(ABORT, 'disk says no'); END",
    )
    before = db.dump(ws.db_path)
    changed = copy.deepcopy(GOOD)
    changed["server"]["port"] = 9400
    changed["settings"] = {}
    changed["jobs"] = []
    with pytest.raises(WorkspaceError, match="disk says no"):
        import_config(ws, changed)
    assert db.dump(ws.db_path) == before
    assert export_config(ws) == exported_form(GOOD)


def test_a_schema_reference_in_the_file_is_accepted(ws: Workspace) -> None:
    import_config(ws, copy.deepcopy(GOOD) | {"$schema": "./workspace.schema.json"})
    assert export_config(ws) == exported_form(GOOD)
