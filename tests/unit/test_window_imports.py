"""The window's first frame does not wait for the modules only other pages need.

Importing the main window module must not import the pages after the Overview
(they are made on first visit), their charts and graph, nor the drivers and
job engine, which the window never needs in its own process. And what the
application imports before its window (the engine, the window, the version)
leaves out the API, which starts after the first frame, and the MQTT client,
which loads with the first connection to a broker.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

LATER = [
    "panel.views.server_view",
    "panel.views.logs_view",
    "panel.views.connections_view",
    "panel.views.trend_chart",
    "panel.views.jobs_view",
    "panel.views.job_graph",
    "panel.views.jobs_history",
    "panel.views.sessions_view",
    "panel.views.server_settings_dialog",
    "pyqtgraph",
    "numpy",
    "asyncua",
    "pymodbus",
    "jsonschema",
    "panel.jobs.engine",
]

AFTER_THE_WINDOW = [
    "panel.api.server",
    "panel.api.conns_methods",
    "websockets",
    "h11",
    "paho",
    "importlib.metadata",
]

PROBE = """
import json, sys
{imports}
print(json.dumps(sorted(sys.modules)))
"""


def _loaded_by(imports: str) -> set[str]:
    """The modules a fresh interpreter has loaded after `imports`."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(imports=imports)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(json.loads(out))


def test_the_main_window_module_imports_no_page_but_the_overview() -> None:
    loaded = _loaded_by("import panel.views.main_window")
    assert "panel.views.overview_view" in loaded  # the probe did import the window
    assert sorted(loaded.intersection(LATER)) == []


def test_the_application_loads_no_api_nor_mqtt_client_before_its_window() -> None:
    loaded = _loaded_by("import panel, panel.app, panel.views.main_window; panel.__version__")
    assert "panel.engine" in loaded  # the engine itself comes first: the window shows it
    engine_parts = {"panel.jobs.engine"}  # the embedded engine's own
    assert sorted(loaded.intersection(set(LATER + AFTER_THE_WINDOW) - engine_parts)) == []
