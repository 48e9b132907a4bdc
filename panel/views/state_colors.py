"""One palette for states, used by every panel, always shown with a text label beside it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QLabel

from panel.server.status import ServerStatus

# Chosen to stay apart for the common colour-vision deficiencies and readable on
# both light and dark backgrounds; the text label carries the meaning regardless.
GOOD = QColor("#2e9d48")
BUSY = QColor("#d08a12")
IDLE = QColor("#8a8f98")
BAD = QColor("#d6403a")

SERVER_COLORS: dict[ServerStatus, QColor] = {
    ServerStatus.RUNNING: GOOD,
    ServerStatus.STARTING: BUSY,
    ServerStatus.STOPPING: BUSY,
    ServerStatus.STOPPED: IDLE,
    ServerStatus.ERROR: BAD,
}

# Worst first: the tray shows the worst state of anything running.
SEVERITY: tuple[ServerStatus, ...] = (
    ServerStatus.ERROR,
    ServerStatus.STARTING,
    ServerStatus.STOPPING,
    ServerStatus.RUNNING,
    ServerStatus.STOPPED,
)


def server_status_label(status: ServerStatus) -> str:
    """The translated word for a server status."""
    labels = {
        ServerStatus.RUNNING: QCoreApplication.translate("state", "Running"),
        ServerStatus.STARTING: QCoreApplication.translate("state", "Starting"),
        ServerStatus.STOPPING: QCoreApplication.translate("state", "Stopping"),
        ServerStatus.STOPPED: QCoreApplication.translate("state", "Stopped"),
        ServerStatus.ERROR: QCoreApplication.translate("state", "Error"),
    }
    return labels[status]


def worker_state_label(state: str | None) -> str:
    """The translated word for a connection worker's own state (its FSM: CONFIGURE,
    CONNECT, EXECUTE...), as the window shows it; the API keeps the raw value.
    `-` for none (no worker), the raw value for a state this version does not know."""
    if not state:
        return "-"
    words = {
        "CONFIGURE": QCoreApplication.translate("worker", "Configuring"),
        "CONNECT": QCoreApplication.translate("worker", "Connecting"),
        "EXECUTE": QCoreApplication.translate("worker", "Polling"),
        "RECONNECT": QCoreApplication.translate("worker", "Reconnecting"),
        "ERROR": QCoreApplication.translate("worker", "Error"),
        "IDLE": QCoreApplication.translate("worker", "Disabled"),
        "STOPPED": QCoreApplication.translate("worker", "Stopped"),
    }
    return words.get(state, state)


def dot_pixmap(color: QColor, size: int = 12) -> QPixmap:
    """A filled circle of `color`, for state dots beside labels."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return pixmap


def state_description(word: str) -> str:
    """What a screen reader says of a state dot: the state in words ("State: Error")."""
    return QCoreApplication.translate("state", "State: %1").replace("%1", word)


def show_dot(label: QLabel, color: QColor, word: str, size: int = 12) -> None:
    """Make `label` a state dot of `color` that also says `word`: as its tooltip, and as
    its accessible name and description, so a screen reader reports the state (colour is
    never the only sign of one)."""
    label.setPixmap(dot_pixmap(color, size))
    label.setToolTip(word)
    label.setAccessibleName(word)
    label.setAccessibleDescription(state_description(word))


def dot_icon(color: QColor, size: int = 16) -> QIcon:
    """A state dot as an icon (sidebar entries, tray)."""
    return QIcon(dot_pixmap(color, size))


# Worst first: an engine's dot is the worst of its server's, connections' and jobs' dots.
COLOR_SEVERITY: tuple[QColor, ...] = (BAD, BUSY, GOOD, IDLE)


def worst_color(colors: list[QColor]) -> QColor:
    """The most severe of the palette's `colors` (IDLE for none)."""
    ranked = [c for c in colors if c in COLOR_SEVERITY]
    return min(ranked, key=COLOR_SEVERITY.index) if ranked else IDLE
