"""The workspace's `mqtt` section: checked with paths, exported and imported as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from panel.mqtt.settings import MqttSettings, check_mqtt
from panel.workspace.errors import ConfigError
from panel.workspace.server_config import demo_server_config
from panel.workspace.transfer import check_config, export_config, import_config
from panel.workspace.workspace import Workspace

CHECKS = {"mqtt": check_mqtt}


def document(mqtt: object) -> dict[str, object]:
    return {"version": 1, "server": demo_server_config().to_json(), "mqtt": mqtt}


def test_bad_fields_are_named_by_their_json_path() -> None:
    bad = {"url": "http://broker:1883", "qos": 2, "retian": True, "baseTopic": "a/#"}
    problems = dict(check_config(document(bad), CHECKS))
    assert problems["$.mqtt.url"] == (
        '"http://broker:1883" is not an mqtt://host:port or mqtts://host:port URL'
    )
    assert problems["$.mqtt.qos"] == "2 is not one of 0, 1"
    assert problems["$.mqtt.retian"] == "unknown field; did you mean 'retain'?"
    assert "no + or #" in problems["$.mqtt.baseTopic"]


def test_a_password_file_needs_a_user_name() -> None:
    problems = check_config(document({"url": "mqtt://h:1883", "passwordFile": "pw"}), CHECKS)
    assert problems == [("$.mqtt.username", "a passwordFile needs a username")]


def test_a_good_section_round_trips_through_export_and_import(tmp_path: Path) -> None:
    section = {
        "url": "mqtts://broker.example:8883",
        "username": "edge",
        "passwordFile": "secrets/mqtt.txt",
        "baseTopic": "plant/line1",
        "qos": 1,
        "retain": True,
        "writes": True,
        "blockMessages": True,
        "embedded": False,
        "deadband": {"demo-modbus/temperature": 0.5},
    }
    with Workspace.open(tmp_path / "ws") as ws:
        import_config(ws, document(section), CHECKS)
        assert export_config(ws)["mqtt"] == section
        import_config(ws, {"version": 1, "server": demo_server_config().to_json()}, CHECKS)
        assert "mqtt" not in export_config(ws)  # left out: no bus
        with pytest.raises(ConfigError) as refused:
            import_config(ws, document({"qos": "1"}), CHECKS)
        assert refused.value.problems == [("$.mqtt.qos", '"1" is not one of 0, 1')]


def test_defaults_name_the_workspace_and_use_the_embedded_broker() -> None:
    settings = MqttSettings.from_json({}, "plant a")
    assert settings.base_topic == "opspanel/plant a"
    assert settings.uses_embedded and settings.retain and not settings.writes
    assert settings.qos == 0 and not settings.block_messages


def test_a_first_run_workspace_has_the_embedded_bus(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "first", seed_demo=True) as ws:
        assert ws.config_object("mqtt") == {"embedded": True}
    with Workspace.open(tmp_path / "plain") as ws:
        assert ws.config_object("mqtt") is None
