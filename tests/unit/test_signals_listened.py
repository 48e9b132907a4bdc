"""`listened`: whether a signal has a receiver, per object."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from panel.util.signals import listened


class _Talker(QObject):
    sig_said = Signal(object)


def test_listened_follows_connections_per_object() -> None:
    talker, other = _Talker(), _Talker()
    assert not listened(talker, "sig_said")

    def slot(_value: object) -> None:
        return None

    talker.sig_said.connect(slot)
    assert listened(talker, "sig_said")
    assert not listened(other, "sig_said")
    talker.sig_said.disconnect(slot)
    assert not listened(talker, "sig_said")
