"""Fixtures for connection-worker tests: a Modbus simulator, fault proxies, worker processes."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fault_proxy import FaultProxy
from modbus_sim import ModbusSim
from workerproc import WorkerProc


@pytest.fixture
def modbus_sim(free_port: int) -> Iterator[ModbusSim]:
    """A Modbus TCP simulator serving on a free port of 127.0.0.1."""
    sim = ModbusSim(free_port).start()
    yield sim
    sim.close()


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[..., WorkerProc]]:
    """Start worker processes on config dicts; every one is stopped at the end."""
    started: list[WorkerProc] = []

    def start(config: dict[str, Any] | None, *extra: str) -> WorkerProc:
        worker = WorkerProc(config, tmp_path, *extra)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.close()


@pytest.fixture
def fault_proxy() -> Iterator[Callable[[int, str], FaultProxy]]:
    """Start fault proxies (target port, "modbus" | "opcua"); every one is closed at the end."""
    started: list[FaultProxy] = []

    def start(target_port: int, protocol: str) -> FaultProxy:
        proxy = FaultProxy(target_port, protocol).start()
        started.append(proxy)
        return proxy

    yield start
    for proxy in started:
        proxy.close()
