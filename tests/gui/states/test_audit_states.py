"""The Audit tab's empty, normal and error states, in a window attached to a headless
engine (whose API keeps the audit log).

tests/gui/test_sessions_view.py has the rows from a given source and an attached
window's own calls; this adds what the tab says with no call yet, and a failed call in red.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from panel.views.audit_view import COL_METHOD, COL_OUTCOME
from panel.views.main_window import MainWindow
from panel.views.state_colors import BAD
from tests.gui.attached import HeadlessProcess, attach
from tests.gui.states.parts import TIMEOUT_MS, decoration_color


def test_no_call_yet_says_what_is_listed_then_a_failed_call_is_red(
    headless: HeadlessProcess, qtbot: QtBot
) -> None:
    models = attach(qtbot, headless.workspace)
    window = MainWindow(models, None)
    window.show()
    try:
        window.open_page("sessions")
        view = window.sessions_view
        view.tabs.setCurrentWidget(view.audit_view)
        audit = view.audit_view
        qtbot.waitUntil(
            lambda: audit.status.text().startswith("No changes yet: "), timeout=TIMEOUT_MS
        )
        assert audit.model.rowCount() == 0
        assert "opspanel ctl" in audit.status.text()

        models.sessions.close("nope")  # a change the engine refuses
        model = audit.model
        audit.refresh()
        qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=TIMEOUT_MS)
        assert model.index(0, COL_METHOD).data() == "session.close"
        outcome = model.index(0, COL_OUTCOME)
        assert outcome.data().startswith("error") and "nope" in outcome.data()
        assert decoration_color(outcome) == BAD
        assert QColor(outcome.data(Qt.ItemDataRole.ForegroundRole)) == BAD
        assert audit.status.text() == "1 mutating call(s) shown, newest first."
    finally:
        assert models.link is not None
        models.link.close()
        window.allow_close()
        window.close()
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
