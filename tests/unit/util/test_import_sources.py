"""Modules imported after Qt: PySide6 still looks at their source, and keeps none of it."""

from __future__ import annotations

import linecache
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from panel.util.import_sources import load_qt_forgetting_sources


@pytest.fixture
def module_dir(tmp_path: Path) -> Iterator[Path]:
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))


def test_an_import_after_qt_leaves_no_source_lines_in_memory(module_dir: Path) -> None:
    assert load_qt_forgetting_sources()
    plain = module_dir / "rss_plain_module.py"
    plain.write_text("VALUE = 1\n" * 1000)
    qt_user = module_dir / "rss_qt_module.py"
    qt_user.write_text("from PySide6.QtCore import QObject\n\n\nclass Thing(QObject):\n    pass\n")
    # An import statement: PySide6 hooks `__import__`, which importlib.import_module skips.
    names: dict[str, Any] = {}
    exec("import rss_plain_module, rss_qt_module", names)
    assert names["rss_plain_module"].VALUE == 1
    assert names["rss_qt_module"].Thing().objectName() == ""
    cached = {str(plain), str(qt_user)} & set(linecache.cache)
    assert cached == set()
    # PySide6's answer is its own: a module that uses it has its features (0), others none
    defaults = sys.modules["shibokensupport.feature"].pyside_feature_dict
    assert (defaults["rss_qt_module"], defaults["rss_plain_module"]) == (0, -1)
    # A traceback still shows the line: linecache reads the file again when asked.
    assert linecache.getline(str(plain), 3) == "VALUE = 1\n"


def test_wrapping_twice_keeps_one_wrapper() -> None:
    assert load_qt_forgetting_sources()
    check = sys.modules["shibokensupport.feature"]._mod_uses_pyside
    assert load_qt_forgetting_sources()
    assert sys.modules["shibokensupport.feature"]._mod_uses_pyside is check
