"""Who made a configuration change: the `source` of a `SystemEvent`."""

from __future__ import annotations

WINDOW = "window"
"""An editor, button or CSV load in the window of the engine's own process."""

API = "api"
"""A `conns.*` call on the API (also `ctl conns add|update|remove` and attached windows)."""

IMPORT = "import"
"""A whole configuration imported (`opspanel import`, `config.import`)."""

CSV = "csv"
"""Connections loaded from CSV files (`opspanel conns load-csv`, `conns.loadCsv`)."""

WATCHER = "watcher"
"""A watched file changed (the jobs file watcher)."""
