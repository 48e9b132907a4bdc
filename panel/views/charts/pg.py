"""pyqtgraph, imported on first use: the window's start does not pay for it."""

from __future__ import annotations

import os
from types import ModuleType

_module: ModuleType | None = None


def pyqtgraph() -> ModuleType:
    """The pyqtgraph module, imported (on PySide6) and configured once."""
    global _module
    if _module is None:
        os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
        import pyqtgraph as pg

        pg.setConfigOptions(antialias=True, useNumba=False, useOpenGL=False)
        _module = pg
    return _module
