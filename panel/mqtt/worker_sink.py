"""The connection worker's sink factory: a bus publisher when the workspace has a bus.

Light on purpose: a workspace without an `mqtt` section never imports paho-mqtt.
"""

from __future__ import annotations

import logging
from pathlib import Path

from panel.connections.worker.sink import ValueSink
from panel.mqtt.settings import load_settings

log = logging.getLogger("panel.mqtt")


def bus_sink(conn_id: str, workspace: str | None) -> ValueSink | None:
    """A `BusPublisher` for connection `conn_id` of `workspace`, or None for no bus."""
    if not workspace:
        return None
    folder = Path(workspace)
    settings, problem = load_settings(folder)
    if problem is not None:
        log.warning("no MQTT publishing: %s", problem)
    if settings is None or not settings.active:
        return None
    from panel.mqtt.publisher import BusPublisher

    return BusPublisher(conn_id, folder, settings)
