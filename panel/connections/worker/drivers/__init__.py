"""Field-bus drivers of the connection worker: one class per protocol, one link each."""

from __future__ import annotations

from collections.abc import Callable

from panel.connections.worker.config import ConnectionConfig
from panel.connections.worker.drivers.base import Driver


def make_driver(config: ConnectionConfig, log: Callable[[str, str], None]) -> Driver:
    """A fresh, unconnected driver for `config.driver` (imports only the one needed)."""
    if config.driver == "opcua":
        # The OPC UA driver is not written yet: the worker reports ERROR with this reason.
        raise NotImplementedError("$.driver: 'opcua' is not available in this build yet")
    from panel.connections.worker.drivers.modbus_tcp import ModbusTcpDriver

    return ModbusTcpDriver(config, log)
