"""OpsPanel: a desktop control panel for the Python back end on your machine."""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    """`__version__`, read from the package metadata on first use: importlib.metadata
    costs every process that never asks (the connection workers, the reaper) ~3 MB."""
    if name != "__version__":
        raise AttributeError(f"module 'panel' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("opspanel")
    except PackageNotFoundError:  # running from a source tree that was never installed
        found = "0.0.0+source"
    globals()["__version__"] = found
    return found
