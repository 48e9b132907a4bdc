"""`opspanel import FILE.json` and `opspanel export FILE.json` (FILE may be `-`)."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from panel.workspace.errors import ConfigError, WorkspaceError
from panel.workspace.location import resolve_workspace_dir
from panel.workspace.transfer import SectionCheck, check_config, export_config, import_config
from panel.workspace.workspace import Workspace

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_INVALID_INPUT = 2


class _InputError(Exception):
    """The file could not be read as JSON; the message says where and why."""


MAX_IMPORT_BYTES = 16 * 1024 * 1024
"""Largest configuration file `import` reads."""

EngineImport = Callable[[Path, Any], list[str] | None]
"""Hands a checked configuration to the engine running on a workspace: the lines to
print of what it applied, or None when no engine runs there (ConfigError: refused)."""


def run_transfer(
    command: str,
    file: str,
    workspace: str | None,
    section_checks: Mapping[str, SectionCheck] | None = None,
    through_engine: EngineImport | None = None,
) -> int:
    """Run `import` or `export` of `file` for the workspace folder `workspace` (or the default).

    `section_checks` are the feature engines' own checks of their sections (the
    storage layer cannot know them), run before anything is written. With an
    engine running on the workspace, `through_engine` gives it the configuration
    to store and apply at once (writing the database behind its back would leave
    it running the old configuration). Problems go
    to stderr, one per line, as `FILE: $.path: message`. Returns 0 on success, 2
    for an invalid input file, 1 for any other failure.
    """
    root = resolve_workspace_dir(workspace)
    try:
        if command == "export":
            return _export(root, file)
        if command == "import":
            return _import(root, file, section_checks, through_engine)
    except WorkspaceError as exc:
        _err(f"{root}: {exc}" if str(root) not in str(exc) else str(exc))
        return EXIT_FAILURE
    _err(f"unknown command {command!r} (import or export)")
    return EXIT_FAILURE


def _export(root: Path, file: str) -> int:
    with Workspace.open(root) as ws:
        data = export_config(ws)
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if file == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return EXIT_OK
    try:
        _write_atomically(Path(file), text)
    except OSError as exc:
        _err(f"{file}: cannot write: {exc.strerror or exc}")
        return EXIT_FAILURE
    return EXIT_OK


def _import(
    root: Path,
    file: str,
    section_checks: Mapping[str, SectionCheck] | None,
    through_engine: EngineImport | None,
) -> int:
    try:
        data = _read_json(file)
    except _InputError as exc:
        _err(f"{file}: {exc}")
        return EXIT_INVALID_INPUT
    problems = check_config(data, section_checks)  # before touching (or creating) the workspace
    if not problems and through_engine is not None:
        try:
            applied = through_engine(root, data)
        except ConfigError as exc:
            applied, problems = None, exc.problems
        if applied is not None:
            print(f"imported {file} into the running engine of {root}:")
            for line in applied:
                print(f"  {line}")
            return EXIT_OK
    if not problems:
        with Workspace.open(root) as ws:
            try:
                import_config(ws, data, section_checks)
            except ConfigError as exc:
                problems = exc.problems
    for path, message in problems:
        _err(f"{file}: {path}: {message}")
    if problems:
        return EXIT_INVALID_INPUT
    print(f"imported {file} into {root}")
    return EXIT_OK


def _read_json(file: str) -> Any:
    try:
        raw = sys.stdin.buffer.read(MAX_IMPORT_BYTES + 1) if file == "-" else _read_capped(file)
        if len(raw) > MAX_IMPORT_BYTES:
            mib = MAX_IMPORT_BYTES // (1024 * 1024)
            raise _InputError(f"larger than {mib} MiB, the most an import may be")
        text = raw.decode("utf-8")
    except OSError as exc:
        raise _InputError(f"cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise _InputError(f"not UTF-8 text (byte {exc.start})") from exc
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise _InputError(f"invalid JSON at {where}: {exc.msg}") from exc
    except ValueError as exc:
        raise _InputError(f"invalid JSON: {exc}") from exc


def _read_capped(file: str) -> bytes:
    with open(file, "rb") as handle:
        return handle.read(MAX_IMPORT_BYTES + 1)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder, then rename."""
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _err(line: str) -> None:
    print(line, file=sys.stderr)
