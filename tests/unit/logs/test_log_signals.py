"""`emit()` keeps the reference count of True steady, whatever PySide6 does."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

from panel.logs.signals import emit


class _Sender(QObject):
    sig = Signal(int)


def test_emitting_many_times_does_not_drain_true() -> None:
    sender = _Sender()
    got: list[int] = []
    sender.sig.connect(got.append)
    before = sys.getrefcount(True)
    for i in range(2000):
        emit(sender.sig, i)
    assert len(got) == 2000
    assert abs(sys.getrefcount(True) - before) < 50
