"""A job engine on a real workspace, running real child processes."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from panel.jobs.clock import Clock
from panel.jobs.engine import JobEngine
from panel.logs.hub import LogHub
from panel.workspace.workspace import Workspace

PY = sys.executable


def py(code: str) -> list[str]:
    """argv running inline Python code."""
    return [PY, "-c", code]


def stamp(path: Path, label: str, code: str = "") -> list[str]:
    """argv that appends `label start end` wall times to `path` around `code`."""
    return py(
        "import time,sys\n"
        "t0=time.time()\n"
        f"{code}\n"
        f"open({str(path)!r},'a').write(f'{label} {{t0}} {{time.time()}}\\n')"
    )


class Jobs:
    """Builds a JobEngine with given job definitions; cleans up at the end."""

    def __init__(self, qtbot: Any, root: Path) -> None:
        self.qtbot = qtbot
        self.root = root
        self.engines: list[tuple[JobEngine, LogHub, Workspace]] = []

    def engine(
        self, jobs: list[dict[str, Any]], clock: Clock | None = None, **kwargs: Any
    ) -> JobEngine:
        ws = Workspace.open(self.root / "ws")
        hub = LogHub(ws.logs_dir)
        engine = JobEngine(ws, hub, clock=clock, **kwargs)
        engine.save_jobs(jobs)
        self.engines.append((engine, hub, ws))
        engine.start()
        return engine

    def wait_final(self, engine: JobEngine, run_id: int, timeout_ms: int = 15_000) -> Any:
        """Wait until run `run_id` is final in the history; return its row."""

        def final() -> bool:
            row = engine.store.run(run_id)
            return row is not None and row["status"] in FINAL and run_id not in engine._runs

        self.qtbot.waitUntil(final, timeout=timeout_ms)
        return engine.store.run(run_id)  # type: ignore[return-value]

    def wait_idle(self, engine: JobEngine, timeout_ms: int = 15_000) -> None:
        self.qtbot.waitUntil(lambda: engine.is_idle, timeout=timeout_ms)

    def close(self) -> None:
        for engine, hub, ws in self.engines:
            if not engine.is_idle or engine._accepting:
                with self.qtbot.waitSignal(engine.sig_shutdown_finished, timeout=20_000):
                    engine.shutdown_grace_s = 0
                    engine.shutdown()
                    engine._stop_running()
            self.qtbot.waitUntil(lambda e=engine: e.notifier.pending == 0, timeout=10_000)
            engine.close()
            hub.close()
            ws.close()
            engine.deleteLater()
            hub.deleteLater()
        self.engines.clear()
        gc.collect()


FINAL = {"success", "failed", "timed_out", "cancelled", "skipped", "interrupted"}


@pytest.fixture
def jobs(qtbot: Any, tmp_path: Path) -> Iterator[Jobs]:
    """Job engines on a workspace in tmp_path, shut down and closed at the end."""
    helper = Jobs(qtbot, tmp_path)
    yield helper
    helper.close()


@pytest.fixture
def stamps(tmp_path: Path) -> Callable[[], dict[str, tuple[float, float]]]:
    """Read the stamp file written by `stamp(...)` children: label -> (start, end)."""
    path = tmp_path / "stamps.txt"

    def read() -> dict[str, tuple[float, float]]:
        if not path.exists():
            return {}
        out = {}
        for line in path.read_text().splitlines():
            label, start, end = line.split()
            out[label] = (float(start), float(end))
        return out

    read.path = path  # type: ignore[attr-defined]
    return read
