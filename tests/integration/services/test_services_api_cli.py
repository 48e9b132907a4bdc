"""`ctl services ...` and the `services.*` API against a real headless engine."""

from __future__ import annotations

import json
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from panel.api.client import ApiClient, ApiError
from panel.util.ports import ephemeral_port
from panel.workspace.workspace import Workspace
from tests.ctl_output import column, table
from tests.integration.engine.conftest import HeadlessEngine, ctl, start_engine
from tests.integration.services.conftest import CHILD, child, server_service, stamps_of

__all__ = ["start_engine"]  # the fixture, imported for these tests

StartEngine = Callable[..., HeadlessEngine]


def _workspace(path: Path, stamps: Path, db_port: int) -> Path:
    with Workspace.open(path) as ws:
        ws.save_services(
            [
                server_service(ephemeral_port()),
                child(stamps, "db", "tcp", "{port}", port=db_port, autostart=False),
                child(
                    stamps,
                    "worker",
                    "log",
                    after=["db"],
                    readiness={"log": "ready"},
                    autostart=False,
                ),
                child(stamps, "cron", "plain", after=["worker"], startSecs=0.2, autostart=False),
            ]
        )
    return path


def _ok(ws: Path, *args: str, timeout: float = 90.0) -> str:
    result = ctl(ws, *args, timeout=timeout)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_ctl_services_each_action(start_engine: StartEngine, tmp_path: Path) -> None:
    stamps = tmp_path / "stamps.txt"
    ws = _workspace(tmp_path / "ws", stamps, ephemeral_port())
    start_engine(ws)
    listed = table(_ok(ws, "services", "list"))
    assert [[row["NAME"], row["STATE"]] for row in listed] == [
        ["server", "stopped"],
        ["db", "stopped"],
        ["worker", "stopped"],
        ["cron", "stopped"],
    ]
    started = _ok(ws, "services", "start", "--all", "--wait")
    assert [[row["NAME"], row["STATE"]] for row in table(started)] == [
        ["server", "running"],
        ["db", "running"],
        ["worker", "running"],
        ["cron", "running"],
    ]
    starts = [n for _t, n, what in sorted(stamps_of(stamps)) if what == "start"]
    assert starts == ["db", "worker", "cron"]

    status = json.loads(_ok(ws, "services", "status", "worker", "--json"))
    assert (status["status"], status["readiness"], status["after"]) == (
        "running",
        "log /ready/",
        ["db"],
    )
    assert status["config"]["readiness"] == {"log": "ready"}
    human = _ok(ws, "services", "status", "worker")
    assert human.startswith("worker") and "running" in human and "readiness log /ready/" in human

    restarted = json.loads(_ok(ws, "services", "restart", "worker", "--wait", "--json"))
    assert restarted["status"] == "running" and restarted["pid"] != status["pid"]
    # The exit of the restart is reported: clean (its SIGTERM handler ran) or by the signal.
    assert restarted["lastExit"] in ({"code": 0, "signal": 0}, {"code": -15, "signal": 15})

    stopped = _ok(ws, "services", "stop", "--all", "--wait")
    assert column(stopped, "STATE") == ["stopped"] * 4
    stops = [n for _t, n, what in sorted(stamps_of(stamps)) if what == "stop"]
    assert stops[-3:] == ["cron", "worker", "db"]

    server = json.loads(_ok(ws, "server", "status", "--json"))  # `ctl server` as before
    assert server["status"] == "stopped"

    one = json.loads(_ok(ws, "services", "start", "cron", "--wait", "--json"))
    assert one["status"] == "running"
    assert json.loads(_ok(ws, "services", "stop", "cron", "--wait", "--json"))["status"] == (
        "stopped"
    )

    missing = ctl(ws, "services", "start", "nope")
    assert missing.returncode == 1
    assert "no service named 'nope'" in missing.stderr
    assert "Traceback" not in missing.stderr
    usage = ctl(ws, "services", "start")
    assert usage.returncode == 2 and "give a NAME or --all" in usage.stderr


