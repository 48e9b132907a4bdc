"""packaging/linux/build_deb.py, imported by path (packaging is not a Python package)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BUILD_DEB = Path(__file__).resolve().parents[3] / "packaging" / "linux" / "build_deb.py"


def load_build_deb() -> ModuleType:
    """The build_deb module (loaded once per test process)."""
    if "build_deb" in sys.modules:
        return sys.modules["build_deb"]
    spec = importlib.util.spec_from_file_location("build_deb", BUILD_DEB)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_deb"] = module
    spec.loader.exec_module(module)
    return module
