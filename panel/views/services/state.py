"""The services' state in one dot and word: the worst of them (sidebar, Overview, tray)."""

from __future__ import annotations

from PySide6.QtGui import QColor

from panel.server.status import ServerStatus, ServiceSnapshot
from panel.views.state_colors import IDLE, SERVER_COLORS, SEVERITY, server_status_label


def worst_service_state(snaps: list[ServiceSnapshot]) -> tuple[QColor, str]:
    """The colour and word of the worst service state (as the tray and sidebar show it)."""
    if not snaps:
        return IDLE, server_status_label(ServerStatus.STOPPED)
    worst = min((s.status for s in snaps), key=SEVERITY.index)
    return SERVER_COLORS[worst], server_status_label(worst)
