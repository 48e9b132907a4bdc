"""The banner of an attached window whose engine went away: what happened, and that it retries."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QWidget

from panel.views.state_colors import BAD, show_dot


class LinkBanner(QFrame):
    """Hidden while the engine answers; otherwise one line saying why not, above every page.

    The pages keep showing the last state they had, so the operator still sees it.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("linkBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(f"QFrame#linkBanner {{ border: 2px solid {BAD.name()}; }}")
        row = QHBoxLayout(self)
        dot = QLabel()
        show_dot(dot, BAD, self.tr("Engine not reachable"))
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # the engine's words, never markup
        row.addWidget(dot)
        row.addWidget(self.label, 1)
        self.setVisible(False)

    def show_state(self, reachable: bool, message: str, refused: bool = False) -> None:
        """Hide when the engine answers; otherwise say so, with the reason (one sentence).

        `refused`: something answered but refused the window or cannot be trusted (a
        wrong token, a host key mismatch, an untrusted certificate, another version).
        """
        if reachable:
            self.setVisible(False)
            return
        reason = _sentence(message or self.tr("no answer"))
        if refused:
            text = self.tr("Cannot attach to the engine: %1 Trying again every 30 s.")
        else:
            text = self.tr("The engine is not reachable: %1 Showing the last state; reattaching…")
        self.label.setText(text.replace("%1", reason))
        self.setVisible(True)


def _sentence(text: str) -> str:
    """`text` ending like a sentence (the link's messages have no final period)."""
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."
