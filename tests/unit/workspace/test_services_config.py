"""Services in the workspace: the version 4 server row migrated, validation, import/export."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from panel.workspace import ConfigError, Workspace, export_config, import_config
from panel.workspace.migrations import LATEST_VERSION
from panel.workspace.schema import validate_services_json
from panel.workspace.service_config import Probe, ServiceConfig


def test_version_4_server_row_becomes_the_service_named_server(
    workspace_dir: Path, db: Any
) -> None:
    db.build_from_sql(workspace_dir / "workspace.db", db.fixtures / "v4_workspace.sql")
    with Workspace.open(workspace_dir) as ws:
        assert ws.schema_version == LATEST_VERSION == 6
        (server,) = ws.services()
        assert server.name == "server"
        assert server.command == ["{python}", "-m", "myapp.server", "--port", "{port}"]
        assert (server.cwd, server.env, server.port) == (
            "/srv/myapp",
            {"MYAPP_ENV": "production"},
            9000,
        )
        health = Probe("http", "http://127.0.0.1:{port}/healthz")
        assert (server.readiness, server.liveness) == (health, health)
        assert (server.autostart, server.restart, server.stop_timeout_ms) == (
            False,
            "always",
            12000,
        )
        assert (server.ready_timeout_ms, server.liveness_interval_ms) == (15000, 1500)
        assert (server.liveness_failures, server.start_retries, server.memory_limit_mb) == (
            4,
            2,
            768,
        )
        assert server.after == ()
        # The older view is unchanged, and the rest of the database kept.
        assert ws.server_config().health_url == "http://127.0.0.1:{port}/healthz"
        assert ws.server_config().port == 9000
        assert ws.get_setting("logs.capacity") == 50000
        assert ws.config_section("jobs") == [{"id": "nightly", "command": ["python", "n.py"]}]
        assert export_config(ws)["services"] == [server.to_json()]
        assert "server" not in export_config(ws)
    tables = [line for line in db.dump(workspace_dir / "workspace.db") if "server_config" in line]
    assert tables == []


def _svc(name: str, **more: Any) -> dict[str, Any]:
    return {"name": name, "command": ["python3", "-c", "pass"], **more}


def test_a_start_order_cycle_is_rejected_naming_it() -> None:
    services = [
        _svc("server"),
        _svc("a", after=["c"]),
        _svc("b", after=["a"]),
        _svc("c", after=["b"]),
    ]
    assert validate_services_json(services) == [
        ("$.services[1].after", "start order cycle: a -> c -> b -> a")
    ]


def test_bad_services_name_every_problem() -> None:
    services = [
        _svc("api", readiness={"log": "(unclosed"}, after=["nobody"]),
        _svc("api", readiness={"smtp": 25}),
        _svc("bad name", port=None, command=["x", "--port", "{port}"]),
    ]
    got = dict(validate_services_json(services))
    assert got["$.services[1].readiness"] == (
        'expected "none", {"http": URL}, {"tcp": PORT} or {"log": REGEX}'
    )
    assert "not a service name" in got["$.services[2].name"]
    problems = validate_services_json(
        [*services[:1], _svc("api"), _svc("w", command=["x", "{port}"])]
    )
    got = dict(problems)
    assert got["$.services[0].readiness.log"].startswith("not a regular expression")
    assert got["$.services[0].after[0]"] == "unknown service 'nobody'"
    assert got["$.services[1].name"] == "duplicate service name 'api'"
    assert got["$.services[2].command"] == "uses {port} but the service has no port"
    assert got["$.services"].startswith("a service named 'server' is required")


def test_services_import_export_round_trip_and_older_server_block(ws: Workspace) -> None:
    doc = {
        "version": 1,
        "services": [
            _svc("server", port=9301, readiness={"http": "http://127.0.0.1:{port}/health"}),
            _svc("worker", after=["server"], readiness={"log": "^ready$"}, memoryLimitMb=64),
            _svc("gateway", port=9302, liveness={"tcp": 9302}, after=["server", "worker"]),
        ],
    }
    import_config(ws, copy.deepcopy(doc))
    exported = export_config(ws)
    assert [s["name"] for s in exported["services"]] == ["server", "worker", "gateway"]
    assert exported["services"][1]["readiness"] == {"log": "^ready$"}
    assert exported["services"][2]["readiness"] == {"tcp": 9302}  # the default with a port
    assert exported["services"][0]["readiness"] == {"http": "http://127.0.0.1:{port}/health"}
    assert ServiceConfig.from_json(exported["services"][1]).readiness == Probe("log", "^ready$")
    import_config(ws, {"version": 1, "server": {"command": ["srv"], "port": 9400}})
    (server,) = ws.services()
    assert (server.name, server.port, server.readiness.kind) == ("server", 9400, "http")
    import_config(ws, doc | {"server": {"command": ["x"], "port": 9500}})  # laid over `server`
    assert [(s.name, s.port) for s in ws.services()] == [
        ("server", 9500),
        ("worker", None),
        ("gateway", 9302),
    ]
    with pytest.raises(ConfigError) as caught:
        import_config(ws, {"version": 1, "services": doc["services"][1:]})
    assert caught.value.problems[0][0] == "$.services"
    assert "a service named 'server' is required" in caught.value.problems[0][1]
