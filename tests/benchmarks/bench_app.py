"""Cold start and idle memory of the window, beside a bare PySide6 window in the same run.

Cold start, two ways, the two contenders taking turns (this machine swings 15 %
and more from one minute to the next):

- *first frame*: process start -> the window shown, as the process itself
  reports it (one event-loop turn after `show()`, OPSPANEL_REPORT_STARTUP=1),
  offscreen;
- *mapped*: `Popen` -> the X server mapping the window, under a private Xvfb,
  seen by an X client watching the root window (`xev`). Skipped without Xvfb.

The baseline is a bare QApplication showing a titled, resized QMainWindow,
started the same way (`python -c`). Both run with their bytecode compiled, as an
installed program does (the project's modules are compiled first).

`BENCH_APP_OTHER=DIR` adds a third contender taking the same turns: the window
of another source tree (DIR, say a checkout of main), for a before/after.

Idle memory: RSS, PSS and USS of the window's process alone (children excluded)
a few seconds after the window is up: with the server not started (beside the
bare window's), and with the full demo running (the embedded engine, its server,
the two demo devices and their connection workers).
"""

from __future__ import annotations

import compileall
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil

from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.workspace import Workspace

TRIALS = int(os.environ.get("BENCH_APP_TRIALS", "5"))
IDLE_SECONDS = 5.0
DEMO_IDLE_SECONDS = float(os.environ.get("BENCH_APP_DEMO_IDLE", "15"))
OTHER = os.environ.get("BENCH_APP_OTHER")
OTHER_WINDOW = (
    "import sys; sys.path.insert(0, {tree!r}); from panel.cli import main; sys.exit(main())"
)
SCREEN = "1400x900x24"
SHOWN = re.compile(r"window shown (\d+) ms")
ROOT = Path(__file__).resolve().parents[2]

BARE_WINDOW = """
import sys, time, psutil
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
w = QMainWindow(); w.setWindowTitle("bare"); w.resize(1000, 650); w.show()
def shown():
    ms = (time.time() - psutil.Process().create_time()) * 1000
    print(f"window shown {ms:.0f} ms", file=sys.stderr, flush=True)
QTimer.singleShot(0, shown)
app.exec()
"""


@dataclass
class Sample:
    """One launch: ms to the first frame (and to mapped, under X), idle memory in bytes."""

    shown_ms: float
    mapped_ms: float | None = None
    rss: int = 0
    pss: int = 0
    uss: int = 0
    children: int = 0


