"""Paths inside a session folder: anything that would lead outside is refused.

No Qt here: the runner uses this module.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath, PureWindowsPath


class PathRefused(ValueError):
    """A path that would leave the session folder (or is otherwise unusable)."""


def inside(root: Path, relative: str) -> Path:
    """`relative` resolved inside `root`; PathRefused when it is absolute, has `..` or escapes.

    Symbolic links are followed when resolving, so a link that points outside the
    folder is refused too. The returned path is absolute and lies within `root`.
    """
    if not isinstance(relative, str) or relative == "":
        raise PathRefused("path must be a non-empty string")
    if "\x00" in relative:
        raise PathRefused("path must not contain NUL characters")
    if PurePosixPath(relative).is_absolute() or PureWindowsPath(relative).is_absolute():
        raise PathRefused(f"absolute paths are not allowed: {relative!r}")
    if PureWindowsPath(relative).drive:
        raise PathRefused(f"drive paths are not allowed: {relative!r}")
    parts = relative.replace("\\", "/").split("/")
    if ".." in parts:
        raise PathRefused(f"'..' is not allowed in paths: {relative!r}")
    base = root.resolve()
    candidate = (base / relative).resolve()
    if not candidate.is_relative_to(base):
        raise PathRefused(f"path leaves the session folder: {relative!r}")
    return candidate


def check_no_link(path: Path) -> None:
    """Refuse `path` when it is itself a symbolic link (belt and braces around O_NOFOLLOW)."""
    if os.path.islink(path):
        raise PathRefused(f"symbolic links are not followed: {path.name!r}")
