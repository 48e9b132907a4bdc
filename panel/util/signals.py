"""`listened`: is anything connected to a Qt signal? (Spares a busy path its emits.)"""

from __future__ import annotations

from PySide6.QtCore import QMetaMethod, QObject

_METHODS: dict[tuple[type, str], QMetaMethod] = {}


def listened(obj: QObject, signal: str) -> bool:
    """True when at least one receiver is connected to `obj`'s signal named `signal`.

    Emitting a signal nobody listens to still converts its arguments (a few
    microseconds); a hot path asks this first (well under a microsecond) and
    skips building the arguments too. The signal's meta-method is looked up
    once per class.
    """
    key = (type(obj), signal)
    method = _METHODS.get(key)
    if method is None:
        method = _METHODS[key] = QMetaMethod.fromSignal(getattr(obj, signal))
    return obj.isSignalConnected(method)
