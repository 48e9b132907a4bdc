"""Paths inside a session folder: anything that would lead outside is refused.

No Qt here: the runner uses this module.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath


class PathRefused(ValueError):
    """A path that would leave the session folder (or is otherwise unusable)."""


def relative_parts(relative: str) -> tuple[str, ...]:
    """The names of `relative`, a path inside a folder; PathRefused when it could leave it.

    Refused: not a non-empty string, NUL, absolute or drive paths, and `..` (also
    written with backslashes). Empty and `.` names are dropped, so `.` is the folder.
    """
    if not isinstance(relative, str) or relative == "":
        raise PathRefused("path must be a non-empty string")
    if "\x00" in relative:
        raise PathRefused("path must not contain NUL characters")
    if PurePosixPath(relative).is_absolute() or PureWindowsPath(relative).is_absolute():
        raise PathRefused(f"absolute paths are not allowed: {relative!r}")
    if PureWindowsPath(relative).drive:
        raise PathRefused(f"drive paths are not allowed: {relative!r}")
    if ".." in relative.replace("\\", "/").split("/"):
        raise PathRefused(f"'..' is not allowed in paths: {relative!r}")
    return tuple(name for name in relative.split("/") if name not in ("", "."))


def inside(root: Path, relative: str) -> Path:
    """`relative` resolved inside `root`; PathRefused when it is absolute, has `..` or escapes.

    Symbolic links are followed when resolving, so a link that points outside the
    folder is refused too. The returned path is absolute and lies within `root`.
    This checks a name, not what is opened later: the file commands use
    `panel.sessions.beneath` instead, which never follows a link.
    """
    relative_parts(relative)
    base = root.resolve()
    candidate = (base / relative).resolve()
    if not candidate.is_relative_to(base):
        raise PathRefused(f"path leaves the session folder: {relative!r}")
    return candidate
