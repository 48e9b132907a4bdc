"""The server of an engine reached over its API."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from panel.server.status import ServerSnapshot, ServerStatus
from panel.viewmodels.remote.link import CallError, RemoteLink
from panel.viewmodels.server import Done, ServerModel
from panel.workspace.errors import ConfigError
from panel.workspace.server_config import ServerConfig

EMPTY = ServerSnapshot(ServerStatus.STOPPED, None, 0, None, 0, None, "")


class RemoteServerModel(ServerModel):
    """Mirrors `server.status` notifications; the buttons are API calls."""

    def __init__(self, link: RemoteLink) -> None:
        super().__init__(link)
        self._link = link
        self._snap = EMPTY
        self._received = time.monotonic()
        self._config: ServerConfig | None = None
        link.on("server.status", self._on_status)
        link.subscribe("server.subscribe")
        link.sig_connected.connect(self._fetch)

    def _fetch(self) -> None:
        self._link.call("server.status", {}, self._on_status)
        self._link.call("server.config", {}, self._on_config)

    def _on_status(self, data: Any) -> None:
        if not isinstance(data, dict):
            return
        self._snap = ServerSnapshot.from_json(data)
        self._received = time.monotonic()
        self.sig_status.emit(self.snapshot())

    def _on_config(self, data: Any) -> None:
        if isinstance(data, dict):
            self._config = ServerConfig.from_json(data)

    def snapshot(self) -> ServerSnapshot:
        snap = self._snap
        if snap.uptime is None:
            return snap
        return replace(snap, uptime=snap.uptime + time.monotonic() - self._received)

    def start(self) -> None:
        self._link.call("server.start", {})

    def stop(self) -> None:
        self._link.call("server.stop", {})

    def restart(self) -> None:
        self._link.call("server.restart", {})

    def use_port(self, port: int) -> None:
        def started(_: Any) -> None:
            self.start()

        self._link.call("server.configure", {"config": {"port": port}}, started)

    def config(self) -> ServerConfig:
        if self._config is None:
            raise ConfigError([("$.server", "the settings have not arrived from the engine yet")])
        return self._config

    def save_config(self, config: ServerConfig, done: Done) -> None:
        def saved(data: Any) -> None:
            self._on_config(data)
            done(None)

        def failed(error: CallError) -> None:
            done(_config_error(error))

        self._link.call("server.configure", {"config": config.to_json()}, saved, failed)


def _config_error(error: CallError) -> ConfigError:
    """The engine's `problems` as a ConfigError the settings dialog shows field by field."""
    data = error.data if isinstance(error.data, dict) else {}
    problems = [
        (str(p.get("path", "$")), str(p.get("message", "")))
        for p in data.get("problems", [])
        if isinstance(p, dict)
    ]
    return ConfigError(problems or [("$", str(error))])
