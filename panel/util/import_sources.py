"""Qt loaded without PySide6 keeping the source text of every module imported after it.

Once PySide6 is loaded, each later import asks its `__feature__` support whether the
new module mentions "PySide6", by reading the module's source with
`inspect.getsource`, and so through `linecache`, which keeps every line of every
file it read for the life of the process: about 4 MB of text for a headless
engine (312 files), freed into the allocator's pools too scattered to be given
back later. The question is still asked and answered the same way here; only
the lines read for it are forgotten at once, so they are reused by the next
import instead of held. `linecache` reads a file again when a traceback needs it.
"""

from __future__ import annotations

import linecache
import sys
from collections.abc import Callable
from typing import Any

_FEATURE = "shibokensupport.feature"
_CHECK = "_mod_uses_pyside"


def load_qt_forgetting_sources() -> bool:
    """Import PySide6.QtCore and make its import check forget what it read; True when
    the check was found and wrapped (or already was)."""
    import PySide6.QtCore  # noqa: F401  (loads the support modules)

    feature = sys.modules.get(_FEATURE)
    check = getattr(feature, _CHECK, None)
    if not callable(check):
        return False
    if not getattr(check, "forgets_sources", False):
        setattr(feature, _CHECK, _forgetting(check))
        linecache.clearcache()  # what it read while Qt itself was imported
    return True


def _forgetting(check: Callable[[Any], bool]) -> Callable[[Any], bool]:
    def uses_pyside(module: Any) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(".py"):
            # The same question ("does its source say PySide6?") asked of the file's
            # bytes: `inspect.getsource` decodes and splits every line of it first.
            try:
                with open(path, "rb") as source:
                    return b"PySide6" in source.read()
            except OSError:
                pass
        before = set(linecache.cache)
        try:
            return check(module)
        finally:
            for name in set(linecache.cache) - before:
                linecache.cache.pop(name, None)

    uses_pyside.forgets_sources = True  # type: ignore[attr-defined]
    return uses_pyside