class XServer:
    """A private Xvfb and an `xev` on its root window: when each top-level window maps."""

    def __init__(self) -> None:
        read_fd, write_fd = os.pipe()
        self._xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", SCREEN, "-nolisten", "tcp"],
            pass_fds=(write_fd,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()  # written once the server accepts clients
        if not number:
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"
        self._maps: queue.Queue[float] = queue.Queue()
        # stdbuf: xev's stdout is a pipe, so it would otherwise be block-buffered.
        self._xev = subprocess.Popen(
            ["stdbuf", "-oL", "xev", "-display", self.display, "-root", "-event", "substructure"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._xev.stdout is not None
        mapping = False
        for line in self._xev.stdout:
            if line.startswith("MapNotify event"):
                mapping = True
            elif mapping:
                mapping = False
                if "override NO" in line:  # a top-level window, not a menu or tooltip
                    self._maps.put(time.monotonic())

    def drain(self) -> None:
        """Forget the maps seen so far (the previous launch's)."""
        while not self._maps.empty():
            self._maps.get_nowait()

    def next_map(self, timeout: float = 60.0) -> float:
        """The monotonic time of the next top-level window mapped."""
        return self._maps.get(timeout=timeout)

    def close(self) -> None:
        for proc in (self._xev, self._xvfb):
            proc.terminate()
            proc.wait(timeout=30)
        if self._xev.stdout is not None:
            self._xev.stdout.close()


def _memory(pid: int) -> tuple[int, int, int, int]:
    """(RSS, PSS, USS, number of children) of the process `pid`."""
    proc = psutil.Process(pid)
    info = proc.memory_full_info()
    return info.rss, info.pss, info.uss, len(proc.children(recursive=True))


def _launch(
    argv: list[str], env: dict[str, str], x: XServer | None = None, idle: float | None = None
) -> Sample:
    """One launch of `argv`: its figures; the process is then ended."""
    if x is not None:
        x.drain()
    started = time.monotonic()
    proc = subprocess.Popen(
        argv, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    assert proc.stderr is not None
    try:
        for line in proc.stderr:
            match = SHOWN.search(line)
            if match:
                sample = Sample(float(match.group(1)))
                break
        else:
            raise RuntimeError(f"{argv} never showed its window")
        threading.Thread(target=proc.stderr.read, daemon=True).start()  # never blocks it
        if x is not None:
            sample.mapped_ms = (x.next_map() - started) * 1000
        if idle is not None:
            time.sleep(idle)  # let it settle: this is the idle figure being measured
            sample.rss, sample.pss, sample.uss, sample.children = _memory(proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return sample


def _range(values: list[float], digits: int = 0) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
    }


def _ratios(ours: list[float], bare: list[float]) -> dict[str, float]:
    """Ours over the bare window: of the medians, and the range over the turns."""
    per_turn = [o / b for o, b in zip(ours, bare, strict=True)]
    return {
        "of_medians": round(statistics.median(ours) / statistics.median(bare), 2),
        "min": round(min(per_turn), 2),
        "max": round(max(per_turn), 2),
    }


def _mb(values: list[int]) -> dict[str, float]:
    return _range([v / 1e6 for v in values], 1)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "WAYLAND"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env | {"OPSPANEL_REPORT_STARTUP": "1"} | extra


def _home(home: Path) -> dict[str, str]:
    """A home of its own: the window's settings (geometry, theme) are not the user's."""
    config = str(home / "config")
    return {"HOME": str(home), "XDG_CONFIG_HOME": config, "XDG_RUNTIME_DIR": str(home)}


@contextmanager
def _workspace(demo: bool) -> Iterator[Path]:
    """A workspace: the demo's server not started, or (`demo`) a new one: the full demo."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        os.chmod(home, 0o700)
        ws_dir = home / "ws"
        if not demo:  # a first launch seeds the demo itself, devices and all
            with Workspace.open(ws_dir) as ws:
                data = demo_server_config().to_json() | {"autostart": False}
                ws.save_server_config(ServerConfig.from_json(data))
        yield ws_dir


def _cold_start(env: dict[str, str], x: XServer | None) -> dict[str, object]:
    samples: dict[str, list[Sample]] = {"bare": [], "opspanel": []}
    with _workspace(demo=False) as ws_dir:
        where = ["--workspace", str(ws_dir)]
        argvs = {
            "bare": [sys.executable, "-c", BARE_WINDOW],
            "opspanel": [sys.executable, "-m", "panel", *where],
        }
        if OTHER:
            compileall.compile_dir(Path(OTHER) / "panel", quiet=1)
            argvs["other"] = [sys.executable, "-c", OTHER_WINDOW.format(tree=OTHER), *where]
            samples["other"] = []
        env = env | _home(ws_dir.parent)
        idle = None if x is not None else IDLE_SECONDS
        for _ in range(TRIALS):  # in turns, so all see the same machine
            for name, argv in argvs.items():
                samples[name].append(_launch(argv, env, x, idle))
    figures: dict[str, object] = {}
    keys = ["shown_ms"] + (["mapped_ms"] if x is not None else [])
    for key in keys:
        values = {name: [float(getattr(s, key)) for s in got] for name, got in samples.items()}
        entry: dict[str, object] = {name: _range(v) for name, v in values.items()}
        entry["ratio"] = _ratios(values["opspanel"], values["bare"])
        if OTHER:
            entry["other_ratio"] = _ratios(values["other"], values["bare"])
        figures[key] = entry
    if x is None:
        for key in ("rss", "pss", "uss"):
            figures[f"idle_{key}_mb"] = {
                name: _mb([getattr(s, key) for s in got]) for name, got in samples.items()
            }
    return figures


def _full_demo(env: dict[str, str]) -> dict[str, object]:
    samples: list[Sample] = []
    for _ in range(max(1, TRIALS // 2)):
        with _workspace(demo=True) as ws_dir:
            panel = [sys.executable, "-m", "panel", "--workspace", str(ws_dir)]
            samples.append(_launch(panel, env | _home(ws_dir.parent), idle=DEMO_IDLE_SECONDS))
    return {
        "idle_seconds": DEMO_IDLE_SECONDS,
        "children": [s.children for s in samples],
        "rss_mb": _mb([s.rss for s in samples]),
        "pss_mb": _mb([s.pss for s in samples]),
        "uss_mb": _mb([s.uss for s in samples]),
    }


def _xcb_problem(env: dict[str, str]) -> str | None:
    """Why Qt's xcb platform does not load here (a missing libxcb-cursor0, say), or None."""
    probe = "from PySide6.QtWidgets import QApplication; QApplication([])"
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
    )
    if done.returncode == 0:
        return None
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    return lines[0] if lines else f"the xcb platform failed (exit {done.returncode})"


def run() -> dict[str, object]:
    compileall.compile_dir(ROOT / "panel", quiet=1)  # as installed: no compiling at start
    result: dict[str, object] = {"trials": TRIALS}
    result["offscreen"] = _cold_start(_env(QT_QPA_PLATFORM="offscreen"), None)
    if shutil.which("Xvfb") and shutil.which("xev") and shutil.which("stdbuf"):
        x = XServer()
        try:
            env = _env(QT_QPA_PLATFORM="xcb", DISPLAY=x.display)
            problem = _xcb_problem(env)
            result["xvfb"] = f"skipped: {problem}" if problem else _cold_start(env, x)
        finally:
            x.close()
    else:
        result["xvfb"] = "skipped: needs xvfb and x11-utils (xev)"
    result["full_demo"] = _full_demo(_env(QT_QPA_PLATFORM="offscreen"))
    result["goals"] = {"cold_start_ratio": 1.2, "idle_rss_mb_full_demo": 150}
    return result
