"""pyqtgraph, imported on first use: the window's start does not pay for it."""

from __future__ import annotations

import os
import sys
import types
from types import ModuleType

_module: ModuleType | None = None


def pyqtgraph() -> ModuleType:
    """The pyqtgraph module, imported (on PySide6) and configured once."""
    global _module
    if _module is None:
        os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
        _stand_in_for_qtopengl()
        import pyqtgraph as pg

        pg.setConfigOptions(antialias=True, useNumba=False, useOpenGL=False)
        _module = pg
    return _module


def _stand_in_for_qtopengl() -> None:
    """pyqtgraph imports PySide6.QtOpenGL (a 9 MB binding) whatever it draws, and uses it
    only to draw with OpenGL, which the charts never do (`useOpenGL=False`): the bundle
    leaves it out, and where it is missing an empty module stands in for it."""
    try:
        import PySide6.QtOpenGL  # noqa: F401
    except ImportError:
        sys.modules["PySide6.QtOpenGL"] = types.ModuleType("PySide6.QtOpenGL")
