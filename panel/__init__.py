"""OpsPanel: a desktop control panel for the Python back end on your machine."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("opspanel")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

__all__ = ["__version__"]
