"""Many services: one `ServiceSupervisor` each, started in `after` order, stopped in reverse."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from graphlib import TopologicalSorter
from typing import Any

from PySide6.QtCore import QObject, Signal

from panel.server.preflight import PortConflict, check_port
from panel.server.service import ServiceSupervisor, service_spec
from panel.server.status import ServerStatus, ServiceSnapshot
from panel.supervise.process import ManagedProcess
from panel.supervise.spec import ProcessSpec
from panel.workspace.errors import ConfigError
from panel.workspace.service_config import SERVER_SERVICE, ServiceConfig
from panel.workspace.workspace import Workspace

log = logging.getLogger("panel.server")

_SETTLED = (ServerStatus.RUNNING, ServerStatus.ERROR, ServerStatus.STOPPED)
_IDLE = (ServerStatus.STOPPED, ServerStatus.ERROR)


class ServiceError(Exception):
    """A refused service action, in one sentence for the operator."""


class ServiceManager(QObject):
    """Holds every service of the workspace; every front door calls these methods.

    `after` orders starts: started together (`start_all`), a service starts once
    each service it is after is running, and is marked failed if one of them
    fails. Stops go in reverse: a service stops once every service after it has
    stopped. Configuration changes go to the workspace in one transaction first.
    """

    sig_service_status = Signal(object)
    """(ServiceSnapshot) a service's status changed, or its process exited."""

    sig_services_changed = Signal()
    """A service was added or removed, or the list was replaced (import)."""

    def __init__(
        self,
        workspace: Workspace,
        new_process: Callable[[str, ProcessSpec], ManagedProcess],
        forget_process: Callable[[ManagedProcess], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self._new_process = new_process
        self._forget_process = forget_process
        self._services: dict[str, ServiceSupervisor] = {}
        self._plans: list[_Plan] = []
        for cfg in workspace.services():
            self._add_supervisor(cfg)

    # ----------------------------------------------------------------- reading

    def names(self) -> list[str]:
        """Every service name, in configured order."""
        return list(self._services)

    def get(self, name: str) -> ServiceSupervisor:
        """The service called `name`; `ServiceError` naming the known ones otherwise."""
        try:
            return self._services[name]
        except KeyError:
            known = ", ".join(self._services) or "none"
            raise ServiceError(f"no service named {name!r} (services: {known})") from None

    def supervisors(self) -> list[ServiceSupervisor]:
        """Every service, in configured order."""
        return list(self._services.values())

    def snapshots(self) -> list[ServiceSnapshot]:
        """Every service as it is now."""
        return [s.snapshot() for s in self._services.values()]

    def owner_of(self, process: ManagedProcess) -> ServiceSupervisor | None:
        """The service whose process `process` is, if any."""
        for service in self._services.values():
            if service.process is process:
                return service
        return None

    # ----------------------------------------------------------------- actions

    def start(self, name: str, *, next_free_port: bool = False) -> PortConflict | None:
        """Start one service (its `after` services are not started for it).

        With `next_free_port`, a taken port is replaced by the next free one (stored)
        and the service started there; otherwise the conflict is returned.
        """
        service = self.get(name)
        port = service.config.port
        if next_free_port and port is not None and not service.is_active():
            conflict = check_port(port)
            if conflict is not None and conflict.suggested_port:
                self.configure(name, {"port": conflict.suggested_port}, move_probes=True)
                log.info("%s: port %d taken; using %d", name, port, conflict.suggested_port)
        return service.start()

    def stop(self, name: str) -> None:
        """Stop one service and its process tree."""
        self.get(name).stop()

    def restart(self, name: str) -> PortConflict | None:
        """Restart one service (or start it when it is not running)."""
        return self.get(name).restart()

    def start_all(self, names: Iterable[str] | None = None) -> None:
        """Start `names` (default: every service) in `after` order."""
        chosen = self._chosen(names)
        self._begin(_Plan(self, chosen, stopping=False))

    def stop_all(self, names: Iterable[str] | None = None) -> None:
        """Stop `names` (default: every service), each once the services after it are down."""
        chosen = self._chosen(names)
        self._begin(_Plan(self, chosen, stopping=True))

    def start_order(self, names: Iterable[str] | None = None) -> list[str]:
        """`names` (default: all) in the order `after` asks for (configured order otherwise)."""
        chosen = set(self._chosen(names))
        graph = {n: [a for a in self._services[n].config.after if a in chosen] for n in chosen}
        sorter = TopologicalSorter(graph)
        sorter.prepare()
        order: list[str] = []
        position = {n: i for i, n in enumerate(self._services)}
        while sorter.is_active():
            ready = sorted(sorter.get_ready(), key=position.__getitem__)
            order.extend(ready)
            sorter.done(*ready)
        return order

    # ----------------------------------------------------------- configuration

    def add(self, config: ServiceConfig) -> ServiceSupervisor:
        """Store a new service (validated with the others) and supervise it (not started).

        Raises `ConfigError` naming every bad field (a name taken already among them)."""
        if config.name in self._services:
            path = f"$.services[{len(self._services)}].name"
            raise ConfigError([(path, f"a service named {config.name!r} exists already")])
        self._save([*self.configs(), config])
        service = self._add_supervisor(config)
        log.info("service %s added", config.name)
        self.sig_services_changed.emit()
        return service

    def configure(
        self, name: str, changes: dict[str, Any], *, move_probes: bool = False
    ) -> ServiceConfig:
        """Lay `changes` (JSON fields) over service `name`, store it, use it from its next start.

        Raises `ConfigError` naming every bad field (nothing stored) or `ServiceError`.
        """
        service = self.get(name)
        if "name" in changes and changes["name"] != name:
            raise ServiceError("a service cannot be renamed; add a new one and remove this one")
        current = service.config
        try:
            new = ServiceConfig.from_json({**current.to_json(), **changes})
        except (TypeError, ValueError, KeyError) as exc:
            raise ConfigError([(f"$.services[{self.names().index(name)}]", str(exc))]) from None
        if move_probes and "port" in changes and new.port is not None:
            new = current.with_port(new.port)
        self._save([new if c.name == name else c for c in self.configs()])
        service.set_config(new)
        log.info("service %s settings saved", name)
        return new

    def remove(self, name: str) -> None:
        """Forget a stopped service (the service named `server` stays)."""
        service = self.get(name)
        if name == SERVER_SERVICE:
            raise ServiceError(
                "the service named 'server' cannot be removed (the Server page and"
                " `ctl server` drive it); stop it or turn its autostart off"
            )
        if service.is_active():
            raise ServiceError(f"service {name!r} is {service.status().value}; stop it first")
        self._save([c for c in self.configs() if c.name != name])
        del self._services[name]
        self._forget_process(service.process)
        service.deleteLater()
        log.info("service %s removed", name)
        self.sig_services_changed.emit()

    def configs(self) -> list[ServiceConfig]:
        """Every service's configuration, in order."""
        return [s.config for s in self._services.values()]

    def reload_from_workspace(self) -> None:
        """Take the stored services (after an import): new ones added, changed ones used
        from their next start, vanished ones stopped and forgotten."""
        wanted = {cfg.name: cfg for cfg in self._workspace.services()}
        for name in [n for n in self._services if n not in wanted]:
            service = self._services.pop(name)
            service.stop()
            self._forget_when_idle(service)
        for cfg in wanted.values():
            if cfg.name in self._services:
                self._services[cfg.name].set_config(cfg)
            else:
                self._add_supervisor(cfg)
        self._services = {n: self._services[n] for n in wanted}
        self.sig_services_changed.emit()

    # --------------------------------------------------------------- internals

    def _chosen(self, names: Iterable[str] | None) -> list[str]:
        if names is None:
            return self.names()
        chosen = list(dict.fromkeys(names))
        for name in chosen:
            self.get(name)
        return chosen

    def _save(self, configs: list[ServiceConfig]) -> None:
        self._workspace.save_services(configs)

    def _add_supervisor(self, cfg: ServiceConfig) -> ServiceSupervisor:
        process = self._new_process(cfg.name, service_spec(cfg, self._workspace.root))
        service = ServiceSupervisor(process, cfg, self._workspace.root, parent=self)
        service.sig_status_changed.connect(self._on_status)
        self._services[cfg.name] = service
        return service

    def _forget_when_idle(self, service: ServiceSupervisor) -> None:
        def check(snap: ServiceSnapshot) -> None:
            if snap.status in _IDLE:
                service.sig_status_changed.disconnect(check)
                self._forget_process(service.process)
                service.deleteLater()

        if service.status() in _IDLE:
            self._forget_process(service.process)
            service.deleteLater()
        else:
            service.sig_status_changed.connect(check)

    def _begin(self, plan: _Plan) -> None:
        self._plans.append(plan)
        plan.step()

    def _on_status(self, snap: ServiceSnapshot) -> None:
        for plan in list(self._plans):
            plan.step()
            if plan.done and plan in self._plans:
                self._plans.remove(plan)
        self.sig_service_status.emit(snap)


class _Plan:
    """Services being started (or stopped) together, in dependency order."""

    def __init__(self, manager: ServiceManager, names: list[str], *, stopping: bool) -> None:
        self._manager = manager
        self._stopping = stopping
        self._pending = list(names)
        self._names = set(names)
        self.done = False
        self._busy = False
        self._again = False

    def step(self) -> None:
        """Act on every pending service whose turn has come (re-entrant calls repeat the pass)."""
        if self._busy:
            self._again = True
            return
        self._busy = True
        try:
            self._again = True
            while self._again:
                self._again = False
                self._pass()
        finally:
            self._busy = False
        self.done = not self._pending

    def _pass(self) -> None:
        for name in list(self._pending):
            if name not in self._pending:
                continue
            if name not in self._manager.names():
                self._pending.remove(name)
                continue
            verdict = self._turn(name)
            if verdict is None:
                continue
            self._pending.remove(name)
            self._again = True
            self._act(name, verdict)

    def _turn(self, name: str) -> str | None:
        """`go`, the reason it cannot go, or None (its turn has not come yet)."""
        manager = self._manager
        if self._stopping:  # wait for everything in the plan that is after `name`
            for other in self._names & set(manager.names()):
                waits = name in manager.get(other).config.after and other != name
                if waits and manager.get(other).status() not in _IDLE:
                    return None
            return "go"
        for dep in manager.get(name).config.after:
            if dep not in self._names or dep not in manager.names():
                continue
            status = manager.get(dep).status()
            if status == ServerStatus.RUNNING:
                continue
            if dep in self._pending or status in (ServerStatus.STARTING, ServerStatus.STOPPING):
                return None
            error = manager.get(dep).snapshot().last_error or status.value
            return f"not started: {dep!r}, which it starts after, is {status.value} ({error})"
        return "go"

    def _act(self, name: str, verdict: str) -> None:
        service = self._manager.get(name)
        if self._stopping:
            service.stop()
        elif verdict != "go":
            service.fail(verdict)
        elif not service.is_active():
            service.start()
