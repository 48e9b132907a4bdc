"""Modules of packaging/linux/, imported by path (packaging is not a Python package)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

LINUX = Path(__file__).resolve().parents[3] / "packaging" / "linux"


def load_packaging_module(name: str) -> ModuleType:
    """packaging/linux/NAME.py (loaded once per test process)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, LINUX / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_build_deb() -> ModuleType:
    """The build_deb module."""
    return load_packaging_module("build_deb")
