"""Paths beneath a folder, opened one name at a time from its descriptor. No Qt.

Resolving a path as a string and then opening it again by name leaves a window in
which a folder on the way can be swapped for a symbolic link (time of check, time of
use). Here every name is opened relative to the descriptor of the folder before it,
with ``O_NOFOLLOW``: a link anywhere on the way is refused, never followed, however the
folder changes meanwhile, and what is read, written, listed or deleted is what was
checked. A file must be a regular file with one name (a hard link may be a file from
outside); a FIFO, socket or device is refused without blocking on it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from panel.sessions.paths import PathRefused

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC

_TRIES = 3
"""Opens of a name that turned from a folder into something else and back meanwhile."""

_SPECIAL = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


class Entry(NamedTuple):
    """One name in a listed folder: its kind (file, dir or link) and its own stat."""

    name: str
    kind: str
    info: os.stat_result


def where(parts: Sequence[str]) -> str:
    """`parts` as the relative path the caller reads: `a/b`, or `.` for the folder."""
    return "/".join(parts) or "."


class Beneath:
    """The paths beneath the folder `root`, reached through descriptors only.

    Paths are sequences of names (`panel.sessions.paths.relative_parts`). Errors are
    PathRefused (a link, a hard link, a special file) or OSError naming the path.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    @contextlib.contextmanager
    def folder(self, parts: Sequence[str], create: bool = False) -> Iterator[int]:
        """A descriptor of the folder `parts`; missing folders are made when `create`."""
        fd = self._open_root()
        try:
            for depth, name in enumerate(parts):
                child = self._step(fd, name, parts[: depth + 1], create)
                os.close(fd)
                fd = child
            yield fd
        finally:
            os.close(fd)

    def open_file(self, parts: Sequence[str], flags: int, create_parents: bool = False) -> int:
        """A descriptor of the regular, single-named file `parts` opened with `flags`.

        `flags` may hold O_CREAT (mode 0644) or O_EXCL but not O_TRUNC: truncate after
        the checks (`os.ftruncate`), so a refused file is never changed.
        """
        if not parts:
            raise self._error(errno.EISDIR, parts)
        with self.folder(parts[:-1], create_parents) as dir_fd:
            name = parts[-1]
            with contextlib.suppress(FileNotFoundError):  # absent: O_CREAT decides
                self._check_file(os.stat(name, dir_fd=dir_fd, follow_symlinks=False), parts)
            try:
                fd = os.open(name, flags | _FILE_FLAGS, 0o644, dir_fd=dir_fd)
            except OSError as exc:
                raise self._open_failed(exc, parts) from None
            try:
                self._check_file(os.fstat(fd), parts)
            except BaseException:
                os.close(fd)
                raise
            return fd

    def entries(self, parts: Sequence[str]) -> list[Entry]:
        """The names in the folder `parts`, sorted; a name gone while listing is left out."""
        found = []
        with self.folder(parts) as fd, os.scandir(fd) as scan:
            for item in scan:
                try:
                    info = item.stat(follow_symlinks=False)
                except FileNotFoundError:
                    continue
                found.append(Entry(item.name, _kind(info.st_mode), info))
        return sorted(found, key=lambda e: e.name)

    def remove(self, parts: Sequence[str]) -> None:
        """Delete `parts`: a file or link itself, or a folder with all it holds.

        Nothing is followed: a link in the tree is removed, not what it points to.
        """
        if not parts:
            raise PathRefused("the folder itself cannot be deleted")
        with self.folder(parts[:-1]) as dir_fd:
            name = parts[-1]
            try:
                info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
            except OSError as exc:
                raise self._error(exc.errno, parts) from None
            if stat.S_ISDIR(info.st_mode):
                self._remove_tree(dir_fd, name, parts)
            else:
                self._unlink(dir_fd, name, parts, missing_ok=False)

    # ------------------------------------------------------------------ steps

    def _open_root(self) -> int:
        try:
            return os.open(self.root, _DIR_FLAGS)
        except OSError as exc:
            raise self._error(exc.errno, ()) from None

    def _step(self, fd: int, name: str, parts: Sequence[str], create: bool) -> int:
        try:
            return self._open_dir(fd, name, parts)
        except FileNotFoundError:
            if not create:
                raise
        try:
            os.mkdir(name, dir_fd=fd)
        except FileExistsError:
            pass  # made meanwhile: opened, and so checked, below
        except OSError as exc:
            raise self._error(exc.errno, parts) from None
        return self._open_dir(fd, name, parts)

    def _open_dir(self, fd: int, name: str, parts: Sequence[str]) -> int:
        for _ in range(_TRIES):
            try:
                return os.open(name, _DIR_FLAGS, dir_fd=fd)
            except OSError as exc:
                if exc.errno not in (errno.ENOTDIR, errno.ELOOP):
                    raise self._error(exc.errno, parts) from None
            mode = _own_mode(fd, name)  # what the name is now, to say why
            if mode is None:
                raise self._error(errno.ENOENT, parts)
            if stat.S_ISLNK(mode):
                raise PathRefused(f"symbolic links are not followed: {where(parts)!r}")
            if not stat.S_ISDIR(mode):
                raise self._error(errno.ENOTDIR, parts)
            # a folder again: it was swapped while being opened; open it once more
        raise PathRefused(f"{where(parts)!r} keeps changing while it is opened")

    def _remove_tree(self, dir_fd: int, name: str, parts: Sequence[str]) -> None:
        fd = self._open_dir(dir_fd, name, parts)  # swapped for a link meanwhile: refused
        try:
            with os.scandir(fd) as scan:
                names = [item.name for item in scan]
            for child in names:
                inner = (*parts, child)
                try:
                    info = os.stat(child, dir_fd=fd, follow_symlinks=False)
                except FileNotFoundError:
                    continue
                if stat.S_ISDIR(info.st_mode):
                    self._remove_tree(fd, child, inner)
                else:
                    self._unlink(fd, child, inner, missing_ok=True)
        finally:
            os.close(fd)
        try:
            os.rmdir(name, dir_fd=dir_fd)
        except OSError as exc:
            raise self._error(exc.errno, parts) from None

    def _unlink(self, dir_fd: int, name: str, parts: Sequence[str], missing_ok: bool) -> None:
        try:
            os.unlink(name, dir_fd=dir_fd)  # a link itself, never what it points to
        except FileNotFoundError:
            if not missing_ok:
                raise self._error(errno.ENOENT, parts) from None
        except OSError as exc:
            raise self._error(exc.errno, parts) from None

    def _check_file(self, info: os.stat_result, parts: Sequence[str]) -> None:
        mode = info.st_mode
        if stat.S_ISLNK(mode):
            raise PathRefused(f"symbolic links are not followed: {where(parts)!r}")
        if stat.S_ISDIR(mode):
            raise self._error(errno.EISDIR, parts)
        if not stat.S_ISREG(mode):
            special = _SPECIAL.get(stat.S_IFMT(mode), "special")
            raise PathRefused(f"not a regular file: {where(parts)!r} is {special}")
        if info.st_nlink > 1:
            raise PathRefused(
                f"hard links are not followed: {where(parts)!r} has {info.st_nlink} names"
            )

    def _open_failed(self, exc: OSError, parts: Sequence[str]) -> Exception:
        if exc.errno == errno.ELOOP:
            return PathRefused(f"symbolic links are not followed: {where(parts)!r}")
        if exc.errno == errno.ENXIO:  # a FIFO without a reader (or a socket) on O_WRONLY
            return PathRefused(f"not a regular file: {where(parts)!r}")
        return self._error(exc.errno, parts)

    def _error(self, code: int | None, parts: Sequence[str]) -> OSError:
        """An OSError of `code` naming `parts` under the root (its class follows the code)."""
        number = code or errno.EIO
        return OSError(number, os.strerror(number), str(self.root.joinpath(*parts)))


def _own_mode(dir_fd: int, name: str) -> int | None:
    """The mode of `name` itself (not what a link points to); None when it is gone."""
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode
    except FileNotFoundError:
        return None


def _kind(mode: int) -> str:
    return "link" if stat.S_ISLNK(mode) else "dir" if stat.S_ISDIR(mode) else "file"
