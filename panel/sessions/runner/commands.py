"""The commands a session runner answers: files, shell commands, code. No Qt.

Each command is a JSON object with a `type`; `Commands.run(command)` returns the
result object or raises `CommandError` (a clear message for the caller). Paths are
relative to the session folder and never leave it: the file commands open every name
beneath the folder's descriptor and follow no link (`panel.sessions.beneath`).
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import os
import resource
import selectors
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from panel.sessions import languages
from panel.sessions.beneath import Beneath, where
from panel.sessions.paths import PathRefused, inside, relative_parts
from panel.sessions.runner.disk import DiskLimit
from panel.sessions.runner.limits import looks_out_of_memory, preexec
from panel.sessions.runner.pids_limit import ProcessLimit
from panel.sessions.sandbox import (
    inside_path,
    sandbox_argv,
    sandbox_env,
    strip_mount_point,
    which_inside,
)

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
DOTNET_PROBE_S = 20.0
KILL_WAIT_S = 5.0

STREAM_CHUNK = 65536
"""Most bytes one streamed output message carries."""

OutputSink = Callable[[str, str], None]
"""(stream "stdout" | "stderr", text) told as a streamed command writes."""


class CommandError(Exception):
    """A command that cannot be done; the message is shown to the caller as is."""

    def __init__(self, message: str, data: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.data = data or {}


@dataclass(frozen=True)
class Sandbox:
    """How commands are contained: bubblewrap's program and whether they may use the network."""

    program: str
    network: bool


