"""System events: the topics outside tools subscribe to, and the JSON they receive."""

from __future__ import annotations

from panel.connections.events import SystemEvent


def test_each_kind_has_the_edge_designs_topic() -> None:
    assert SystemEvent("config_reload", "plc1", 1, "api").topic() == "system/plc1/config_reload"
    assert SystemEvent("conn_added", "plc1", 2, "api").topic() == "system/supervisor/conn_added"
    assert SystemEvent("conn_removed", "plc1", 3, "api").topic() == "system/supervisor/conn_removed"


def test_an_event_survives_the_trip_through_json() -> None:
    event = SystemEvent("config_reload", "plc1", 7, "import", change="blocks", ts=12.5)
    data = event.to_json()
    assert data == {
        "kind": "config_reload",
        "id": "plc1",
        "seq": 7,
        "source": "import",
        "change": "blocks",
        "ts": 12.5,
    }
    assert SystemEvent.from_json(data) == event
