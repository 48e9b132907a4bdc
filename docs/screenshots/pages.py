"""Re-make the README's and the AppStream metainfo's page screenshots from the real window.

    python docs/screenshots/pages.py [OUT_DIR]

Starts one demo engine (`opspanel --headless --demo`) on a fresh workspace in a
temporary folder and a virtual X screen (Xvfb, when no DISPLAY is set), then, for
English and Korean in the light and the dark scheme, a window attached to that
engine on the X screen: it runs a demo job, waits for live figures, visits the
pages and saves what the X server shows of the window (PNG) into OUT_DIR
(default: this folder) as `<page>-<language>-<scheme>.png`. Every page is made in
English and light; the Overview and Connections in all four variants. Nothing of
the user's own settings is read or written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SIZE = (1400, 900)
STARTUP_S = 60.0
EVERY_PAGE = ("overview", "server", "services", "logs", "connections", "jobs")
VARIANT_PAGES = ("overview", "connections")
VARIANTS = (("en", "light"), ("en", "dark"), ("ko", "light"), ("ko", "dark"))
LOCALES = {"en": "en_US", "ko": "ko_KR"}


@contextmanager
def x_screen() -> Iterator[str]:
    """The X display to draw on: $DISPLAY, or a new Xvfb of SIZE for as long as needed."""
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    if shutil.which("Xvfb") is None:
        raise SystemExit("pages.py: needs Xvfb (Debian package xvfb) or a DISPLAY")
    read, write = os.pipe()
    geometry = "1920x1080x24"
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", geometry, "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as answer:
        number = answer.readline().strip()
    try:
        if not number:
            raise SystemExit("pages.py: Xvfb did not start")
        yield f":{number}"
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=30)


def start_engine(workspace: Path, log: Path) -> subprocess.Popen[bytes]:
    """A headless demo engine on `workspace`, once its api.json is written."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "panel", "--headless", "--demo", "--workspace", str(workspace)],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    deadline = time.monotonic() + STARTUP_S
    while not (workspace / "api.json").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"pages.py: the engine on {workspace} did not start; see {log}")
        time.sleep(0.05)
    return proc


def main() -> int:
    fonts = subprocess.run(["fc-list", ":lang=ko"], capture_output=True, text=True).stdout
    if not fonts.strip():
        raise SystemExit("pages.py: needs a Korean font (Debian package fonts-noto-cjk)")
    out = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else Path(__file__).resolve().parent
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="opspanel-pages-"))
    engine = start_engine(tmp / "plant", tmp / "engine.log")
    try:
        with x_screen() as display:
            for language, scheme in VARIANTS:
                env = os.environ | {
                    "DISPLAY": display,
                    "QT_QPA_PLATFORM": "xcb",
                    "OPSPANEL_LANG": LOCALES[language],
                    "LANG": f"{LOCALES[language]}.UTF-8",
                }
                argv = [sys.executable, __file__, "--variant", language, scheme]
                argv += [str(tmp / "plant"), str(out), str(tmp / f"settings-{language}-{scheme}")]
                subprocess.run(argv, env=env, check=True, cwd=ROOT)
    finally:
        engine.terminate()
        engine.wait(timeout=60)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def wait(condition: Callable[[], object], what: str, timeout: float = 60) -> None:
    """Run the Qt event loop until `condition()` holds (bounded)."""
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"pages.py: timed out waiting for {what}")
        QApplication.processEvents()
        time.sleep(0.02)


def settle(seconds: float) -> None:
    """Let the window draw live data for a while (figures, sparklines, a trend)."""
    end = time.monotonic() + seconds
    wait(lambda: time.monotonic() > end, "the window to draw", seconds + 5)


def variant(language: str, scheme: str, workspace: Path, out: Path, settings: Path) -> int:
    """One window attached to the engine on `workspace`, its pages saved into `out`."""
    from PySide6.QtCore import QPoint, QRect, QSettings, QSize, Qt
    from PySide6.QtGui import QGuiApplication

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(settings))
    from panel.app import _install_translator, _make_application
    from panel.connections.status import ConnState
    from panel.server.status import ServerStatus
    from panel.viewmodels.models import remote_models
    from panel.viewmodels.remote.endpoint import workspace_endpoint
    from panel.viewmodels.remote.link import RemoteLink
    from panel.views.main_window import MainWindow
    from panel.views.theme import apply_color_scheme

    app = _make_application(headless=False)
    _install_translator(app)
    apply_color_scheme(scheme)
    link = RemoteLink(workspace_endpoint(workspace))
    window = MainWindow(remote_models(link), None)
    window.setGeometry(QRect(QPoint(0, 0), QSize(*SIZE)))
    link.open()
    window.show()
    models = window.models
    wait(models.engine.reachable, "the window to attach")
    wait(lambda: models.server.snapshot().status == ServerStatus.RUNNING, "the server")
    wait(
        lambda: all(s.state == ConnState.CONNECTED for s in models.connections.snapshots()),
        "the connections",
    )
    models.jobs.run_job("archive-logs", {}, False, True, lambda run, error: None)
    wait(lambda: models.jobs.dashboard().success >= 1, "a job run")
    settle(4.0)
    pages = EVERY_PAGE if (language, scheme) == ("en", "light") else VARIANT_PAGES
    keys = [
        window.sidebar.item(row).data(Qt.ItemDataRole.UserRole)
        for row in range(window.sidebar.count())
    ]
    screen = QGuiApplication.primaryScreen()
    for page in pages:
        if page not in keys:
            continue
        window.sidebar.setCurrentRow(keys.index(page))
        settle(1.5)
        path = out / f"{page}-{language}-{scheme}.png"
        screen.grabWindow(window.winId()).save(str(path), "PNG")
        print(f"{path.name} ({path.stat().st_size // 1024} kB)")
    link.close()
    window.allow_close()
    window.close()
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--variant"]:
        lang, scheme_name, ws, out_dir, settings_dir = sys.argv[2:7]
        raise SystemExit(variant(lang, scheme_name, Path(ws), Path(out_dir), Path(settings_dir)))
    raise SystemExit(main())
