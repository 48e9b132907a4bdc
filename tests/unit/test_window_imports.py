"""The window's first frame does not wait for the modules only other pages need.

Importing the main window module must not import the pages after the Overview
(they are made on first visit), their charts and graph, nor the drivers and
job engine, which the window never needs in its own process.
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

PROBE = """
import json, sys
import panel.views.main_window
print(json.dumps(sorted(sys.modules)))
"""


def test_the_main_window_module_imports_no_page_but_the_overview() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    ).stdout
    loaded = set(json.loads(out))
    assert "panel.views.overview_view" in loaded  # the probe did import the window
    assert sorted(loaded.intersection(LATER)) == []
