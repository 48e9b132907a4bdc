"""The server block of a workspace: how to start, watch and stop the Python server."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

RESTART_POLICIES = ("never", "on-failure", "always")
"""Allowed values of `ServerConfig.restart`."""

PLACEHOLDERS = ("port", "python", "workspace", "resources")
"""Names allowed as `{name}` in `command`, `cwd`, `env` values and `healthUrl`."""

PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")
"""What looks like a placeholder: `{` lowercase name `}`; other braces are left alone."""

DEFAULT_PORT = 8121
DEFAULT_HEALTH_URL = "http://127.0.0.1:{port}/health"

# JSON name of each field (the dataclass uses snake_case, the JSON camelCase).
_JSON_NAMES: dict[str, str] = {
    "command": "command",
    "cwd": "cwd",
    "env": "env",
    "port": "port",
    "health_url": "healthUrl",
    "autostart": "autostart",
    "restart": "restart",
    "stop_timeout_ms": "stopTimeoutMs",
    "ready_timeout_ms": "readyTimeoutMs",
    "liveness_interval_ms": "livenessIntervalMs",
    "liveness_failures": "livenessFailures",
    "start_retries": "startRetries",
    "memory_limit_mb": "memoryLimitMb",
}


@dataclass(frozen=True)
class ServerConfig:
    """How the panel runs the operator's Python server (the `server` block of the JSON).

    `command` is an argv list, never a shell string. Placeholders `{port}`,
    `{python}`, `{workspace}` and `{resources}` are stored unexpanded; see
    `expand_placeholders`.
    """

    command: list[str]
    cwd: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    port: int = DEFAULT_PORT
    health_url: str = DEFAULT_HEALTH_URL
    autostart: bool = True
    restart: str = "on-failure"
    stop_timeout_ms: int = 5000
    ready_timeout_ms: int = 20000
    liveness_interval_ms: int = 2000
    liveness_failures: int = 3
    start_retries: int = 3
    memory_limit_mb: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON object (camelCase keys, every field present, fresh lists and dicts)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, list):
                value = list(value)
            elif isinstance(value, dict):
                value = dict(value)
            out[_JSON_NAMES[f.name]] = value
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ServerConfig:
        """Build from a JSON object; missing keys take their defaults, unknown keys are ignored.

        This does not validate: use `validate_server_json` (or the workspace schema)
        first when the data comes from a person.
        """
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            key = _JSON_NAMES[f.name]
            if key in data:
                kwargs[f.name] = data[key]
        if "command" in kwargs:
            kwargs["command"] = [str(arg) for arg in kwargs["command"]]
        if "env" in kwargs:
            kwargs["env"] = {str(k): str(v) for k, v in kwargs["env"].items()}
        for name in _INT_FIELDS:
            if kwargs.get(name) is not None:
                kwargs[name] = int(kwargs[name])
        return cls(**kwargs)


_INT_FIELDS = (
    "port",
    "stop_timeout_ms",
    "ready_timeout_ms",
    "liveness_interval_ms",
    "liveness_failures",
    "start_retries",
    "memory_limit_mb",
)


def demo_server_config() -> ServerConfig:
    """The server of the demo workspace: the FastAPI app in `{resources}/demo` under uvicorn."""
    return ServerConfig(
        command=[
            "{python}",
            "-m",
            "uvicorn",
            "--app-dir",
            "{resources}/demo",
            "demo_server:app",
            "--host",
            "127.0.0.1",
            "--port",
            "{port}",
        ],
        port=DEFAULT_PORT,
        health_url=DEFAULT_HEALTH_URL,
        autostart=True,
        restart="on-failure",
    )


def unknown_placeholders(text: str) -> list[str]:
    """The `{name}` placeholders in `text` that are not among `PLACEHOLDERS`."""
    return [name for name in PLACEHOLDER_RE.findall(text) if name not in PLACEHOLDERS]


def expand_placeholders(text: str, values: Mapping[str, str]) -> str:
    """Replace each known `{name}` in `text` by `values[name]`; other text is left as is.

    `values` maps placeholder names (see `PLACEHOLDERS`) to their values, e.g.
    `{"port": "8121", "python": sys.executable, ...}`. A placeholder missing from
    `values` stays unexpanded.
    """

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        return values.get(name, match.group(0)) if name in PLACEHOLDERS else match.group(0)

    return PLACEHOLDER_RE.sub(substitute, text)


def expanded_command(cfg: ServerConfig, values: Mapping[str, str]) -> list[str]:
    """`cfg.command` with its placeholders expanded (one argv item stays one item)."""
    return [expand_placeholders(arg, values) for arg in cfg.command]
