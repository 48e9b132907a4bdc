"""Every view model of one engine, embedded or attached, in one place for the window."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from panel.viewmodels.bus import BusModel
from panel.viewmodels.connections import ConnectionsModel
from panel.viewmodels.engine import EngineModel
from panel.viewmodels.jobs import JobsModel
from panel.viewmodels.logs import LogsModel
from panel.viewmodels.server import ServerModel
from panel.viewmodels.services import ServicesModel
from panel.viewmodels.sessions import SessionsModel

if TYPE_CHECKING:
    from panel.engine import Engine
    from panel.viewmodels.remote.link import RemoteLink


@dataclass
class EngineModels:
    """The window's whole view of one engine.

    `embedded` is the engine object when it runs in this process: the pages that
    have no view model yet use it, and are not shown on an attached window.
    """

    engine: EngineModel
    server: ServerModel
    sessions: SessionsModel
    logs: LogsModel
    connections: ConnectionsModel
    jobs: JobsModel
    services: ServicesModel
    embedded: Engine | None = None
    link: RemoteLink | None = None
    bus: BusModel | None = None
    """The tag bus (MQTT); None where a window was assembled without it."""

    @property
    def attached(self) -> bool:
        """True when the engine runs in another process."""
        return self.embedded is None


def local_models(engine: Engine) -> EngineModels:
    """The view models of the engine in this process."""
    from panel.viewmodels.local.bus import LocalBusModel
    from panel.viewmodels.local.connections import LocalConnectionsModel
    from panel.viewmodels.local.engine import LocalEngineModel
    from panel.viewmodels.local.jobs import LocalJobsModel
    from panel.viewmodels.local.logs import LocalLogsModel
    from panel.viewmodels.local.server import LocalServerModel
    from panel.viewmodels.local.services import LocalServicesModel
    from panel.viewmodels.local.sessions import LocalSessionsModel

    return EngineModels(
        LocalEngineModel(engine),
        LocalServerModel(engine),
        sessions=LocalSessionsModel(engine.sessions),
        logs=LocalLogsModel(engine),
        connections=LocalConnectionsModel(engine.connections),
        jobs=LocalJobsModel(engine),
        services=LocalServicesModel(engine),
        embedded=engine,
        bus=LocalBusModel(engine),
    )


def remote_models(link: RemoteLink) -> EngineModels:
    """The view models of an engine reached through `link` (call `link.open()` after)."""
    from panel.viewmodels.remote.bus import RemoteBusModel
    from panel.viewmodels.remote.connections import RemoteConnectionsModel
    from panel.viewmodels.remote.engine import RemoteEngineModel
    from panel.viewmodels.remote.jobs import RemoteJobsModel
    from panel.viewmodels.remote.logs import RemoteLogsModel
    from panel.viewmodels.remote.server import RemoteServerModel
    from panel.viewmodels.remote.services import RemoteServicesModel
    from panel.viewmodels.remote.sessions import RemoteSessionsModel

    return EngineModels(
        RemoteEngineModel(link),
        RemoteServerModel(link),
        sessions=RemoteSessionsModel(link),
        logs=RemoteLogsModel(link),
        connections=RemoteConnectionsModel(link),
        jobs=RemoteJobsModel(link),
        services=RemoteServicesModel(link),
        link=link,
        bus=RemoteBusModel(link),
    )
