"""The commands a session runner answers: files, shell commands, code. No Qt.

Each command is a JSON object with a `type`; `Commands.run(command)` returns the
result object or raises `CommandError` (a clear message for the caller). Paths are
relative to the session folder and never leave it: the file commands open every name
beneath the folder's descriptor and follow no link (`panel.sessions.beneath`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from panel.sessions.beneath import Beneath, where
from panel.sessions.paths import PathRefused, inside, relative_parts
from panel.sessions.runner.limits import looks_out_of_memory, preexec

MAX_OUTPUT_BYTES = 1024 * 1024
"""stdout and stderr of a command are each cut to this size (the answer says so)."""

MAX_READ_BYTES = 8 * 1024 * 1024
"""Largest file `read_file` returns."""

WRITE_FLAGS = {
    "Create": os.O_CREAT | os.O_EXCL,
    "Append": os.O_CREAT | os.O_APPEND,
    "Overwrite": os.O_CREAT,
}
"""write_file modes (Overwrite truncates once the file passed the checks)."""

DEFAULT_TIMEOUT_MS = 30_000
KILL_WAIT_S = 5.0

LANGUAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "python": (".py", ("python3", "python")),
    "node": (".js", ("node", "nodejs")),
    "javascript": (".js", ("node", "nodejs")),
}
"""run_code languages: file suffix and the interpreters tried, in order."""


class CommandError(Exception):
    """A command that cannot be done; the message is shown to the caller as is."""

    def __init__(self, message: str, data: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.data = data or {}


class Commands:
    """Runs commands in one session folder with a memory limit and an optional argv prefix."""

    def __init__(
        self,
        folder: Path,
        memory_limit_mb: int | None,
        prefix: tuple[str, ...] = (),
    ) -> None:
        self.folder = folder.resolve()
        self.beneath = Beneath(self.folder)
        self.memory_limit_mb = memory_limit_mb
        self.prefix = prefix
        self.datasets: dict[str, str] = {}
        self._code_seq = 0
        self._current: subprocess.Popen[bytes] | None = None

    def kill_current(self) -> None:
        """Kill the running command's whole process group (the runner is being stopped)."""
        if self._current is not None and self._current.poll() is None:
            _kill_group(self._current.pid)

    def run(self, command: dict[str, Any]) -> Any:
        """Do one command; its result (JSON) or CommandError."""
        kind = command.get("type")
        handler = getattr(self, f"_do_{kind}", None) if isinstance(kind, str) else None
        if handler is None:
            raise CommandError(f"unknown command type: {kind!r}")
        try:
            return handler(command)
        except PathRefused as exc:
            raise CommandError(str(exc), {"kind": "path_refused"}) from None
        except FileNotFoundError as exc:
            raise CommandError(f"not found: {_rel(exc.filename, self.folder)}") from None
        except FileExistsError as exc:
            raise CommandError(f"already exists: {_rel(exc.filename, self.folder)}") from None
        except IsADirectoryError as exc:
            raise CommandError(f"is a directory: {_rel(exc.filename, self.folder)}") from None
        except OSError as exc:
            raise CommandError(
                f"{exc.strerror or exc}: {_rel(exc.filename, self.folder)}"
            ) from None

    # ------------------------------------------------------------------ files

    def _parts(self, command: dict[str, Any]) -> tuple[str, ...]:
        return relative_parts(_str(command, "path"))

    def _do_write_file(self, command: dict[str, Any]) -> dict[str, Any]:
        parts = self._parts(command)
        content = command.get("content", "")
        if not isinstance(content, str):
            raise CommandError("content must be a string")
        mode = str(command.get("mode", "Create"))
        if mode not in WRITE_FLAGS:
            raise CommandError(f"mode must be Create, Append or Overwrite, not {mode!r}")
        data = content.encode("utf-8")
        self._write(parts, data, mode)
        return {"path": where(parts), "bytes": len(data), "mode": mode}

    def _write(self, parts: tuple[str, ...], data: bytes, mode: str) -> None:
        """Write `data` to the file `parts` (its folders made) in a WRITE_FLAGS mode."""
        fd = self.beneath.open_file(parts, WRITE_FLAGS[mode] | os.O_WRONLY, create_parents=True)
        with os.fdopen(fd, "wb") as handle:
            if mode == "Overwrite":
                handle.truncate(0)  # only now: a refused file is never changed
            handle.write(data)

    def _do_read_file(self, command: dict[str, Any]) -> dict[str, Any]:
        parts = self._parts(command)
        fd = self.beneath.open_file(parts, os.O_RDONLY)
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(MAX_READ_BYTES + 1)
        if len(data) > MAX_READ_BYTES:
            raise CommandError(f"file is larger than {MAX_READ_BYTES} bytes")
        text = data.decode("utf-8", "replace")
        return {"path": where(parts), "content": text, "bytes": len(data)}

    def _do_list_files(self, command: dict[str, Any]) -> dict[str, Any]:
        parts = relative_parts(str(command.get("path") or "."))
        entries = [
            {"name": e.name, "type": e.kind, "size": e.info.st_size, "mtime": e.info.st_mtime}
            for e in self.beneath.entries(parts)
        ]
        return {"path": where(parts), "entries": entries}

    def _do_delete_file(self, command: dict[str, Any]) -> dict[str, Any]:
        raw = _str(command, "path")
        parts = relative_parts(raw)
        if not parts:
            raise CommandError("the session folder itself cannot be deleted")
        self.beneath.remove(parts)  # a link is removed, never followed
        return {"path": raw, "deleted": True}

    # ------------------------------------------------------------------ processes

    def _do_execute_shell(self, command: dict[str, Any]) -> dict[str, Any]:
        name = _str(command, "commandName")
        args = command.get("args", [])
        if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
            raise CommandError("args must be a list of strings")
        env = command.get("env") or {}
        if not isinstance(env, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in env.items()
        ):
            raise CommandError("env must map strings to strings")
        program = self._program(name)
        return self._spawn([program, *args], env, _timeout(command))

    def _do_run_code(self, command: dict[str, Any]) -> dict[str, Any]:
        code = command.get("code")
        if not isinstance(code, str):
            raise CommandError("code must be a string")
        language = str(command.get("language", "python")).lower()
        known = LANGUAGES.get(language)
        if known is None:
            raise CommandError(
                f"unsupported language {language!r}; supported: {', '.join(sorted(LANGUAGES))}"
            )
        suffix, interpreters = known
        program = _interpreter(interpreters, language)
        self._code_seq += 1
        script = self.folder / ".code" / f"snippet_{self._code_seq}{suffix}"
        self._write((".code", script.name), code.encode("utf-8"), "Overwrite")
        result = self._spawn([program, str(script)], {}, _timeout(command))
        result["file"] = _rel(str(script), self.folder)
        return result

    def _program(self, name: str) -> str:
        if os.sep in name or (os.altsep and os.altsep in name):
            path = inside(self.folder, name)  # a script inside the session folder
            return str(path)
        found = shutil.which(name)
        if found is None:
            raise CommandError(f"command not found: {name!r}")
        return found

    def _spawn(
        self, argv: list[str], extra_env: dict[str, str], timeout_s: float
    ) -> dict[str, Any]:
        env = dict(os.environ)
        env.update({f"DATASET_{k.upper()}": v for k, v in self.datasets.items()})
        env.update(extra_env)
        env["HOME"] = str(self.folder)
        started = time.monotonic()
        proc = subprocess.Popen(
            [*self.prefix, *argv],
            cwd=self.folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            process_group=0,
            preexec_fn=preexec(argv[0], self.memory_limit_mb),
        )
        timed_out = False
        self._current = proc
        try:
            out, err = proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(proc.pid)
            out, err = proc.communicate(timeout=KILL_WAIT_S)
        finally:
            self._current = None
        code = proc.returncode
        stdout, out_cut = _text(out)
        stderr, err_cut = _text(err)
        sig = -code if code < 0 else 0
        result: dict[str, Any] = {
            "stdout": stdout,
            "stderr": stderr,
            "exitCode": code if code >= 0 else None,
            "signal": sig or None,
            "timedOut": timed_out,
            "truncated": out_cut or err_cut,
            "elapsedMs": round((time.monotonic() - started) * 1000, 3),
        }
        if timed_out:
            raise CommandError(
                f"the command timed out after {round(timeout_s * 1000)} ms and was killed",
                {"kind": "timeout", **result},
            )
        if code != 0 and self.memory_limit_mb and looks_out_of_memory(stderr, sig):
            result["memoryLimitExceeded"] = True
            raise CommandError(
                f"the command exceeded the session's memory limit of {self.memory_limit_mb} MB",
                {"kind": "memory_limit", **result},
            )
        return result


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


def _interpreter(names: tuple[str, ...], language: str) -> str:
    if language == "python" and not getattr(sys, "frozen", False):
        return sys.executable  # the panel's own interpreter: no shim, no surprise version
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise CommandError(
        f"no interpreter for {language} is installed (looked for {', '.join(names)})"
    )


def _timeout(command: dict[str, Any]) -> float:
    value = command.get("timeoutMs", DEFAULT_TIMEOUT_MS)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise CommandError("timeoutMs must be a positive integer")
    return value / 1000


def _str(command: dict[str, Any], key: str) -> str:
    value = command.get(key)
    if not isinstance(value, str) or not value:
        raise CommandError(f"{key} must be a non-empty string")
    return value


def _text(data: bytes) -> tuple[str, bool]:
    cut = len(data) > MAX_OUTPUT_BYTES
    return data[:MAX_OUTPUT_BYTES].decode("utf-8", "replace"), cut


def _rel(path: object, folder: Path) -> str:
    if not isinstance(path, str | os.PathLike):
        return "?"
    try:
        return os.path.relpath(os.fspath(path), folder)
    except ValueError:
        return os.fspath(path)
