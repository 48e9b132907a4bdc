"""Fixtures for tests of the built package: the bundle, and engines started from it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from pkgtools import STARTUP_S, BundledEngine, bundle_path

from tests.waiting import terminate_tree, wait_for_api_file


@pytest.fixture(scope="session")
def bundle() -> Path:
    """The bundle's executable; the session fails at once when it was never built."""
    path = bundle_path()
    if not path.exists():
        pytest.fail(f"{path} does not exist: run `make package` first", pytrace=False)
    return path


@pytest.fixture
def start_bundle(bundle: Path) -> Iterator[Callable[..., BundledEngine]]:
    """Start the bundle on a workspace; whatever is left at the end is killed, tree and all."""
    started: list[BundledEngine] = []

    def start(workspace: Path, *args: str, env: dict[str, str] | None = None) -> BundledEngine:
        log = (workspace.parent / f"engine-{len(started)}.log").open("wb")
        proc = subprocess.Popen(
            [str(bundle), "--workspace", str(workspace), *args],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        log.close()
        engine = BundledEngine(bundle, workspace, proc)
        started.append(engine)
        wait_for_api_file(workspace, proc, STARTUP_S)
        assert proc.poll() is None, (workspace.parent / "engine-0.log").read_text()
        return engine

    yield start
    for engine in started:
        terminate_tree(engine.proc)
