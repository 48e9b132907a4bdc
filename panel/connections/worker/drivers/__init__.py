"""Field-bus drivers of the connection worker: one class per protocol, one link each."""

from __future__ import annotations

from collections.abc import Callable

from panel.connections.worker.config import ConnectionConfig
from panel.connections.worker.drivers.base import Driver


def make_driver(config: ConnectionConfig, log: Callable[[str, str], None]) -> Driver:
    """A fresh, unconnected driver for `config.driver` (imports only the one needed)."""
    if config.driver == "opcua":
        from panel.connections.worker.drivers.opcua import OpcUaDriver

        return OpcUaDriver(config, log)
    from panel.connections.worker.drivers.modbus_tcp import ModbusTcpDriver

    return ModbusTcpDriver(config, log)
