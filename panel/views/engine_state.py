"""The dots of one engine, with their words: its server, connections, jobs, and the whole.

The same rules as the window's sidebar and tray (the server's colour, the worst
connection state, the jobs' today rule), so an engine's dot in the Engines list
and the dots of its own window agree. The whole is the worst of the three, or
"Unreachable" while nothing answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from panel.connections.status import ConnState, worst
from panel.jobs.snapshots import DashboardFigures
from panel.viewmodels.engines.health import EngineHealth, Reach
from panel.views.conn_states import CONN_COLORS, conn_state_label
from panel.views.state_colors import (
    BAD,
    BUSY,
    GOOD,
    IDLE,
    SERVER_COLORS,
    server_status_label,
    worst_color,
)

if TYPE_CHECKING:
    from panel.viewmodels.jobs import JobsModel

Dot = tuple[QColor, str]


def jobs_dot(figures: DashboardFigures, running: bool) -> Dot:
    """Red when a run failed today, amber while one runs, green when one succeeded, else grey."""
    if figures.failed:
        return BAD, QCoreApplication.translate("JobsView", "A job failed today")
    if figures.running_now or running:
        return BUSY, QCoreApplication.translate("JobsView", "Jobs running")
    if figures.success:
        return GOOD, QCoreApplication.translate("JobsView", "Jobs succeeded today")
    return IDLE, QCoreApplication.translate("JobsView", "No job ran today")


def worst_jobs_state(model: JobsModel) -> tuple[QColor, str]:
    """Red when a run failed today, amber while one runs, green when one succeeded, else grey."""
    running = any(r.status == "running" for r in model.active_runs())
    return jobs_dot(model.dashboard(), running)


def connections_dot(states: tuple[ConnState, ...] | list[ConnState]) -> Dot:
    """The colour and word of the worst connection state (grey: no connection)."""
    state = worst(list(states))
    if state is None:
        return IDLE, QCoreApplication.translate("EngineState", "No connections")
    return CONN_COLORS[state], conn_state_label(state)


def reach_dot(health: EngineHealth) -> Dot | None:
    """The dot of an engine that cannot be read now; None when it can."""
    if health.reach == Reach.CONNECTED:
        return None
    if health.reach == Reach.CONNECTING:
        return BUSY, QCoreApplication.translate("EngineState", "Connecting…")
    if health.reach == Reach.REFUSED:
        return BAD, QCoreApplication.translate("EngineState", "Refused")
    return BAD, QCoreApplication.translate("EngineState", "Unreachable")


def server_cell(health: EngineHealth) -> Dot:
    """The server's dot and words (status, port); the reach's while it cannot be read."""
    snap = health.server
    if snap is None:
        return reach_dot(health) or (IDLE, "-")
    text = server_status_label(snap.status)
    if snap.port:
        text += "  ·  " + QCoreApplication.translate("EngineState", "port %1").replace(
            "%1", str(snap.port)
        )
    return SERVER_COLORS[snap.status], text


def connections_cell(health: EngineHealth) -> Dot:
    """``n good / n bad`` with the worst connection's colour."""
    states = health.connections
    color, _ = connections_dot(states)
    good = states.count(ConnState.CONNECTED)
    bad = states.count(ConnState.ERROR)
    text = (
        QCoreApplication.translate("EngineState", "%1 good / %2 bad (of %3)")
        .replace("%1", str(good))
        .replace("%2", str(bad))
        .replace("%3", str(len(states)))
    )
    return color, text


def jobs_cell(health: EngineHealth) -> Dot:
    """Today's ``n ok / n failed`` with the jobs' colour."""
    figures = health.jobs or DashboardFigures()
    color, _ = jobs_dot(figures, health.jobs_running)
    text = (
        QCoreApplication.translate("EngineState", "%1 ok / %2 failed today")
        .replace("%1", str(figures.success))
        .replace("%2", str(figures.failed))
    )
    if figures.running_now or health.jobs_running:
        text += "  ·  " + QCoreApplication.translate("EngineState", "%1 running").replace(
            "%1", str(max(len(figures.running_now), 1))
        )
    return color, text


def engine_dot(health: EngineHealth) -> Dot:
    """The whole engine: unreachable/refused/connecting, else the worst of its three dots."""
    unreadable = reach_dot(health)
    if unreadable is not None:
        return unreadable
    areas: list[tuple[Dot, str]] = []
    if health.server is not None:
        color, word = SERVER_COLORS[health.server.status], server_status_label(health.server.status)
        areas.append(((color, word), QCoreApplication.translate("EngineState", "Server: %1")))
    if health.connections:
        areas.append(
            (
                connections_dot(health.connections),
                QCoreApplication.translate("EngineState", "Connections: %1"),
            )
        )
    if health.jobs is not None:
        areas.append((jobs_dot(health.jobs, health.jobs_running), "%1"))
    color = worst_color([dot[0] for dot, _ in areas])
    if color == GOOD:
        return GOOD, QCoreApplication.translate("EngineState", "All well")
    if color == IDLE:
        return IDLE, QCoreApplication.translate("EngineState", "Idle")
    (_, word), pattern = next(a for a in areas if a[0][0] == color)
    return color, pattern.replace("%1", word)
