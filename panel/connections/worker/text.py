"""Values typed by a person (a dialog, `opspanel ctl conns write`) read as a type wants.

Shared by the panel (tags with a declared type) and the OPC UA driver (tags typed
by their node, whose type only the device knows).
"""

from __future__ import annotations

TRUE_WORDS = ("true", "1", "on", "yes")
FALSE_WORDS = ("false", "0", "off", "no")


def bool_from_text(text: str) -> bool | None:
    """True/False for the usual words (any case), None for anything else."""
    lowered = text.strip().lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    return None


def int_from_text(text: str) -> int | None:
    """An integer (decimal, or 0x.. / 0o.. / 0b..), None when the text is not one."""
    try:
        return int(text.strip(), 0)
    except ValueError:
        return None


def float_from_text(text: str) -> float | None:
    """A number, None when the text is not one."""
    try:
        return float(text.strip())
    except ValueError:
        return None
