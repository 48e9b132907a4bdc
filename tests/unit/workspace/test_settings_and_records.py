"""Key/value settings and the process records of the supervision core."""

from __future__ import annotations

from pathlib import Path

import pytest

from panel.workspace import RecordedProcess, Workspace
from panel.workspace.known_settings import DEFAULTS, LOG_RING_CAPACITY, flatten, nest
from panel.workspace.schema import workspace_schema


def test_settings_round_trip_json_values(ws: Workspace) -> None:
    assert ws.get_setting(LOG_RING_CAPACITY, DEFAULTS[LOG_RING_CAPACITY]) == 1_000_000
    assert ws.get_setting("missing") is None
    values = [5000, 1.5, "text", True, None, [1, "a"], {"nested": {"x": [1, 2]}}]
    for i, value in enumerate(values):
        ws.set_setting(f"k{i}", value)
    assert [ws.get_setting(f"k{i}", "default") for i in range(len(values))] == values
    ws.set_setting("k0", 6000)  # overwrite
    assert ws.get_setting("k0") == 6000
    ws.delete_setting("k0")
    assert ws.get_setting("k0", 1) == 1


def test_unencodable_setting_is_refused(ws: Workspace) -> None:
    with pytest.raises(TypeError):
        ws.set_setting("bad", object())
    with pytest.raises(ValueError):
        ws.set_setting("nan", float("nan"))
    assert ws.get_setting("bad") is None and ws.get_setting("nan") is None


def test_process_records_protocol(workspace_dir: Path) -> None:
    with Workspace.open(workspace_dir) as ws:
        assert ws.recorded() == []
        ws.record("server", 1001, 1700000000.125, 1001)
        ws.record("worker:plc1", 1002, 1700000001.5, 1002)
        ws.record("runner", 1003, 1700000002.0, 990)
        ws.forget(1002)
        ws.forget(99999)  # unknown pid: nothing to do
        assert ws.recorded() == [
            RecordedProcess("server", 1001, 1700000000.125, 1001),
            RecordedProcess("runner", 1003, 1700000002.0, 990),
        ]
        ws.record("server-again", 1001, 1700000009.0, 1001)  # the pid was reused
    with Workspace.open(workspace_dir) as again:  # the records survive the panel
        assert again.recorded() == [
            RecordedProcess("server-again", 1001, 1700000009.0, 1001),
            RecordedProcess("runner", 1003, 1700000002.0, 990),
        ]


def test_known_settings_match_the_schema() -> None:
    areas = workspace_schema()["$defs"]["settings"]["properties"]
    in_schema = {
        f"{area}.{name}": spec["default"]
        for area, block in areas.items()
        for name, spec in block["properties"].items()
    }
    assert in_schema == DEFAULTS
    assert flatten(nest(dict(DEFAULTS))) == DEFAULTS
    assert nest({"logs.backups": 2, "unknown.key": 1}) == {"logs": {"backups": 2}}
