"""`emit()`: emit a Qt signal from Python without PySide6 6.12's reference leak.

PySide6 6.12.0's ``SignalInstance.emit()`` returns ``True`` without taking a
reference to it, so every emission from Python takes one reference away from
``True``. On Python 3.11 (where ``True`` is not immortal) the count reaches zero
after enough emissions and the interpreter aborts ("bool_dealloc: deallocating
True or False"). Emissions made by Qt itself (C++) are not affected.

This module checks once whether the installed PySide6 has the fault and, if so,
gives the reference back after each emission made through `emit()`.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance


class _Probe(QObject):
    sig = Signal()


def _emit_drops_a_reference() -> bool:
    """True when ``emit()`` returns its result without a reference (the 6.12.0 fault)."""
    probe = _Probe()
    before = sys.getrefcount(True)
    result = probe.sig.emit()
    del result
    dropped = sys.getrefcount(True) < before
    if dropped:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    return dropped


_DROPS = _emit_drops_a_reference()


def emit(signal: SignalInstance, *args: Any) -> None:
    """``signal.emit(*args)``, repairing the reference PySide6 6.12.0 drops."""
    result = signal.emit(*args)
    if _DROPS:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
