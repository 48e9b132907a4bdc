"""The services of an engine reached over its API."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import Any

from panel.server.status import ServiceSnapshot
from panel.viewmodels.remote.link import CallError, RemoteLink
from panel.viewmodels.services import ActionDone, SaveDone, ServicesModel
from panel.workspace.errors import ConfigError
from panel.workspace.service_config import ServiceConfig

log = logging.getLogger("panel.viewmodels.services")


class RemoteServicesModel(ServicesModel):
    """Mirrors `services.status` notifications; `services.list` on (re)connect and whenever
    the engine says the list changed (`services.changed`); the buttons are API calls."""

    def __init__(self, link: RemoteLink) -> None:
        super().__init__(link)
        self._link = link
        self._snaps: dict[str, tuple[ServiceSnapshot, float]] = {}
        self._configs: dict[str, ServiceConfig] = {}
        link.on("services.status", self._on_status)
        link.on("services.changed", lambda _data: self._fetch())
        link.subscribe("services.subscribe")
        link.sig_connected.connect(self._fetch)

    # ----------------------------------------------------------------- reading

    def snapshots(self) -> list[ServiceSnapshot]:
        now = time.monotonic()
        return [_aged(snap, now - received) for snap, received in self._snaps.values()]

    def config(self, name: str) -> ServiceConfig | None:
        return self._configs.get(name)

    # ----------------------------------------------------------------- actions

    def start(self, name: str, *, next_free_port: bool = False) -> None:
        if not next_free_port:
            self._link.call("services.start", {"name": name}, on_error=self._log_failure)
            return
        params = {"name": name, "nextFreePort": True}  # its settings change: fetch them after
        self._link.call("services.start", params, lambda _: self._fetch(), self._log_failure)

    def stop(self, name: str) -> None:
        self._link.call("services.stop", {"name": name}, on_error=self._log_failure)

    def restart(self, name: str) -> None:
        self._link.call("services.restart", {"name": name}, on_error=self._log_failure)

    def start_all(self) -> None:
        self._link.call("services.start", {"all": True}, on_error=self._log_failure)

    def stop_all(self) -> None:
        self._link.call("services.stop", {"all": True}, on_error=self._log_failure)

    def add(self, config: dict[str, Any], done: SaveDone) -> None:
        def added(_: Any) -> None:
            self._fetch()
            done(None)

        self._link.call("services.add", {"config": config}, added, lambda e: done(_config_error(e)))

    def configure(self, name: str, changes: dict[str, Any], done: SaveDone) -> None:
        def saved(data: Any) -> None:
            if isinstance(data, dict):
                self._configs[name] = ServiceConfig.from_json(data)
            done(None)
            self.sig_changed.emit()

        self._link.call(
            "services.configure",
            {"name": name, "config": changes},
            saved,
            lambda e: done(_config_error(e)),
        )

    def remove(self, name: str, done: ActionDone) -> None:
        def removed(_: Any) -> None:
            self._fetch()
            done(None)

        self._link.call("services.remove", {"name": name}, removed, lambda e: done(str(e)))

    # --------------------------------------------------------------- internals

    def _fetch(self) -> None:
        self._link.call("services.list", {}, self._on_list, self._log_failure)

    def _on_list(self, data: Any) -> None:
        if not isinstance(data, dict):
            return
        now = time.monotonic()
        snaps: dict[str, tuple[ServiceSnapshot, float]] = {}
        configs: dict[str, ServiceConfig] = {}
        for item in data.get("services", []):
            snap = ServiceSnapshot.from_json(item)
            snaps[snap.name] = (snap, now)
            if isinstance(item.get("config"), dict):
                configs[snap.name] = ServiceConfig.from_json(item["config"])
        self._snaps, self._configs = snaps, configs
        self.sig_changed.emit()

    def _on_status(self, data: Any) -> None:
        if not isinstance(data, dict):
            return
        snap = ServiceSnapshot.from_json(data)
        if snap.name not in self._snaps:
            self._fetch()  # added by someone else: its settings come with the list
            return
        self._snaps[snap.name] = (snap, time.monotonic())
        self.sig_status.emit(snap)

    def _log_failure(self, error: CallError) -> None:
        if self._link.connected:
            log.warning("services: %s", error)


def _aged(snap: ServiceSnapshot, elapsed: float) -> ServiceSnapshot:
    """`snap` with its uptime counted on by `elapsed` seconds since it arrived."""
    if snap.uptime is None:
        return snap
    return replace(snap, uptime=snap.uptime + elapsed)


def _config_error(error: CallError) -> ConfigError:
    """The engine's answer as a ConfigError the dialog shows field by field: its `problems`
    (the workspace's checks) or the one schema `path` (the API's check of the params)."""
    data = error.data if isinstance(error.data, dict) else {}
    problems = [
        (str(p.get("path", "$")), str(p.get("message", "")))
        for p in data.get("problems", [])
        if isinstance(p, dict)
    ]
    if not problems and "path" in data:
        path = str(data["path"]).replace("params.config", "$", 1)
        problems = [(path, str(data.get("reason", error)))]
    return ConfigError(problems or [("$", str(error))])
