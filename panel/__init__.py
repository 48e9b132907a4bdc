"""OpsPanel: a desktop control panel for the Python back end on your machine."""

from __future__ import annotations

__all__ = ["__version__"]

DIST_NAME = "opspanel"


def __getattr__(name: str) -> str:
    """`__version__`, read from the package metadata on first use: importlib.metadata
    costs every process that never asks (the connection workers, the reaper) ~3 MB,
    and the window's start ~15 ms, so its METADATA file is read directly when found."""
    if name != "__version__":
        raise AttributeError(f"module 'panel' has no attribute {name!r}")
    found = _version_from_dist_info()
    if found is None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            found = version(DIST_NAME)
        except PackageNotFoundError:  # running from a source tree that was never installed
            found = "0.0.0+source"
    globals()["__version__"] = found
    return found


def _version_from_dist_info() -> str | None:
    """The `Version:` of the first ``opspanel-*.dist-info`` on `sys.path` (where
    importlib.metadata looks first too); None when there is none to read."""
    import os
    import sys

    for entry in sys.path:
        folder = entry or "."
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for dist in names:
            if dist.endswith(".dist-info") and dist.split("-")[0].lower() == DIST_NAME:
                return _metadata_version(os.path.join(folder, dist, "METADATA"))
    return None


def _metadata_version(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as metadata:
            for line in metadata:
                if line.startswith("Version:"):
                    return line.partition(":")[2].strip()
                if not line.strip():
                    break  # the headers ended: the body is the description
    except OSError:
        pass
    return None