class Commands:
    """Runs commands in one session folder: sandboxed (or with an argv prefix), with limits."""

    def __init__(
        self,
        folder: Path,
        memory_limit_mb: int | None,
        prefix: tuple[str, ...] = (),
        *,
        sandbox: Sandbox | None = None,
        processes: ProcessLimit | None = None,
        disk: DiskLimit | None = None,
    ) -> None:
        self.folder = folder.resolve()
        self.beneath = Beneath(self.folder)
        self.memory_limit_mb = memory_limit_mb
        self.prefix = prefix
        self.sandbox = sandbox
        self.processes = processes
        self.disk = disk
        self.datasets: dict[str, str] = {}
        self._code_seq = 0
        self._current: subprocess.Popen[bytes] | None = None
        self._sink: OutputSink | None = None

    def kill_current(self) -> None:
        """Kill the running command's whole process group (the runner is being stopped)."""
        if self._current is not None and self._current.poll() is None:
            _kill_group(self._current.pid)

    def run(self, command: dict[str, Any], on_output: OutputSink | None = None) -> Any:
        """Do one command; its result (JSON) or CommandError. With `on_output`, a
        shell command or code snippet tells its output there as it writes it."""
        kind = command.get("type")
        handler = getattr(self, f"_do_{kind}", None) if isinstance(kind, str) else None
        if handler is None:
            raise CommandError(f"unknown command type: {kind!r}")
        self._sink = on_output
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
        finally:
            self._sink = None

    # ------------------------------------------------------------------ files

    def _parts(self, command: dict[str, Any]) -> tuple[str, ...]:
        return relative_parts(strip_mount_point(_str(command, "path")))

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
            if self.disk is not None:
                replaced = os.fstat(fd).st_size if mode == "Overwrite" else 0
                self._check_room(len(data) - replaced, parts, created=mode == "Create")
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

    def _check_room(self, more: int, parts: tuple[str, ...], created: bool) -> None:
        assert self.disk is not None
        if self.disk.would_exceed(more):
            if created:
                with contextlib.suppress(OSError):
                    self.beneath.remove(parts)
            raise CommandError(
                f"the session's disk limit of {self.disk.limit_mb} MB would be exceeded "
                f"({self.disk.used_mb():.1f} MB used); delete files to make room",
                {"kind": "disk_limit"},
            )

    def _do_list_files(self, command: dict[str, Any]) -> dict[str, Any]:
        parts = relative_parts(strip_mount_point(str(command.get("path") or ".")))
        entries = [
            {"name": e.name, "type": e.kind, "size": e.info.st_size, "mtime": e.info.st_mtime}
            for e in self.beneath.entries(parts)
        ]
        return {"path": where(parts), "entries": entries}

    def _do_delete_file(self, command: dict[str, Any]) -> dict[str, Any]:
        raw = _str(command, "path")
        parts = relative_parts(strip_mount_point(raw))
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
        if self._sink is not None:
            env = {"PYTHONUNBUFFERED": "1", **env}  # live output is what a caller streams for
        return self._spawn([program, *args], env, _timeout(command))

    def _do_run_code(self, command: dict[str, Any]) -> dict[str, Any]:
        code = command.get("code")
        if not isinstance(code, str):
            raise CommandError("code must be a string")
        try:
            lang = languages.language(str(command.get("language", "python")))
        except languages.UnknownLanguage as exc:
            raise CommandError(str(exc)) from None
        program = languages.toolchain(lang, self._which)
        if program is None:
            raise CommandError(languages.missing_toolchain(lang), {"kind": "missing_toolchain"})
        self._code_seq += 1
        parts, project = self._snippet_files(lang, program, code)
        script = self._seen(str(self.folder.joinpath(*parts)))
        project_seen = None if project is None else self._seen(str(self.folder.joinpath(*project)))
        home = self._seen(str(self.folder))
        env = {k: v.replace("{home}", home) for k, v in lang.env.items()}
        if lang.name == "python":
            env["PYTHONUNBUFFERED"] = "1"  # live output is what a caller streams for
        argv = languages.argv_for(lang, program, script, project_seen)
        result = self._spawn(argv, env, _timeout(command))
        result["file"] = where(parts)
        result["language"] = lang.name
        return result

    def _snippet_files(
        self, lang: languages.Language, program: str, code: str
    ) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
        """Write the snippet (and, for `dotnet run`, its project); their parts."""
        name = f"snippet_{self._code_seq}"
        if lang.name == "dotnet" and program.endswith("dotnet-script"):
            parts: tuple[str, ...] = (".code", f"{name}.csx")
        elif lang.name == "dotnet":
            project = (".code", name)
            csproj = languages.csproj(_dotnet_sdk(program)).encode()
            self._write((*project, f"{name}.csproj"), csproj, "Overwrite")
            parts = (*project, "Program.cs")
            self._write(parts, code.encode("utf-8"), "Overwrite")
            return parts, project
        else:
            parts = (".code", f"{name}{lang.suffix}")
        self._write(parts, code.encode("utf-8"), "Overwrite")  # a link named .code is refused
        return parts, None

    def _seen(self, host_path: str) -> str:
        """A path inside the session folder as the command sees it."""
        return inside_path(str(self.folder), host_path) if self.sandbox is not None else host_path

    def _which(self, name: str) -> str | None:
        return which_inside(name) if self.sandbox is not None else shutil.which(name)

    def _program(self, name: str) -> str:
        if os.sep in name or (os.altsep and os.altsep in name):
            if self.sandbox is not None:
                return name  # resolved inside the sandbox, which holds nothing else
            path = inside(self.folder, name)  # a script inside the session folder
            return str(path)
        found = which_inside(name) if self.sandbox is not None else shutil.which(name)
        if found is None:
            raise CommandError(f"command not found: {name!r}")
        return found

    def _argv_env(
        self, argv: list[str], extra_env: dict[str, str]
    ) -> tuple[list[str], dict[str, str]]:
        """The argv to start (sandbox or prefix first) and the command's whole environment."""
        if self.sandbox is not None:
            prefix = sandbox_argv(
                self.sandbox.program,
                str(self.folder),
                self.sandbox.network,
                self.datasets.values(),
            )
            return [*prefix, *argv], sandbox_env(extra_env, self.datasets)
        env = dict(os.environ)
        env.update({f"DATASET_{k.upper()}": v for k, v in self.datasets.items()})
        env.update(extra_env)
        env["HOME"] = str(self.folder)
        return [*self.prefix, *argv], env

    def _preexec(self, program: str) -> Callable[[], None]:
        """Memory and parent-death limits, the process limit and the file size room."""
        base = preexec(program, self.memory_limit_mb)
        processes = self.processes
        room = None if self.disk is None else self.disk.room()

        def apply() -> None:
            base()
            if processes is not None:
                processes.preexec()
            if room is not None:
                resource.setrlimit(resource.RLIMIT_FSIZE, (room, room))

        return apply

    def _spawn(
        self, argv: list[str], extra_env: dict[str, str], timeout_s: float
    ) -> dict[str, Any]:
        full_argv, env = self._argv_env(argv, extra_env)
        refused_before = self.processes.refusals() if self.processes is not None else 0
        started = time.monotonic()
        proc = subprocess.Popen(
            full_argv,
            cwd=self.folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            process_group=0,
            preexec_fn=self._preexec(argv[0]),
        )
        timed_out = False
        self._current = proc
        try:
            if self._sink is not None:
                out, err, timed_out = stream_output(proc, timeout_s, self._sink)
            else:
                out, err = proc.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(proc.pid)
            out, err = proc.communicate(timeout=KILL_WAIT_S)
        finally:
            self._current = None
            if self.processes is not None:
                self.processes.kill_all()  # what the command left behind goes with it
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
        self._check_limits(result, refused_before, code)
        if code != 0 and self.memory_limit_mb and looks_out_of_memory(stderr, sig):
            result["memoryLimitExceeded"] = True
            raise CommandError(
                f"the command exceeded the session's memory limit of {self.memory_limit_mb} MB",
                {"kind": "memory_limit", **result},
            )
        return result

    def _check_limits(self, result: dict[str, Any], refused_before: int, code: int) -> None:
        """CommandError when the command ran into the process or the disk limit."""
        if self.processes is not None and self.processes.refusals() > refused_before:
            result["processLimitExceeded"] = True
            raise CommandError(
                f"the command hit the session's process limit of {self.processes.limit} "
                "processes: a fork was refused",
                {"kind": "process_limit", **result},
            )
        too_big = code in (-signal.SIGXFSZ, 128 + signal.SIGXFSZ)  # killed, or its shell said so
        if self.disk is not None and (too_big or self.disk.full()):
            result["diskLimitExceeded"] = True
            raise CommandError(
                f"the command exceeded the session's disk limit of {self.disk.limit_mb} MB "
                f"({self.disk.used_mb():.1f} MB used); delete files to go on",
                {"kind": "disk_limit", **result},
            )


