"""The server block: JSON round trip, storage, validation with JSON paths."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panel.workspace import ConfigError, ServerConfig, Workspace, demo_server_config
from panel.workspace.schema import validate_server_json
from panel.workspace.server_config import expand_placeholders, expanded_command

FULL = ServerConfig(
    command=["{python}", "-m", "app", "--port", "{port}"],
    cwd="{workspace}/app",
    env={"APP_MODE": "test", "DATA": "{resources}/data"},
    port=9001,
    health_url="http://127.0.0.1:{port}/ready",
    autostart=False,
    restart="always",
    stop_timeout_ms=1500,
    ready_timeout_ms=9000,
    liveness_interval_ms=500,
    liveness_failures=5,
    start_retries=0,
    memory_limit_mb=512,
)


def test_json_names_are_camel_case() -> None:
    assert FULL.to_json() == {
        "command": ["{python}", "-m", "app", "--port", "{port}"],
        "cwd": "{workspace}/app",
        "env": {"APP_MODE": "test", "DATA": "{resources}/data"},
        "port": 9001,
        "healthUrl": "http://127.0.0.1:{port}/ready",
        "autostart": False,
        "restart": "always",
        "stopTimeoutMs": 1500,
        "readyTimeoutMs": 9000,
        "livenessIntervalMs": 500,
        "livenessFailures": 5,
        "startRetries": 0,
        "memoryLimitMb": 512,
    }
    assert ServerConfig.from_json(FULL.to_json()) == FULL


def test_defaults_and_missing_keys() -> None:
    cfg = ServerConfig.from_json({"command": ["srv"]})
    assert cfg == ServerConfig(command=["srv"])
    assert (cfg.port, cfg.health_url, cfg.autostart) == (
        8121,
        "http://127.0.0.1:{port}/health",
        True,
    )
    assert (cfg.restart, cfg.stop_timeout_ms, cfg.ready_timeout_ms) == ("on-failure", 5000, 20000)
    assert (cfg.liveness_interval_ms, cfg.liveness_failures, cfg.start_retries) == (2000, 3, 3)
    assert cfg.memory_limit_mb is None and cfg.cwd is None and cfg.env == {}


def test_to_json_hands_out_copies() -> None:
    data = FULL.to_json()
    data["command"].append("--evil")
    data["env"]["X"] = "1"
    assert FULL.command[-1] == "{port}" and "X" not in FULL.env


def test_demo_server() -> None:
    cfg = demo_server_config()
    assert cfg.command == [
        "{python}", "-m", "uvicorn", "--app-dir", "{resources}/demo", "demo_server:app",
        "--host", "127.0.0.1", "--port", "{port}",
    ]  # fmt: skip
    assert (cfg.port, cfg.autostart, cfg.restart) == (8121, True, "on-failure")
    assert cfg.health_url == "http://127.0.0.1:{port}/health"
    assert validate_server_json(cfg.to_json()) == []


def test_placeholders_expand_per_argument() -> None:
    values = {"port": "9001", "python": "/usr/bin/python3", "workspace": "/w", "resources": "/r"}
    assert expanded_command(FULL, values) == ["/usr/bin/python3", "-m", "app", "--port", "9001"]
    assert expand_placeholders("{workspace}/{other}/{port}", values) == "/w/{other}/9001"
    assert expand_placeholders("print({'a': 1})", values) == "print({'a': 1})"


def test_save_and_load(ws: Workspace) -> None:
    ws.save_server_config(FULL)
    assert ws.server_config() == FULL


def _problems(cfg_json: dict[str, Any]) -> dict[str, str]:
    return dict(validate_server_json(cfg_json))


def test_every_problem_is_reported_with_its_path() -> None:
    bad = FULL.to_json() | {
        "command": ["", 3],
        "port": 70000,
        "restart": "sometimes",
        "stopTimeoutMs": -1,
        "livenessFailures": 0,
        "memoryLimitMb": True,
        "healthUrl": "ftp://x",
        "env": {"1BAD": "x", "OK": 3},
        "prot": 8080,
    }
    problems = _problems(bad)
    assert problems["$.server.port"] == "70000 is greater than the maximum of 65535"
    assert problems["$.server.command[0]"] == "must not be empty"
    assert problems["$.server.command[1]"] == "expected a string, got 3"
    assert "not one of" in problems["$.server.restart"]
    assert "minimum of 0" in problems["$.server.stopTimeoutMs"]
    assert "minimum of 1" in problems["$.server.livenessFailures"]
    assert problems["$.server.memoryLimitMb"] == "expected an integer or null, got true"
    assert "http:// or https://" in problems["$.server.healthUrl"]
    assert "not a valid variable name" in problems['$.server.env["1BAD"]']
    assert problems["$.server.env.OK"] == "expected a string, got 3"
    assert problems["$.server.prot"] == "unknown field; did you mean 'port'?"
    assert len(problems) == 11


def test_unknown_placeholders_are_problems() -> None:
    bad = FULL.to_json() | {"command": ["{pyhton}", "--port", "{prot}"], "cwd": "{workspce}"}
    problems = _problems(bad)
    assert problems["$.server.command[0]"].startswith("unknown placeholder {pyhton}")
    assert problems["$.server.command[2]"].startswith("unknown placeholder {prot}")
    assert problems["$.server.cwd"].startswith("unknown placeholder {workspce}")


def test_command_must_be_a_non_empty_list() -> None:
    assert _problems(FULL.to_json() | {"command": []}) == {"$.server.command": "must not be empty"}
    shell_string = _problems(FULL.to_json() | {"command": "python -m app"})
    assert shell_string == {"$.server.command": 'expected an array, got "python -m app"'}
    assert _problems({"port": 1}) == {"$.server.command": "required field is missing"}


def test_invalid_config_is_refused_and_nothing_written(ws: Workspace) -> None:
    ws.save_server_config(FULL)
    with pytest.raises(ConfigError) as caught:
        ws.save_server_config(dataclasses.replace(FULL, port=0, restart="maybe"))
    assert [path for path, _ in caught.value.problems] == ["$.server.port", "$.server.restart"]
    assert "$.server.port: 0 is less than the minimum of 1" in str(caught.value)
    assert ws.server_config() == FULL


_text = st.text(st.characters(codec="utf-8", exclude_characters="{}"), max_size=12)
_configs = st.builds(
    ServerConfig,
    command=st.lists(_text.filter(bool), min_size=1, max_size=5),
    cwd=st.none() | _text.filter(bool),
    env=st.dictionaries(st.from_regex(r"[A-Z_][A-Z0-9_]{0,8}", fullmatch=True), _text, max_size=3),
    port=st.integers(1, 65535),
    autostart=st.booleans(),
    restart=st.sampled_from(["never", "on-failure", "always"]),
    stop_timeout_ms=st.integers(0, 3_600_000),
    memory_limit_mb=st.none() | st.integers(1, 1 << 20),
)


@pytest.fixture(scope="module")
def shared_ws(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with Workspace.open(Path(tmp_path_factory.mktemp("shared"))) as workspace:
        yield workspace


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cfg=_configs)
def test_any_valid_config_survives_json_and_the_database(cfg: ServerConfig, shared_ws: Any) -> None:
    assert validate_server_json(cfg.to_json()) == []
    assert ServerConfig.from_json(cfg.to_json()) == cfg
    shared_ws.save_server_config(cfg)
    assert shared_ws.server_config() == cfg
