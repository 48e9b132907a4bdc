"""The bus over TLS (mqtts): a real mosquitto with its own certificate, trusted by `caFile`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.engine.conftest import HeadlessEngine, ctl
from tests.integration.mqtt.brokers import PASSWORD, USER, Mosquitto
from tests.integration.mqtt.bus import Subscriber, bus_workspace
from tests.remote_parts import Certificate, make_certificate
from tests.waiting import wait_for

BASE = "opspanel/ws"
CONN = f"{BASE}/demo-modbus"
TIMEOUT_S = 30.0


@pytest.fixture
def tls_broker(tmp_path: Path) -> Iterator[tuple[Mosquitto, Certificate]]:
    """A mosquitto whose only listener speaks TLS with a self-signed certificate."""
    cert = make_certificate(tmp_path, "broker")
    broker = Mosquitto(tmp_path / "mosquitto", tls=(cert.cert, cert.key))  # skips without it
    broker.start()
    try:
        yield broker, cert
    finally:
        broker.stop()


def _workspace(tmp_path: Path, modbus_port: int, port: int, ca: Path) -> Path:
    section = {
        "url": f"mqtts://127.0.0.1:{port}",
        "username": USER,
        "passwordFile": "mqtt.password",
        "caFile": "broker-ca.pem",
        "blockMessages": True,
    }
    ws = bus_workspace(tmp_path / "ws", modbus_port, section)
    (ws / "mqtt.password").write_text(PASSWORD + "\n")
    os.chmod(ws / "mqtt.password", 0o600)
    shutil.copy(ca, ws / "broker-ca.pem")
    return ws


def _status(ws: Path) -> dict[str, Any]:
    result = ctl(ws, "mqtt", "status", "--json")
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


def test_tags_go_over_tls_to_a_broker_trusted_by_its_ca_file(
    tmp_path: Path,
    start_engine: Callable[[Path], HeadlessEngine],
    modbus_port: int,
    tls_broker: tuple[Mosquitto, Certificate],
) -> None:
    broker, cert = tls_broker
    ws = _workspace(tmp_path, modbus_port, broker.port, cert.cert)
    start_engine(ws)
    sub = Subscriber("127.0.0.1", broker.port, USER, PASSWORD, ca_file=str(cert.cert))
    try:
        sub.subscribe(f"{BASE}/#")
        good = sub.wait(
            f"{CONN}/temperature",
            TIMEOUT_S,
            "a good temperature",
            lambda m: m.json()["quality"] == "good",
        )
        assert good.json()["unit"] == "°C"
        block = sub.wait(f"{CONN}/$block/process", TIMEOUT_S, "a block message").json()
        assert set(block["values"]) == {"temperature", "pressure", "counter", "setpoint"}
    finally:
        sub.close()

    def connected() -> dict[str, Any] | None:
        now = _status(ws)
        return now if now["connectedPublishers"] == 1 else None

    status = wait_for(connected, TIMEOUT_S, "the worker connected over TLS")
    assert status["engine"] == status["engine"] | {"state": "connected", "error": None}
    (publisher,) = status["publishers"]
    assert status["broker"]["url"] == f"mqtts://127.0.0.1:{broker.port}"
    assert publisher["state"] == "connected" and publisher["published"] > 0, publisher


def test_a_broker_certificate_not_trusted_is_refused_and_says_why(
    tmp_path: Path,
    start_engine: Callable[[Path], HeadlessEngine],
    modbus_port: int,
    tls_broker: tuple[Mosquitto, Certificate],
) -> None:
    broker, _ = tls_broker
    stranger = make_certificate(tmp_path, "stranger")  # not the broker's certificate
    ws = _workspace(tmp_path, modbus_port, broker.port, stranger.cert)
    start_engine(ws)

    def refused() -> dict[str, Any] | None:
        now = _status(ws)
        publishers = now["publishers"]
        if publishers and "certificate verify failed" in str(publishers[0].get("error")):
            return now
        return None

    status = wait_for(refused, TIMEOUT_S, "the worker refusing the broker's certificate")
    assert status["connectedPublishers"] == 0
    assert "certificate verify failed" in str(status["engine"].get("error")), status["engine"]
    text = ctl(ws, "mqtt", "status")
    assert "certificate verify failed" in text.stdout, text.stdout


def test_an_import_with_a_ca_file_but_no_tls_is_refused_naming_the_field(
    tmp_path: Path, modbus_port: int
) -> None:
    ws = bus_workspace(tmp_path / "ws", modbus_port, {"embedded": False})
    file = tmp_path / "config.json"
    panel = [sys.executable, "-m", "panel", "--workspace", str(ws)]
    exported = subprocess.run([*panel, "export", str(file)], capture_output=True, timeout=120)
    assert exported.returncode == 0, exported.stderr
    config = json.loads(file.read_text())
    config["mqtt"] = {"url": "mqtt://127.0.0.1:1883", "caFile": "ca.pem"}
    file.write_text(json.dumps(config))
    refused = subprocess.run(
        [*panel, "import", str(file)], capture_output=True, text=True, timeout=120
    )
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "$.mqtt.caFile" in refused.stderr and "mqtts://" in refused.stderr, refused.stderr
