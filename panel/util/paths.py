"""Where the panel's own files are: resources, and how to start the panel's own children."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """The `resources/` folder: inside a frozen bundle, or beside the `panel` package."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def ui_dir() -> Path:
    """The `ui/` folder (the stylesheet and the Qt Designer forms): in a bundle or the tree."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "ui"
    return Path(__file__).resolve().parents[2] / "ui"


def is_frozen() -> bool:
    """True when running from a PyInstaller bundle."""
    return bool(getattr(sys, "frozen", False))


def panel_argv(*args: str) -> list[str]:
    """argv that runs `opspanel ARGS...` with this very installation.

    From a frozen bundle that is the bundle's executable; from source it is this
    interpreter with `-m panel`. Every child the panel starts of its own (workers,
    runners, the reaper) is launched through this, never through a bare `python`.
    """
    if is_frozen():
        return [console_executable(), *args]
    return [sys.executable, "-m", "panel", *args]


def console_executable() -> str:
    """This executable, or on Windows its console twin `opspanelc.exe` when frozen.

    A windowed Windows executable has no stdout, so children that speak on their pipes
    (workers, the server) run from the console twin that the bundle ships beside it.
    """
    if not (is_frozen() and sys.platform == "win32"):
        return sys.executable
    exe = Path(sys.executable)
    twin = exe.with_name(f"{exe.stem}c{exe.suffix}")
    return str(twin) if twin.exists() else sys.executable


def python_executable() -> str:
    """The interpreter that `{python}` stands for in a server command."""
    return console_executable()
