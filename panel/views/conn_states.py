"""A connection state's colour and word, without the Connections page's widgets.

The sidebar, the tray, the Overview and the Engines list show them before (or
without) the Connections page being built.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from panel.connections.status import ConnState
from panel.views.state_colors import BAD, BUSY, GOOD, IDLE

CONN_COLORS: dict[ConnState, QColor] = {
    ConnState.CONNECTED: GOOD,
    ConnState.CONNECTING: BUSY,
    ConnState.RECONNECTING: BUSY,
    ConnState.STARTING: BUSY,
    ConnState.STOPPING: BUSY,
    ConnState.RESTARTING: BUSY,
    ConnState.ERROR: BAD,
    ConnState.STOPPED: IDLE,
    ConnState.DISABLED: IDLE,
}


def conn_state_label(state: ConnState) -> str:
    """The translated word for a connection state."""
    words = {
        ConnState.CONNECTED: QCoreApplication.translate("state", "Connected"),
        ConnState.CONNECTING: QCoreApplication.translate("state", "Connecting"),
        ConnState.RECONNECTING: QCoreApplication.translate("state", "Reconnecting"),
        ConnState.STARTING: QCoreApplication.translate("state", "Starting"),
        ConnState.STOPPING: QCoreApplication.translate("state", "Stopping"),
        ConnState.RESTARTING: QCoreApplication.translate("state", "Restarting"),
        ConnState.ERROR: QCoreApplication.translate("state", "Error"),
        ConnState.STOPPED: QCoreApplication.translate("state", "Stopped"),
        ConnState.DISABLED: QCoreApplication.translate("state", "Disabled"),
    }
    return words[state]