def stream_output(
    proc: subprocess.Popen[bytes], timeout_s: float, sink: OutputSink
) -> tuple[bytes, bytes, bool]:
    """Read a command's stdout and stderr as it writes them, telling `sink` each piece
    (at most MAX_OUTPUT_BYTES of each); (stdout, stderr, timed out) once both end."""
    assert proc.stdout is not None and proc.stderr is not None
    deadline = time.monotonic() + timeout_s
    names = {proc.stdout.fileno(): "stdout", proc.stderr.fileno(): "stderr"}
    kept: dict[str, bytearray] = {"stdout": bytearray(), "stderr": bytearray()}
    decoders = {n: codecs.getincrementaldecoder("utf-8")("replace") for n in kept}
    timed_out = False
    with selectors.DefaultSelector() as selector:
        for fd in names:
            selector.register(fd, selectors.EVENT_READ)
        while selector.get_map():
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                _kill_group(proc.pid)
                break
            for key, _ in selector.select(left):
                fd = int(key.fd)
                data = os.read(fd, STREAM_CHUNK)
                if not data:
                    selector.unregister(fd)
                    continue
                name = names[fd]
                room = MAX_OUTPUT_BYTES + 1 - len(kept[name])
                if room > 0:
                    kept[name] += data[:room]
                    text = decoders[name].decode(data[:room])
                    if text:
                        sink(name, text)
    proc.stdout.close()
    proc.stderr.close()
    try:
        proc.wait(KILL_WAIT_S if timed_out else max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(proc.pid)
        proc.wait(KILL_WAIT_S)
    return bytes(kept["stdout"]), bytes(kept["stderr"]), timed_out


@functools.cache
def _dotnet_sdk(program: str) -> str:
    """The `major.minor` of the .NET SDK `program` runs (`dotnet --version`), else 8.0."""
    try:
        done = subprocess.run(
            [program, "--version"],
            capture_output=True,
            text=True,
            timeout=DOTNET_PROBE_S,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return languages.DEFAULT_DOTNET
    parts = done.stdout.strip().split(".")
    if done.returncode or len(parts) < 2 or not (parts[0].isdigit() and parts[1].isdigit()):
        return languages.DEFAULT_DOTNET
    return f"{parts[0]}.{parts[1]}"


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


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
