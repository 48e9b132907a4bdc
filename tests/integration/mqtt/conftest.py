"""Fixtures of the tag bus tests: headless engines (real subprocesses), free ports."""

from __future__ import annotations

import pytest

from panel.util.ports import ephemeral_port
from tests.integration.engine.conftest import start_engine

__all__ = ["start_engine"]


@pytest.fixture
def modbus_port() -> int:
    """A port for the demo Modbus device (and the next one, unused)."""
    return ephemeral_port()
