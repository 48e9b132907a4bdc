"""A service of a workspace: one supervised program (the `services` array of the JSON).

A workspace runs many services (an API server, a worker, a gateway, a
scheduler); the one named `server` is the workspace's main server, the one the
Server page, `ctl server` and the `server.*` API methods drive. Its older form,
the `server` block (`ServerConfig`), converts both ways (`from_server`,
`to_server`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from panel.workspace.server_config import DEFAULT_HEALTH_URL, DEFAULT_PORT, ServerConfig

SERVER_SERVICE = "server"
"""The name of the service that `server.*`, `ctl server` and the Server page drive."""

PROBE_KINDS = ("http", "tcp", "log", "none")
"""Readiness kinds; liveness uses only `http` and `tcp`."""


@dataclass(frozen=True)
class Probe:
    """How readiness or liveness is decided: `http` (a URL answers 2xx), `tcp` (a port
    accepts a connection), `log` (an output line matches a regex) or `none` (the
    process lived `startSecs`)."""

    kind: str
    target: str | int | None = None

    def to_json(self) -> Any:
        """`{"http": url}`, `{"tcp": port}`, `{"log": regex}` or `"none"`."""
        return "none" if self.kind == "none" else {self.kind: self.target}

    @classmethod
    def from_json(cls, data: Any) -> Probe:
        """The probe `to_json` wrote (already validated)."""
        if data is None or data == "none":
            return cls("none")
        ((kind, target),) = dict(data).items()
        return cls(str(kind), int(target) if kind == "tcp" else str(target))

    def describe(self) -> str:
        """`HTTP http://...`, `TCP port 8080`, `log /ready/`, `none`."""
        if self.kind == "http":
            return f"HTTP {self.target}"
        if self.kind == "tcp":
            return f"TCP port {self.target}"
        if self.kind == "log":
            return f"log /{self.target}/"
        return "none"


_JSON_NAMES: dict[str, str] = {
    "name": "name",
    "command": "command",
    "cwd": "cwd",
    "env": "env",
    "port": "port",
    "readiness": "readiness",
    "liveness": "liveness",
    "autostart": "autostart",
    "restart": "restart",
    "stop_timeout_ms": "stopTimeoutMs",
    "ready_timeout_ms": "readyTimeoutMs",
    "start_secs": "startSecs",
    "liveness_interval_ms": "livenessIntervalMs",
    "liveness_failures": "livenessFailures",
    "start_retries": "startRetries",
    "memory_limit_mb": "memoryLimitMb",
    "after": "after",
}

_INT_FIELDS = (
    "port",
    "stop_timeout_ms",
    "ready_timeout_ms",
    "liveness_interval_ms",
    "liveness_failures",
    "start_retries",
    "memory_limit_mb",
)


@dataclass(frozen=True)
class ServiceConfig:
    """How the panel runs one service. `command` is an argv list, never a shell string;
    placeholders (`{port}`, `{python}`, `{workspace}`, `{resources}`) stay unexpanded.

    `after` names services this one starts after (they are ready first when
    started together) and stops before.
    """

    name: str
    command: list[str]
    cwd: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    port: int | None = None
    readiness: Probe = Probe("none")
    liveness: Probe | None = None
    autostart: bool = True
    restart: str = "on-failure"
    stop_timeout_ms: int = 5000
    ready_timeout_ms: int = 20000
    start_secs: float = 1.0
    liveness_interval_ms: int = 2000
    liveness_failures: int = 3
    start_retries: int = 3
    memory_limit_mb: int | None = None
    after: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The JSON object (camelCase keys, every field present)."""
        out: dict[str, Any] = {}
        for name, key in _JSON_NAMES.items():
            value = getattr(self, name)
            if isinstance(value, Probe):
                value = value.to_json()
            elif isinstance(value, list | tuple):
                value = list(value)
            elif isinstance(value, dict):
                value = dict(value)
            out[key] = value
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ServiceConfig:
        """Build from a (validated) JSON object; missing keys take their defaults.

        Without `readiness`, a service with a port is ready once the port accepts
        a connection, one without once it has lived `startSecs`.
        """
        kwargs: dict[str, Any] = {}
        for name, key in _JSON_NAMES.items():
            if key in data:
                kwargs[name] = data[key]
        kwargs["command"] = [str(a) for a in kwargs.get("command", [])]
        if "env" in kwargs:
            kwargs["env"] = {str(k): str(v) for k, v in kwargs["env"].items()}
        for name in _INT_FIELDS:
            if kwargs.get(name) is not None:
                kwargs[name] = int(kwargs[name])
        if "start_secs" in kwargs:
            kwargs["start_secs"] = float(kwargs["start_secs"])
        if "readiness" in kwargs:
            kwargs["readiness"] = Probe.from_json(kwargs["readiness"])
        elif kwargs.get("port") is not None:
            kwargs["readiness"] = Probe("tcp", kwargs["port"])
        if kwargs.get("liveness") is not None:
            kwargs["liveness"] = Probe.from_json(kwargs["liveness"])
        kwargs["after"] = tuple(str(a) for a in kwargs.get("after", ()))
        return cls(**kwargs)

    def with_port(self, port: int) -> ServiceConfig:
        """This service on another port; a TCP probe of the old port follows it."""

        def moved(probe: Probe | None) -> Probe | None:
            if probe is not None and probe.kind == "tcp" and probe.target == self.port:
                return Probe("tcp", port)
            return probe

        readiness = moved(self.readiness) or self.readiness
        return replace(self, port=port, readiness=readiness, liveness=moved(self.liveness))

    # -- the older `server` block ---------------------------------------------------

    @classmethod
    def from_server(cls, cfg: ServerConfig) -> ServiceConfig:
        """The service named `server` that a `server` block describes: its health URL is
        both readiness and liveness."""
        health = Probe("http", cfg.health_url)
        return cls(
            name=SERVER_SERVICE,
            command=list(cfg.command),
            cwd=cfg.cwd,
            env=dict(cfg.env),
            port=cfg.port,
            readiness=health,
            liveness=health,
            autostart=cfg.autostart,
            restart=cfg.restart,
            stop_timeout_ms=cfg.stop_timeout_ms,
            ready_timeout_ms=cfg.ready_timeout_ms,
            liveness_interval_ms=cfg.liveness_interval_ms,
            liveness_failures=cfg.liveness_failures,
            start_retries=cfg.start_retries,
            memory_limit_mb=cfg.memory_limit_mb,
        )

    def to_server(self) -> ServerConfig:
        """This service seen as a `server` block (what `server.config` answers)."""
        health = DEFAULT_HEALTH_URL
        for probe in (self.readiness, self.liveness):
            if probe is not None and probe.kind == "http":
                health = str(probe.target)
                break
        return ServerConfig(
            command=list(self.command),
            cwd=self.cwd,
            env=dict(self.env),
            port=self.port if self.port is not None else DEFAULT_PORT,
            health_url=health,
            autostart=self.autostart,
            restart=self.restart,
            stop_timeout_ms=self.stop_timeout_ms,
            ready_timeout_ms=self.ready_timeout_ms,
            liveness_interval_ms=self.liveness_interval_ms,
            liveness_failures=self.liveness_failures,
            start_retries=self.start_retries,
            memory_limit_mb=self.memory_limit_mb,
        )

    def merged_with_server(self, cfg: ServerConfig) -> ServiceConfig:
        """This service with the fields of a `server` block laid over it; an HTTP probe
        takes the block's health URL, another probe kind is kept."""
        new = ServiceConfig.from_server(cfg)
        readiness = new.readiness if self.readiness.kind == "http" else self.readiness
        liveness = self.liveness
        if liveness is None or liveness.kind == "http":
            liveness = new.liveness if self.readiness.kind == "http" or liveness else None
        return replace(
            new,
            name=self.name,
            readiness=readiness,
            liveness=liveness,
            after=self.after,
            start_secs=self.start_secs,
        )