def test_ctl_start_next_free_port(start_engine: StartEngine, tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        ws = _workspace(tmp_path / "ws", tmp_path / "stamps.txt", port)
        start_engine(ws)
        refused = ctl(ws, "services", "start", "db", "--wait")
        assert refused.returncode == 1
        assert f"Port {port} is already in use" in refused.stderr
        moved = json.loads(
            _ok(ws, "services", "start", "db", "--next-free-port", "--wait", "--json")
        )
        assert moved["status"] == "running" and moved["port"] not in (None, port)
        assert moved["readiness"] == f"TCP port {moved['port']}"
        with socket.create_connection(("127.0.0.1", moved["port"]), timeout=5):
            pass  # it really listens there


def _call(client: ApiClient, method: str, **params: Any) -> Any:
    return client.call(method, params, timeout=60)


def test_services_api_each_method(start_engine: StartEngine, tmp_path: Path) -> None:
    stamps = tmp_path / "stamps.txt"
    ws = _workspace(tmp_path / "ws", stamps, ephemeral_port())
    start_engine(ws)
    with ApiClient.from_workspace(ws) as client:
        methods = {m["name"]: m for m in _call(client, "rpc.discover")["methods"]}
        for name in ("list", "status", "start", "stop", "restart", "configure", "add", "remove"):
            assert methods[f"services.{name}"]["params"]["type"] == "object"
        assert (
            methods["services.start"]["params"]["properties"]["nextFreePort"]["type"] == "boolean"
        )
        assert _call(client, "services.subscribe") == {"subscribed": True}

        port = ephemeral_port()
        command = [sys.executable, str(CHILD), str(stamps), "api", "tcp", "{port}"]
        added = _call(
            client, "services.add", config={"name": "api", "command": command, "port": port}
        )
        assert (added["name"], added["status"], added["readiness"]) == (
            "api",
            "stopped",
            f"TCP port {port}",
        )
        assert [s["name"] for s in _call(client, "services.list")["services"]][-1] == "api"
        with pytest.raises(ApiError) as taken:
            _call(client, "services.add", config={"name": "api", "command": command})
        assert taken.value.code == -32602  # named on the field, as the window's dialog shows it
        assert taken.value.data["problems"] == [
            {"path": "$.services[5].name", "message": "a service named 'api' exists already"}
        ]

        running = _call(client, "services.start", name="api", wait=True)
        assert running["status"] == "running" and running["port"] == port
        assert _call(client, "services.status", name="api")["pid"] == running["pid"]
        again = _call(client, "services.restart", name="api", wait=True)
        assert again["status"] == "running" and again["pid"] != running["pid"]

        changed = _call(client, "services.configure", name="api", config={"stopTimeoutMs": 2500})
        assert changed["stopTimeoutMs"] == 2500
        with pytest.raises(ApiError) as cycle:
            _call(client, "services.configure", name="db", config={"after": ["cron"]})
        assert cycle.value.code == -32602
        assert "start order cycle: db -> cron -> worker -> db" in str(cycle.value)

        with pytest.raises(ApiError) as busy:
            _call(client, "services.remove", name="api")
        assert busy.value.code == -32011 and "stop it first" in str(busy.value)
        assert _call(client, "services.stop", name="api", wait=True)["status"] == "stopped"
        assert _call(client, "services.remove", name="api") == {"removed": "api"}
        with pytest.raises(ApiError) as gone:
            _call(client, "services.status", name="api")
        assert gone.value.code == -32010 and "no service named 'api'" in str(gone.value)

        # Every exit (the restart's and the stop's) was notified with its code and signal.
        exits: dict[int, dict[str, Any]] = {}
        lists: list[list[str]] = []  # services.changed: the names after each add or remove
        for note in client.notifications(timeout=2.0):
            params = note.get("params", {})
            if note.get("method") == "services.status" and params.get("name") == "api":
                exits.setdefault(params["exits"], params)
            if note.get("method") == "services.changed":
                lists.append(params["names"])
        names = ["server", "db", "worker", "cron"]
        assert lists == [[*names, "api"], names]
        assert sorted(exits) == [0, 1, 2]
        for n in (1, 2):
            assert exits[n]["lastExit"] in ({"code": 0, "signal": 0}, {"code": -15, "signal": 15})
    with Workspace.open(ws) as stored:
        assert [s.name for s in stored.services()] == ["server", "db", "worker", "cron"]
