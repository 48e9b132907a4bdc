"""`opspanel worker session ...`: the runner of one session. No Qt.

    opspanel worker session --id ID --workspace DIR [--memory-limit-mb N]
        [--bwrap PROGRAM [--network]] [--isolate-network] [--max-processes N]
        [--disk-limit-mb N]

The session folder is ``DIR/sessions/ID`` (created). Commands arrive on stdin, one
JSON object per line: ``{"id": "r1", "command": {"type": "read_file", ...}}``, plus
``{"id": ..., "datasets": {name: path}}`` to tell the runner the datasets it holds
(they appear to commands as ``DATASET_<NAME>`` variables). Answers go to stdout, one
JSON object per line: first ``{"t": "ready", "pid", "folder", "sandbox", "network", ...}``, then
``{"t": "result", "id", "success", "result", "error", "errorData", "durationMs"}``
per command. A request with ``"stream": true`` also gets
``{"t": "output", "id", "stream": "stdout"|"stderr", "data"}`` lines while its shell
command or code snippet writes, before its result. Commands run one after the
other. The runner ends on end of stdin, ``{"cmd": "stop"}`` or SIGTERM, and dies
with the panel (parent-death signal).
With ``--bwrap`` every shell command and code snippet runs in a bubblewrap sandbox
(`panel.sessions.sandbox`) that sees the session folder at ``/workspace`` only.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any, BinaryIO

from panel.sessions.paths import PathRefused, inside
from panel.sessions.runner.commands import CommandError, Commands, OutputSink, Sandbox
from panel.sessions.runner.disk import DiskLimit
from panel.sessions.runner.pids_limit import ProcessLimit
from panel.supervise.pdeathsig import set_parent_death_signal

UNSHARE_PREFIX = ("unshare", "-rn", "--")


def build_parser() -> argparse.ArgumentParser:
    """The runner's argument parser."""
    parser = argparse.ArgumentParser(
        prog="opspanel worker session",
        description="Run one session's commands (JSON lines on stdin and stdout).",
    )
    parser.add_argument("--id", required=True, help="the session id (its folder name)")
    parser.add_argument("--workspace", required=True, help="the workspace folder")
    parser.add_argument("--memory-limit-mb", type=int, default=None)
    parser.add_argument("--workdir", default=None, help="a subfolder of the session folder")
    parser.add_argument(
        "--isolate-network",
        action="store_true",
        help="without a sandbox: run commands in a new user+network namespace (unshare -rn)",
    )
    parser.add_argument("--bwrap", default=None, help="sandbox commands with this bwrap")
    parser.add_argument("--network", action="store_true", help="sandboxed commands may use it")
    parser.add_argument("--max-processes", type=int, default=None)
    parser.add_argument("--disk-limit-mb", type=int, default=None)
    return parser


def _protocol_stream() -> BinaryIO:
    """Keep fd 1 for protocol lines only: anything else printed goes to stderr."""
    stream = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=0)
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    return stream


def _send(out: BinaryIO, message: dict[str, Any]) -> None:
    out.write(json.dumps(message, separators=(",", ":")).encode("utf-8") + b"\n")


def _output_sink(out: BinaryIO, req_id: Any) -> OutputSink:
    def sink(name: str, text: str) -> None:
        _send(out, {"t": "output", "id": req_id, "stream": name, "data": text})

    return sink


def answer(
    commands: Commands, request: dict[str, Any], out: BinaryIO | None = None
) -> dict[str, Any]:
    """The result line for one request line (its output lines go to `out` when it streams)."""
    req_id = request.get("id")
    started = time.monotonic()
    reply: dict[str, Any] = {"t": "result", "id": req_id, "success": True, "result": None}
    if isinstance(request.get("datasets"), dict):
        commands.datasets = {str(k): str(v) for k, v in request["datasets"].items()}
        reply["result"] = {"datasets": sorted(commands.datasets)}
    else:
        command = request.get("command")
        try:
            if not isinstance(command, dict):
                raise CommandError("command must be an object with a type")
            streams = out is not None and request.get("stream") is True
            sink = _output_sink(out, req_id) if streams and out is not None else None
            reply["result"] = commands.run(command, sink)
        except CommandError as exc:
            reply.update(success=False, error=str(exc), errorData=exc.data or None)
        except Exception as exc:  # a bug must not end the session
            reply.update(success=False, error=f"internal error: {type(exc).__name__}: {exc}")
    reply["durationMs"] = round((time.monotonic() - started) * 1000, 3)
    return reply


def main(argv: list[str]) -> int:
    """Run the runner until stdin ends or it is told to stop."""
    set_parent_death_signal(signal.SIGTERM)
    args = build_parser().parse_args(argv)
    if not args.id.replace("-", "").replace("_", "").isalnum():
        print("opspanel worker session: --id must be letters, digits, - or _", file=sys.stderr)
        return 2
    folder = session_folder = Path(args.workspace) / "sessions" / args.id
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if args.workdir:
        try:
            folder = inside(folder, args.workdir)
        except PathRefused as exc:
            print(f"opspanel worker session: --workdir: {exc}", file=sys.stderr)
            return 2
        folder.mkdir(parents=True, exist_ok=True)
    prefix = UNSHARE_PREFIX if args.isolate_network and not args.bwrap else ()
    sandbox = Sandbox(args.bwrap, args.network) if args.bwrap else None
    processes = ProcessLimit(args.max_processes, args.id) if args.max_processes else None
    disk = DiskLimit(str(session_folder), args.disk_limit_mb) if args.disk_limit_mb else None
    commands = Commands(
        folder, args.memory_limit_mb, prefix, sandbox=sandbox, processes=processes, disk=disk
    )
    try:
        return _serve(commands, folder)
    finally:
        if processes is not None:
            processes.close()


def _serve(commands: Commands, folder: Path) -> int:

    def on_term(*_: object) -> None:
        commands.kill_current()  # its group goes with us: no orphan waits for the tree stop
        sys.exit(0)

    signal.signal(signal.SIGTERM, on_term)
    out = _protocol_stream()
    sandbox = commands.sandbox
    network = sandbox.network if sandbox is not None else not commands.prefix
    ready = {
        "t": "ready",
        "pid": os.getpid(),
        "folder": str(folder),
        "isolation": "off" if network else "isolated",
        "sandbox": "bwrap" if sandbox is not None else "none",
        "network": network,
        "processLimit": commands.processes.kind if commands.processes is not None else None,
    }
    _send(out, ready)
    for raw in sys.stdin.buffer:
        try:
            request = json.loads(raw)
        except ValueError:
            continue
        if not isinstance(request, dict):
            continue
        if request.get("cmd") == "stop":
            break
        _send(out, answer(commands, request, out))
    return 0
