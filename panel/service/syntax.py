"""systemd's unit-file syntax for command lines: quoting an argv, and reading one back.

`quote_arg` writes a word that systemd reads back as exactly that string: double quotes
around anything but plain characters, ``\\`` and ``"`` escaped with a backslash, ``%``
(specifiers) written ``%%`` and ``$`` (environment variables) written ``$$``. The
executable, the first word, is different (checked with `systemd-analyze verify`): systemd
expands no variables in it (a ``$`` stays one) and refuses quotes and backslashes in it.
`split_command_line` reads what `command_line` writes (and the common unquoted forms)
back into an argv, the way systemd does for `ExecStart=`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

PLAIN = re.compile(r"[A-Za-z0-9_@+=:,./-]+")
"""Words that need no quotes (beyond doubling % and $, which these do not contain)."""

_ESCAPES = {"\\": "\\", '"': '"', "'": "'", "n": "\n", "t": "\t", "s": " "}


class UnitSyntaxError(ValueError):
    """A string systemd cannot take as a word of a unit file, or a line this module cannot read."""


def check_arg(arg: str) -> None:
    """Raise UnitSyntaxError for a word no unit file can hold (control characters, bad UTF-8)."""
    bad = [ch for ch in arg if ord(ch) < 0x20 or ord(ch) == 0x7F]
    if bad:
        raise UnitSyntaxError(f"{arg!r} contains a control character ({bad[0]!r})")
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        raise UnitSyntaxError(f"{arg!r} is not valid UTF-8") from None


def quote_arg(arg: str) -> str:
    """`arg` as one word (not the first) of an `ExecStart=` line."""
    check_arg(arg)
    if PLAIN.fullmatch(arg):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("%", "%%").replace("$", "$$") + '"'


def quote_executable(path: str) -> str:
    """`path` as the first word of an `ExecStart=` line (systemd expands no $ there)."""
    check_arg(path)
    if any(ch in path for ch in "\"'\\"):
        raise UnitSyntaxError(f"systemd cannot run {path!r}: it has a quote or a backslash")
    return path if PLAIN.fullmatch(path) else '"' + path.replace("%", "%%") + '"'


def command_line(argv: Sequence[str]) -> str:
    """An argv as the value of `ExecStart=`."""
    return " ".join([quote_executable(argv[0]), *(quote_arg(arg) for arg in argv[1:])])


def escape_value(text: str) -> str:
    """Free text (a `Description=`) with its specifiers escaped."""
    check_arg(text)
    return text.replace("%", "%%")


def split_command_line(line: str) -> list[str]:
    """The argv systemd runs for an `ExecStart=` value (no prefixes, specifiers or variables)."""
    words: list[str] = []
    i, n = 0, len(line)
    while True:
        while i < n and line[i] in " \t":
            i += 1
        if i >= n:
            return words
        word, i = _read_word(line, i, first=not words)
        words.append(word)


def _read_word(line: str, i: int, *, first: bool) -> tuple[str, int]:
    out: list[str] = []
    quote: str | None = None
    n = len(line)
    while i < n:
        ch = line[i]
        if quote is None and ch in " \t":
            break
        if ch == "$" and first:
            out.append(ch)
            i += 1
            continue
        if ch in "%$":
            if line[i + 1 : i + 2] != ch:
                raise UnitSyntaxError(f"unsupported {ch} at column {i + 1}: {line!r}")
            out.append(ch)
            i += 2
            continue
        if ch == "\\":
            code = line[i + 1 : i + 2]
            if code not in _ESCAPES:
                raise UnitSyntaxError(f"unsupported escape at column {i + 1}: {line!r}")
            out.append(_ESCAPES[code])
            i += 2
            continue
        if quote is None and ch in "\"'":
            quote = ch
        elif ch == quote:
            quote = None
        else:
            out.append(ch)
        i += 1
    if quote is not None:
        raise UnitSyntaxError(f"unbalanced quotes: {line!r}")
    return "".join(out), i
