"""Colours and translated words of job run states (always shown together)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from panel.views.state_colors import BAD, BUSY, GOOD, IDLE

NEVER = "never"
"""Pseudo state of a job that has no run in the history."""

RUN_COLORS: dict[str, QColor] = {
    "queued": QColor("#7f8fd0"),
    "waiting": QColor("#a58ad6"),
    "running": QColor("#3a7bd5"),
    "retrying": BUSY,
    "success": GOOD,
    "failed": BAD,
    "timed_out": QColor("#a3262a"),
    "cancelled": QColor("#6d7380"),
    "skipped": QColor("#b0b5bd"),
    "interrupted": QColor("#c0569b"),
    NEVER: IDLE,
}
"""State -> colour; the legend lists them in this order."""

FAILURES = ("failed", "timed_out")
"""States counted as failures (dashboard, tray notification)."""

ACTIVE = ("queued", "waiting", "running", "retrying")
"""States of a run still in the engine's hands."""


def run_state_label(state: str) -> str:
    """The translated word for a run state (or `never` run)."""
    words = {
        "queued": QCoreApplication.translate("jobstate", "Queued"),
        "waiting": QCoreApplication.translate("jobstate", "Waiting"),
        "running": QCoreApplication.translate("jobstate", "Running"),
        "retrying": QCoreApplication.translate("jobstate", "Retrying"),
        "success": QCoreApplication.translate("jobstate", "Success"),
        "failed": QCoreApplication.translate("jobstate", "Failed"),
        "timed_out": QCoreApplication.translate("jobstate", "Timed out"),
        "cancelled": QCoreApplication.translate("jobstate", "Cancelled"),
        "skipped": QCoreApplication.translate("jobstate", "Skipped"),
        "interrupted": QCoreApplication.translate("jobstate", "Interrupted"),
        NEVER: QCoreApplication.translate("jobstate", "Never run"),
    }
    return words.get(state, state)


def run_color(state: str) -> QColor:
    """The colour of a run state (grey for anything unknown)."""
    return RUN_COLORS.get(state, IDLE)
