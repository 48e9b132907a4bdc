"""The worker reads one command per line, from its pipe or its socket, the same way."""

from __future__ import annotations

from panel.connections.worker.protocol import parse_command


def test_a_command_line_is_an_object_with_a_cmd_string() -> None:
    assert parse_command(b'{"cmd": "reload"}\r') == ({"cmd": "reload"}, None)
    assert parse_command(b"   ") == (None, None)


def test_a_bad_line_is_named_and_carries_no_command() -> None:
    command, problem = parse_command(b"{not json")
    assert command is None and problem is not None and problem.startswith("not JSON: ")
    assert parse_command(b'["cmd"]') == (None, 'a command is an object with a "cmd" string')
    assert parse_command(b'{"cmd": 3}') == (None, 'a command is an object with a "cmd" string')
