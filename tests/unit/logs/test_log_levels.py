"""Level parsing: each recognised format, defaults by stream, chunk scanning."""

from __future__ import annotations

import pytest

from panel.logs.levels import LogLevel, chunk_levels, default_level, level_from_word, parse_level


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("2024-05-01 12:00:00,123 - app.db - ERROR - connection lost", LogLevel.ERROR),
        ("2024-05-01 12:00:00,123 - app - WARNING - slow", LogLevel.WARNING),
        ("2024-05-01 12:00:00,123 - app - DEBUG - x", LogLevel.DEBUG),
        ("ERROR:root:boom", LogLevel.ERROR),
        ("CRITICAL:app.x:disk full", LogLevel.CRITICAL),
        ("WARNING:py.warnings:deprecated", LogLevel.WARNING),
        ("INFO:     Uvicorn running on http://127.0.0.1:8000", LogLevel.INFO),
        ("ERROR:    Exception in ASGI application", LogLevel.ERROR),
        ("[2024-05-01 12:00:00 +0000] [42] [INFO] Starting gunicorn 22.0", LogLevel.INFO),
        ("2024-05-01 12:00:00 [warning  ] cache miss", LogLevel.WARNING),
        ('{"level": "warning", "msg": "x"}', LogLevel.WARNING),
        ('{"levelname": "ERROR", "message": "y"}', LogLevel.ERROR),
        ('{"severity":"critical"}', LogLevel.CRITICAL),
        ('{"ts": 1, "level": "fatal"}', LogLevel.CRITICAL),
        ('{"level": "debug"}', LogLevel.DEBUG),
    ],
)
def test_recognised_formats(line: str, level: LogLevel) -> None:
    assert parse_level(line) is level


@pytest.mark.parametrize(
    "line",
    [
        "plain text",
        "the INFO word inside a sentence",
        "INFORMATION: not a level",
        "ERRORS: 3",
        "x - ERRORless - y",
        "no [warnings] here",
        "",
    ],
)
def test_unrecognised_lines_get_the_default(line: str) -> None:
    assert parse_level(line) is LogLevel.NONE
    assert parse_level(line, LogLevel.WARNING) is LogLevel.WARNING


def test_first_level_on_a_line_wins() -> None:
    assert parse_level("WARNING:x:message - ERROR - y") is LogLevel.WARNING


def test_stderr_defaults_to_warning() -> None:
    assert default_level("stderr") is LogLevel.WARNING
    assert default_level("stdout") is LogLevel.NONE


def test_words() -> None:
    assert level_from_word("warn") is LogLevel.WARNING
    assert level_from_word("Fatal") is LogLevel.CRITICAL
    assert level_from_word("nonsense") is LogLevel.NONE


def test_chunk_levels_maps_each_line() -> None:
    lines = [
        "plain",
        "INFO:     up",
        "2024 - a - ERROR - b",
        "more plain INFO",
        '{"level": "debug"}',
        "ERROR:x:y  and ERROR:again",
    ]
    text = "\n".join(lines) + "\n"
    levels = chunk_levels(text, len(lines), LogLevel.NONE)
    assert list(levels) == [0, 20, 40, 0, 10, 40]


def test_levels_are_ordered_like_logging() -> None:
    import logging

    assert LogLevel.ERROR == logging.ERROR
    assert LogLevel.NONE < LogLevel.DEBUG < LogLevel.INFO < LogLevel.WARNING
