"""Modules imported after Qt: PySide6 still looks at their source, and keeps none of it."""

from __future__ import annotations

import importlib
import linecache
import sys
from collections.abc import Iterator
from pathlib import Path

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
    assert importlib.import_module("rss_plain_module").VALUE == 1
    assert importlib.import_module("rss_qt_module").Thing().objectName() == ""
    cached = {str(plain), str(qt_user)} & set(linecache.cache)
    assert cached == set()
    # A traceback still shows the line: linecache reads the file again when asked.
    assert linecache.getline(str(plain), 3) == "VALUE = 1\n"


def test_wrapping_twice_keeps_one_wrapper() -> None:
    assert load_qt_forgetting_sources()
    check = sys.modules["shibokensupport.feature"]._mod_uses_pyside
    assert load_qt_forgetting_sources()
    assert sys.modules["shibokensupport.feature"]._mod_uses_pyside is check
