"""What the window remembers between sessions: the QSettings keys, in one place.

The values live in the application's QSettings (organisation and application names
are set at start); the engines' list has its own keys (viewmodels/engines/registry).
"""

from __future__ import annotations

THEME = "theme"
"""`system`, `light` or `dark` (views/theme.py)."""
WINDOW_GEOMETRY = "mainWindow/geometry"
"""The main window's saved geometry (QMainWindow.saveGeometry)."""
CLOSE_ACTION = "window/closeAction"
"""What closing the window does (views/close_choice.py)."""
