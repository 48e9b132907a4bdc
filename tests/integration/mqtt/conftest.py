"""Fixtures of the tag bus tests: headless engines (real subprocesses), free ports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from panel.util.ports import ephemeral_port
from tests.integration.engine.conftest import start_engine
from tests.integration.mqtt.brokers import USER, Bus, Mosquitto

__all__ = ["start_engine"]


@pytest.fixture
def modbus_port() -> int:
    """A port for the demo Modbus device (and the next one, unused)."""
    return ephemeral_port()


@pytest.fixture(params=["embedded", "mosquitto"])
def bus(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Bus]:
    """The bus of the test's workspace: the embedded broker, or a real mosquitto."""
    if request.param == "embedded":
        yield Bus("embedded", {"embedded": True})
        return
    broker = Mosquitto(tmp_path / "mosquitto")  # skips without mosquitto installed
    broker.start()
    section = {
        "url": f"mqtt://127.0.0.1:{broker.port}",
        "username": USER,
        "passwordFile": "mqtt.password",
    }
    try:
        yield Bus("mosquitto", section, broker)
    finally:
        broker.stop()
