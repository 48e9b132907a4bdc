"""Re-make the README's "Many engines" screenshots: two headless engines, one window.

    python docs/screenshots/make.py [OUT_DIR]

Starts two demo engines (`opspanel --headless --demo`) on fresh workspaces in a
temporary folder, attaches a window to the first, adds the second in File ›
Engines, fails one job on it, and saves offscreen renderings (PNG) of the
window's Overview, the Engines list and the All engines view into OUT_DIR
(default: this folder). Nothing of the user's own settings is read or written.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

STARTUP_S = 60.0


def wait(
    app: QApplication, condition: Callable[[], object], what: str, timeout: float = 60
) -> None:
    """Run the event loop until `condition()` holds (bounded)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"make.py: timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.02)


def start_engine(workspace: Path, log: Path) -> subprocess.Popen[bytes]:
    """A headless demo engine on `workspace`, once its api.json is written."""
    out = log.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "panel", "--headless", "--demo", "--workspace", str(workspace)],
        stdout=out,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    deadline = time.monotonic() + STARTUP_S
    while not (workspace / "api.json").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"make.py: the engine on {workspace} did not start; see {log}")
        time.sleep(0.05)
    return proc


def save(widget: QWidget, path: Path) -> None:
    """Render `widget` as it is on screen into a PNG."""
    widget.grab().save(str(path), "PNG")
    print(f"{path} ({path.stat().st_size // 1024} kB)")


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="opspanel-shots-"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp / "settings"))
    app = QApplication([sys.argv[0]])
    app.setOrganizationName("OpsPanel")
    app.setApplicationName("OpsPanel")
    QApplication.setStyle("Fusion")
    engines: list[subprocess.Popen[bytes]] = []

    def start(name: str) -> Path:
        engines.append(start_engine(tmp / name, tmp / f"{name}.log"))
        return tmp / name

    try:
        make(app, start, out)
    finally:
        for proc in engines:
            proc.terminate()
        for proc in engines:
            proc.wait(timeout=30)
    return 0


FAILING_JOB = {
    "id": "check-sensors",
    "name": "Check sensors",
    "category": "maintenance",
    "command": ["{python}", "-c", "raise SystemExit('sensor 7 does not answer')"],
}


def make(app: QApplication, start: Callable[[str], Path], out: Path) -> None:
    """The three screenshots, A's engine started first, then B's."""
    from panel.connections.status import ConnState
    from panel.server.status import ServerStatus
    from panel.viewmodels.engines.registry import EngineRegistry
    from panel.viewmodels.models import remote_models
    from panel.viewmodels.remote.endpoint import workspace_endpoint
    from panel.viewmodels.remote.link import RemoteLink
    from panel.views.engine_windows import engine_windows
    from panel.views.engines_dialog import engines_dialog_for
    from panel.views.main_window import MainWindow

    line_a = start("line-a")
    link = RemoteLink(workspace_endpoint(line_a))
    window = MainWindow(remote_models(link), None)
    window.resize(1100, 720)
    link.open()
    window.show()
    models = window.models
    wait(app, models.engine.reachable, "the window to attach")
    wait(app, lambda: models.server.snapshot().status == ServerStatus.RUNNING, "A's server")
    connected = [ConnState.CONNECTED] * 2
    wait(app, lambda: [s.state for s in models.connections.snapshots()] == connected, "A's links")
    ran: list[object] = []
    models.jobs.run_job("archive-logs", {}, False, True, lambda r, e: ran.append(e))
    wait(app, lambda: models.jobs.dashboard().success >= 1, "A's job run")
    stats: list[object] = []
    models.engine.sig_stats.connect(stats.append)  # one a second: a few for the sparklines
    wait(app, lambda: len(stats) >= 4, "a few resource samples")
    save(window, out / "overview-attached.png")

    # B's demo devices take free ports once A's listen: so B starts now.
    line_b = start("line-b")
    registry = EngineRegistry(line_a)
    registry.rename(registry.entries()[0].key, "Line A (this computer)")
    registry.add("Line B", str(line_b))
    other = registry.entries()[1].key
    dialog = engines_dialog_for(window, registry)
    dialog.resize(860, 210)
    dialog.show()
    dialog.select(other)
    dialog.open_selected()
    [window_b] = engine_windows().windows()
    b = window_b.models
    wait(app, b.engine.reachable, "a window on B")
    # On B: a job that fails, from a watched jobs file (an import would end B's demo devices).
    from panel.demo.config import demo_jobs

    jobs_file = line_b.parent / "line-b-jobs.json"
    jobs_file.write_text(json.dumps([*demo_jobs(), FAILING_JOB]))
    b.jobs.set_watch_file(str(jobs_file))
    wait(app, lambda: b.jobs.job("check-sensors") is not None, "B's jobs")
    for job in ("archive-logs", "check-sensors"):
        b.jobs.run_job(job, {}, False, True, lambda r, e: None)
    # B's demo server wants A's port: it takes the free one it is offered, then is stopped.
    wait(app, lambda: b.server.snapshot().conflict is not None, "B's port conflict")
    conflict = b.server.snapshot().conflict
    assert conflict is not None
    b.server.use_port(conflict.suggested_port or 0)
    wait(app, lambda: b.server.snapshot().status == ServerStatus.RUNNING, "B's server")
    b.server.stop()
    wait(app, lambda: [s.state for s in b.connections.snapshots()] == connected, "B's links")
    board = dialog.board

    def b_settled() -> bool:
        health = board.health(other)
        figures = health.jobs
        return (
            figures is not None
            and figures.failed == 1
            and figures.success == 1
            and health.server is not None
            and health.server.status == ServerStatus.STOPPED
            and list(health.connections) == connected
        )

    wait(app, b_settled, "B's figures", 60)
    engine_windows().close_all()
    dialog.list.clearSelection()
    app.processEvents()
    save(dialog, out / "engines.png")
    dialog.tabs.setCurrentWidget(dialog.all_view)
    app.processEvents()
    save(dialog, out / "all-engines.png")
    dialog.close()
    link.close()
    window.allow_close()
    window.close()


if __name__ == "__main__":
    raise SystemExit(main())
