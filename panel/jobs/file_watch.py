"""Watch a JSON file of jobs and re-import it when it changes (hot reload from a file).

The file may be a whole workspace export (as `opspanel export` writes it), an
object holding just ``{"jobs": [...]}``, or a bare ``[...]`` list of jobs. Only
the jobs are imported; a workspace export's server, settings and connections
are never touched by the watch.

Changes are noticed through `QFileSystemWatcher` on the file AND its folder (an
editor's save or `git pull` often replaces the file by a rename, which a watch
on the file alone loses). Every change restarts one single-shot debounce timer,
so a write-then-rename or several quick writes make one import. A file that
cannot be read, is not JSON, or holds invalid jobs is reported (file, line and
column, or JSON paths) and the jobs in effect stay; a deleted file keeps the
jobs too and the watch resumes when the file comes back.
"""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from panel.jobs.watch_status import ERROR, IMPORTED, MISSING, OFF, WATCHING, WatchStatus
from panel.workspace.errors import WorkspaceError

if TYPE_CHECKING:
    from panel.jobs.engine import JobEngine

log = logging.getLogger("panel.jobs.file")

WATCH_SETTING = "jobs.watchFile"
"""Workspace setting: the absolute path of the watched jobs file (absent or empty: off).

A machine path, so it is not part of the exported configuration."""

DEBOUNCE_MS = 300
"""Quiet time after the last change before the file is read."""


class JobsFileError(Exception):
    """The watched file could not be turned into a list of jobs (the message says where)."""


