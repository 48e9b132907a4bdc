"""The tag bus in the status bar: `MQTT: publishing (2/2)`, hidden without a bus."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QWidget

from panel.viewmodels.bus import BusModel, BusStatus


def bus_state_label(state: str | None) -> str:
    """The translated words for a bus client's state (`-` for none)."""
    words = {
        "connected": QCoreApplication.translate("bus", "publishing"),
        "connecting": QCoreApplication.translate("bus", "connecting"),
        "disconnected": QCoreApplication.translate("bus", "broker lost, retrying"),
        "waiting": QCoreApplication.translate("bus", "waiting for the broker"),
        "off": QCoreApplication.translate("bus", "off"),
    }
    return words.get(state or "", "-")


def bus_cell(state: str | None, last_published: float | None) -> str:
    """A connection's bus column: `publishing 12:00:01` (its last publication), or `-`."""
    if not state or state == "off":
        return "-"
    if last_published is None:
        return bus_state_label(state)
    return f"{bus_state_label(state)} {time.strftime('%H:%M:%S', time.localtime(last_published))}"


def bus_text(status: BusStatus) -> str:
    """`MQTT: publishing (1/2 connections)` and, for the embedded broker, `embedded`."""
    text = QCoreApplication.translate("bus", "MQTT: %1 (%2/%3 connections)")
    text = text.replace("%1", bus_state_label(status.engine_state))
    text = text.replace("%2", str(status.connected_publishers))
    return text.replace("%3", str(status.publishers))


def bus_tooltip(status: BusStatus) -> str:
    """Broker, URL and rate, one per line."""
    if status.broker_kind == "embedded":
        broker = QCoreApplication.translate("bus", "Embedded broker: %1").replace(
            "%1", status.broker_state or "-"
        )
        if status.adopted:
            broker += QCoreApplication.translate("bus", " (still running from before)")
    else:
        broker = QCoreApplication.translate("bus", "External broker")
    lines = [broker, status.url or "-"]
    if status.messages_per_s is not None:
        rate = QCoreApplication.translate("bus", "%1 messages/s")
        lines.append(rate.replace("%1", f"{status.messages_per_s:g}"))
    if status.problem:
        lines.append(status.problem)
    return "\n".join(lines)


class BusLabel(QLabel):
    """Shows the bus of one engine; hidden while the workspace has none."""

    def __init__(self, model: BusModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        model.sig_changed.connect(self.show_status)
        self.show_status(model.status())

    def show_status(self, status: BusStatus) -> None:
        """Show `status` (hide the label when there is no bus)."""
        self.setVisible(status.enabled)
        if status.enabled:
            self.setText(bus_text(status))
            self.setToolTip(bus_tooltip(status))
