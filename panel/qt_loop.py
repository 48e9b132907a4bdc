"""The asyncio loop that Qt drives (qasync), without the GUI modules in a headless engine.

qasync imports PySide6.QtGui and PySide6.QtWidgets when it is imported, for one name:
`QApplication`, of which it calls only `instance()` and `processEvents()`, both
QCoreApplication's own. It never uses QtGui. Loading the two costs a headless engine
about 17 MB of resident memory (their libraries and their Python types) for nothing.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

from PySide6.QtCore import QCoreApplication

_GUI_MODULES = ("PySide6.QtGui", "PySide6.QtWidgets")


def import_qasync() -> types.ModuleType:
    """qasync; when no GUI module is loaded yet, imported without loading them.

    Stand-ins serve qasync's two imports (QtWidgets with `QApplication` being
    QCoreApplication, QtGui empty) and leave `sys.modules` right after, so a real
    import later (a window in the same process) loads the real modules as usual.
    """
    loaded = sys.modules.get("qasync")
    if loaded is not None:
        return loaded
    if any(name in sys.modules for name in _GUI_MODULES):
        return importlib.import_module("qasync")
    widgets = types.ModuleType("PySide6.QtWidgets", "Stand-in for qasync's import (no GUI).")
    widgets.QApplication = QCoreApplication  # type: ignore[attr-defined]
    stand_ins = {
        "PySide6.QtWidgets": widgets,
        "PySide6.QtGui": types.ModuleType("PySide6.QtGui", "Stand-in for qasync (no GUI)."),
    }
    sys.modules.update(stand_ins)
    try:
        return importlib.import_module("qasync")
    finally:
        for name, module in stand_ins.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]


def qt_event_loop(app: QCoreApplication) -> Any:
    """A qasync event loop on `app` (a QApplication with a window, else a QCoreApplication)."""
    return import_qasync().QEventLoop(app)