def jobs_from_text(text: str, name: str) -> list[Any]:
    """The jobs held by `text`: a workspace export, ``{"jobs": [...]}`` or a bare list.

    Raises `JobsFileError` naming `name` with the line and column of a JSON error,
    or saying what shape was expected. The items themselves are not validated here.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise JobsFileError(f"{name}: line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and "jobs" in data:
        items = data["jobs"]
        if isinstance(items, list):
            return items
        raise JobsFileError(f"{name}: $.jobs: expected an array of jobs, found {_kind(items)}")
    raise JobsFileError(
        f'{name}: expected a workspace export, an object with a "jobs" array, or an array '
        f"of jobs; found {_kind(data)}"
    )


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return 'an object without "jobs"'
    if isinstance(value, list):
        return "an array"
    return "null" if value is None else f"a {type(value).__name__}"


class JobsFileWatcher(QObject):
    """Keeps a job engine's jobs in step with one JSON file; idle until `watch()`.

    `status` tells the path, the state (off | watching | imported | error |
    missing), the time of the last import, the last error and the number of
    jobs last imported. Errors are also logged (source ``panel`` of the log hub).
    """

    sig_imported = Signal(int)
    """(count) the file was read and its `count` jobs are in effect now."""

    sig_failed = Signal(str)
    """(message) the file could not be imported (file, line/column or JSON paths); old jobs stay."""

    sig_status_changed = Signal(object)
    """(dict) `status` changed: path, state, last import, error, jobs."""

    def __init__(
        self, jobs: JobEngine, parent: QObject | None = None, *, debounce_ms: int = DEBOUNCE_MS
    ) -> None:
        super().__init__(parent)
        self._jobs = jobs
        self._path: Path | None = None
        self._state = OFF
        self._error: str | None = None
        self._last_import: float | None = None
        self._count: int | None = None
        self._last_bytes: bytes | None = None
        self._file_event = False
        self._fs: QFileSystemWatcher | None = None
        self._debounce_ms = debounce_ms
        self._debounce = QTimer(self, singleShot=True)
        self._debounce.timeout.connect(self._on_settled)

    # ------------------------------------------------------------------ control

    @property
    def path(self) -> Path | None:
        """The watched file, or None when off."""
        return self._path

    @property
    def status(self) -> dict[str, Any]:
        """{path, state, lastImport (epoch s or None), error (str or None), jobs (int or None)}."""
        return self.snapshot().to_json()

    def snapshot(self) -> WatchStatus:
        """The watch as it stands."""
        path = str(self._path) if self._path is not None else None
        return WatchStatus(path, self._state, self._last_import, self._error, self._count)

    def start_from_setting(self) -> None:
        """Watch the file named by the workspace setting `jobs.watchFile`, if any."""
        path = self._jobs.workspace.get_setting(WATCH_SETTING)
        if isinstance(path, str) and path:
            self.watch(path)

    def set_file(self, path: str | os.PathLike[str] | None) -> None:
        """Store `path` as the workspace's watched jobs file and watch it; None or "": off."""
        workspace = self._jobs.workspace
        if path is None or not os.fspath(path):
            workspace.delete_setting(WATCH_SETTING)
            self.stop()
            return
        absolute = os.path.abspath(os.fspath(path))
        workspace.set_setting(WATCH_SETTING, absolute)
        self.watch(absolute)

    def watch(self, path: str | os.PathLike[str]) -> None:
        """Watch `path` (made absolute) and import it at once (on the next turn of the loop)."""
        self.stop()
        self._path = Path(os.path.abspath(os.fspath(path)))
        self._fs = QFileSystemWatcher(self)
        self._fs.fileChanged.connect(self._on_file_changed)
        self._fs.directoryChanged.connect(self._on_dir_changed)
        self._set_state(WATCHING)
        self._rearm()
        self._file_event = True
        self._debounce.start(0)
        log.info("watching jobs file %s", self._path)

    def stop(self) -> None:
        """Stop watching; the jobs in effect stay as they are."""
        self._debounce.stop()
        if self._fs is not None:
            self._fs.fileChanged.disconnect(self._on_file_changed)
            self._fs.directoryChanged.disconnect(self._on_dir_changed)
            self._fs.deleteLater()
            self._fs = None
        was = self._path
        self._path = None
        self._last_bytes = None
        self._error = None
        self._count = None
        self._last_import = None
        if was is not None:
            log.info("stopped watching jobs file %s", was)
            self._set_state(OFF)

    # ------------------------------------------------------------------ events

    def _on_file_changed(self, _path: str) -> None:
        self._file_event = True
        self._debounce.start(self._debounce_ms)

    def _on_dir_changed(self, _path: str) -> None:
        self._debounce.start(self._debounce_ms)

    def _rearm(self) -> None:
        """Watch the file if it exists and its folder (or the nearest folder that exists)."""
        fs, path = self._fs, self._path
        if fs is None or path is None:
            return
        wanted = [str(path)] if path.is_file() else []
        folder = path.parent
        while not folder.is_dir() and folder != folder.parent:
            folder = folder.parent
        wanted.append(str(folder))
        stale = [p for p in [*fs.files(), *fs.directories()] if p not in wanted]
        if stale:
            fs.removePaths(stale)
        missing = [p for p in wanted if p not in fs.files() and p not in fs.directories()]
        if missing:
            fs.addPaths(missing)

    def _on_settled(self) -> None:
        """The file has been quiet for the debounce time: read it and import it if it changed."""
        path = self._path
        if path is None:
            return
        self._rearm()
        file_event, self._file_event = self._file_event, False
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            self._on_missing()
            return
        except OSError as exc:
            self._fail(f"{path}: cannot read: {exc.strerror or exc}")
            return
        if data == self._last_bytes and self._state != MISSING and not file_event:
            return  # another file of the folder changed
        self._last_bytes = data
        self._import(path, data)

    def _on_missing(self) -> None:
        if self._state != MISSING:
            log.warning("jobs file %s is missing; the jobs stay until it is back", self._path)
        self._last_bytes = None
        self._error = None
        self._set_state(MISSING)

    def _import(self, path: Path, data: bytes) -> None:
        try:
            items = jobs_from_text(data.decode("utf-8"), str(path))
        except UnicodeDecodeError as exc:
            self._fail(f"{path}: not UTF-8 text (byte {exc.start})")
            return
        except JobsFileError as exc:
            self._fail(str(exc))
            return
        try:  # save_jobs validates (ConfigError with JSON paths) before it stores anything
            if items != self._jobs.workspace.config_section("jobs"):
                self._jobs.save_jobs(items)
        except WorkspaceError as exc:
            self._fail(f"{path}: the jobs were not imported:\n{exc}")
            return
        self._last_import = time.time()
        self._count = len(items)
        self._error = None
        log.info("jobs file %s imported: %d job(s)", path, len(items))
        self._set_state(IMPORTED)
        self.sig_imported.emit(len(items))

    def _fail(self, message: str) -> None:
        log.error("jobs file not imported, the jobs in effect stay: %s", message)
        self._error = message
        self._set_state(ERROR)
        self.sig_failed.emit(message)

    def _set_state(self, state: str) -> None:
        self._state = state
        self.sig_status_changed.emit(self.status)
