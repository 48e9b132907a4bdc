"""The window's first frame does not wait for the modules only the engine and pages need.

Importing the main window module must not import the pages (the Overview is made
with the engine's models, the others on first visit), their charts and graph, nor
the drivers and job engine, which the window never needs in its own process. And
what the application imports before its window leaves out the engine and the view
models (the window shows "Starting the engine…" first), the API, which starts
after them, and the MQTT client, which loads with the first connection to a broker.
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

FIRST_FRAME_LATER = [
    "PySide6.QtNetwork",
    "PySide6.QtSvg",
    "panel.views.link_banner",
    "panel.views.tray",
    "panel.views.icons",
    "panel.views.close_choice",
    "panel.views.state_colors",
    "panel.server.status",
    "panel.workspace.workspace",
    "asyncio",
    "json",
    "psutil",
    "panel.service.parser",
]
"""What the first frame waits for none of: the status bar's and banner's parts, the
tray, the icons, the local-socket module (the single-instance check uses the
standard library's), the workspace database, the configuration's JSON, the event loop,
the process figures (psutil: 20-30 ms to import) and the commands' parsers (a launch
with options only is read without them)."""

FIRST_FRAME = """
import tempfile
from pathlib import Path
import panel.cli
from panel import app
_, args = panel.cli._parse(["--workspace", tempfile.mkdtemp()])
assert args.command is None and args.workspace
qapp = app._make_application(False)
app._install_translator(qapp)
instance = app.SingleInstance(Path(tempfile.mkdtemp()) / "ws")
assert instance.claim()
window = app._show_first_frame(qapp, instance)
assert window.isVisible()
instance.release()
"""
"""`run_app` up to the first frame painted."""

PROBE = """
import sys
{imports}
modules = sorted(sys.modules)
import json
print(json.dumps(modules))
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


def test_the_main_window_module_imports_no_page() -> None:
    """Not even the Overview: it is made with the engine's models, after the first frame."""
    loaded = _loaded_by("import panel.views.main_window")
    assert "panel.views.main_window" in loaded  # the probe did import the window
    assert sorted(loaded.intersection([*LATER, "panel.views.overview_view"])) == []


def test_the_application_loads_neither_engine_nor_api_before_its_window() -> None:
    """The window shows "Starting the engine…" first: the engine's modules follow."""
    loaded = _loaded_by("import panel, panel.app, panel.views.main_window; panel.__version__")
    assert "panel.views.main_window" in loaded  # the probe did import the window
    engine = {"panel.engine", "panel.connections.manager", "panel.viewmodels.models"}
    assert sorted(loaded.intersection(set(LATER + AFTER_THE_WINDOW) | engine)) == []


def test_the_first_frame_loads_only_what_it_shows() -> None:
    """The single-instance claim, the theme and "Starting the engine…": nothing more."""
    loaded = _loaded_by(FIRST_FRAME)
    assert "panel.single_instance" in loaded and "panel.views.theme" in loaded
    assert sorted(loaded.intersection(FIRST_FRAME_LATER)) == []
