"""Log levels and how they are read out of a child's output lines.

Recognised forms (the first one found on a line wins):

- Python logging's usual format: ``2024-05-01 12:00:00,123 - name - ERROR - message``
  (the level between `` - `` separators anywhere on the line);
- logging's ``basicConfig`` default and uvicorn: ``ERROR:name:message``,
  ``INFO:     Uvicorn running on ...`` (the level word at the start, then ``:``);
- bracketed levels as gunicorn and structlog print them: ``[2024-...] [42] [INFO] ...``,
  ``[warning  ] ...``;
- JSON lines: ``{"level": "warning", ...}``, also with the key ``levelname`` or ``severity``.

A line with no recognisable level gets a default chosen by its stream: lines on
**stderr** default to ``WARNING`` (stderr is the diagnostic stream: an uncaught
traceback or a ``warnings`` message lands there, and a "Warning and above" filter
must still show a crash), every other stream defaults to ``NONE``.

Parsing is done per chunk, not per line: one regex scan over many lines finds the
level words, and only the lines holding one cost any Python work. The log hub
does it lazily (only for lines whose level is asked for: shown rows, a level
filter), so the flood of lines from a pipe pays nothing for it.
"""

from __future__ import annotations

import re
from enum import IntEnum


class LogLevel(IntEnum):
    """Severity of a log line; the values follow Python's `logging` numbers."""

    NONE = 0
    DEBUG = 10
    INFO = 20
    WARNING = 30
    ERROR = 40
    CRITICAL = 50


_WORDS: dict[str, LogLevel] = {
    "trace": LogLevel.DEBUG,
    "debug": LogLevel.DEBUG,
    "info": LogLevel.INFO,
    "information": LogLevel.INFO,
    "notice": LogLevel.INFO,
    "warn": LogLevel.WARNING,
    "warning": LogLevel.WARNING,
    "error": LogLevel.ERROR,
    "err": LogLevel.ERROR,
    "critical": LogLevel.CRITICAL,
    "fatal": LogLevel.CRITICAL,
    "crit": LogLevel.CRITICAL,
    "alert": LogLevel.CRITICAL,
    "emergency": LogLevel.CRITICAL,
}

# Candidates only: a pure alternation of literals lets the regex engine skip fast
# over plain text. The context of each candidate is checked in `_accept`.
_FIND = re.compile(
    r"WARNING|WARN|ERROR|INFO|DEBUG|CRITICAL|FATAL"
    r"|\[warning|\[warn|\[error|\[info|\[debug|\[critical|\[fatal"
    r'|"levelname|"level|"severity'
)
_JSON_VALUE = re.compile(r'"\s*:\s*"([A-Za-z]+)"')
_BRACKET_END = re.compile(r"\s*\]")


def level_from_word(word: str) -> LogLevel:
    """The level a word such as ``"warning"`` or ``"ERROR"`` names; NONE if unknown."""
    return _WORDS.get(word.lower(), LogLevel.NONE)


def default_level(stream: str) -> LogLevel:
    """The level given to a line on `stream` that names no level of its own."""
    return LogLevel.WARNING if stream == "stderr" else LogLevel.NONE


def _accept(text: str, start: int, end: int) -> LogLevel:
    """The level named by the candidate `text[start:end]`, or NONE when its context does not fit."""
    first = text[start]
    if first == '"':
        value = _JSON_VALUE.match(text, end)
        return level_from_word(value.group(1)) if value else LogLevel.NONE
    if first == "[":
        ok = _BRACKET_END.match(text, end) is not None
        return _WORDS[text[start + 1 : end]] if ok else LogLevel.NONE
    before = text[start - 1] if start else "\n"
    after = text[end : end + 3]
    if before == "\n":
        ok = after[:1] == ":"  # ``LEVEL:...`` at the start of a line
    elif before == "[":
        ok = _BRACKET_END.match(text, end) is not None  # ``[LEVEL]``
    else:
        ok = after == " - " and text[start - 3 : start] == " - "  # `` - LEVEL - ``
    return _WORDS[text[start:end].lower()] if ok else LogLevel.NONE


def parse_level(line: str, default: LogLevel = LogLevel.NONE) -> LogLevel:
    """The level of a single line (see the module docstring), or `default`."""
    levels = chunk_levels(line + "\n", 1, default)
    return LogLevel(levels[0])


def chunk_levels(text: str, count: int, default: LogLevel = LogLevel.NONE) -> bytes:
    """One level byte per line of `text`, which holds `count` lines ending in ``\\n``.

    The whole chunk is scanned at once; lines without a level get `default`.
    """
    out = bytearray((default,)) * count
    line = 0
    pos = 0
    last_line = -1
    for match in _FIND.finditer(text):
        start, end = match.span()
        line += text.count("\n", pos, start)
        pos = start
        if line == last_line:
            continue
        level = _accept(text, start, end)
        if level:
            out[line] = level
            last_line = line
    return bytes(out)
