"""`opspanel worker connection ...`: the command line of a connection worker.

    opspanel worker connection --conn-id ID --workspace DIR
    opspanel worker connection --conn-id ID --config-json FILE
    opspanel worker connection --group NAME --workspace DIR

With `--group NAME` one process runs every connection whose `"process"` is
`"group:NAME"`, each its own `Worker` (see `group`); messages carry `"c"`.

The configuration is one connection object in the workspace JSON shape. With
`--workspace DIR` the worker opens the workspace database in DIR and takes the
connection whose `id` is ID from its `connections` section; a `{"cmd":"reload"}`
without `config` reads it again (the panel sends that after committing an edit).
`--config-json FILE` reads FILE instead (a connection object, a list of them, or a
whole export with `connections: [...]`), at start and on such a reload. A missing or
invalid configuration puts the worker in ERROR: the process stays up, says why, and
waits for `reload` or `stop`.

With `--ipc-dir DIR` (the engine's `connections.keepRunning`) the worker does not
use stdin/stdout: it listens on `DIR/w-<pid>.sock` (see `ipc_socket`), does not die
with the engine, writes its stray output to `--log-file` and stops by itself after
`--orphan-timeout-s` seconds without an engine (0: never).

Exit codes: 0 after `stop`, end of stdin (pipe mode) or SIGTERM; 2 for bad command-line usage; 75
(`EXIT_RESTART`) when a reload changed the endpoint (driver, host, port, endpoint URL
or unit id): start the worker again, it reads the new configuration.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Any

from panel.connections.worker.group import GroupWorker
from panel.connections.worker.ipc_socket import SocketOutput, SocketServer
from panel.connections.worker.lifeline import die_with_parent, on_termination
from panel.connections.worker.protocol import FULL_REFRESH_S, CommandReader, Output
from panel.connections.worker.sink import SinkFactory
from panel.connections.worker.source import ConfigSource
from panel.connections.worker.timing import phase_of
from panel.connections.worker.worker import Worker


@functools.cache
def build_parser() -> argparse.ArgumentParser:
    """The worker's argument parser, made once (a zygote makes it before it forks:
    a forked worker only parses its command line)."""
    parser = argparse.ArgumentParser(
        prog="opspanel worker connection",
        description="Run one field-device connection (JSON lines on stdout, commands on stdin).",
    )
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--conn-id", help="the connection's id")
    who.add_argument("--group", help="run every connection of this group in this process")
    parser.add_argument("--workspace", default=None, help="the workspace folder (its database)")
    parser.add_argument(
        "--config-json", default=None, help="read the connection from this JSON file instead"
    )
    parser.add_argument("--full-refresh-s", type=float, default=FULL_REFRESH_S)
    parser.add_argument("--stats-interval-s", type=float, default=1.0)
    parser.add_argument(
        "--ipc-dir",
        default=None,
        help="listen on a Unix socket in this folder (outlive the engine)",
    )
    parser.add_argument(
        "--log-file", default=None, help="with --ipc-dir: where stray output and orphan logs go"
    )
    parser.add_argument(
        "--orphan-timeout-s",
        type=float,
        default=0.0,
        help="with --ipc-dir: stop after this long without an engine (0: never)",
    )
    return parser


def _protocol_stream() -> Any:
    """Keep fd 1 for protocol lines only: stray prints and library output go to stderr."""
    stream = os.fdopen(os.dup(sys.stdout.fileno()), "wb", buffering=0)
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    return stream


Runner = Worker | GroupWorker


async def _serve(worker: Runner, output: Output) -> int:
    await output.open()
    loop = asyncio.get_running_loop()
    on_termination(loop, worker.request_stop)
    reader = CommandReader(
        worker.handle_command,
        on_eof=worker.request_stop,
        on_bad_line=lambda why: worker.log("warning", f"bad command line: {why}"),
    )
    await reader.start()
    try:
        return await worker.run()
    finally:
        reader.close()
        await output.drain()
        output.close()
        await asyncio.sleep(0)  # let the transport close the pipe


async def _serve_socket(worker: Runner, output: SocketOutput, folder: str) -> int:
    loop = asyncio.get_running_loop()
    on_termination(loop, worker.request_stop)
    output.on_attach = worker.on_engine_attached
    output.on_orphan_timeout = worker.request_stop
    server = SocketServer(
        Path(folder),
        output,
        worker.handle_command,
        on_bad_line=lambda why: worker.log("warning", f"bad command line: {why}"),
    )
    await server.start()
    await output.open()
    try:
        return await worker.run()
    finally:
        await output.drain()
        server.close()
        output.close()
        await asyncio.sleep(0)  # let the transport close the socket


def _detach_from_engine(log_file: str | None) -> None:
    """Socket mode: no parent-death signal, and fds 0-2 need no engine (stdin from
    /dev/null, stdout and stderr to the worker's own log file)."""
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    target = os.devnull
    if log_file:
        with contextlib.suppress(OSError):
            os.makedirs(os.path.dirname(log_file) or ".", exist_ok=True)
        target = log_file
    try:
        out = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError:
        out = os.open(os.devnull, os.O_WRONLY | os.O_CLOEXEC)
    null = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(null, 0)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(null)
    os.close(out)
    sys.stdout = sys.stderr


class _ForwardHandler(logging.Handler):
    """Library log records become `log` messages (kept while no engine is attached)."""

    def __init__(self, output: SocketOutput) -> None:
        super().__init__(logging.WARNING)
        self._output = output

    def emit(self, record: logging.LogRecord) -> None:
        level = record.levelname.lower()
        level = level if level in ("debug", "info", "warning", "error") else "error"
        with contextlib.suppress(Exception):
            self._output.send({"t": "log", "level": level, "msg": self.format(record)})


def main(argv: list[str], sink_factory: SinkFactory | None = None, *, forked: bool = False) -> int:
    """Run a connection worker; returns the exit code (see the module docstring).

    `sink_factory` makes the worker's second consumer (the tag bus), if any. A worker
    `forked` by a zygote sets no parent-death signal (its parent is the zygote, whose
    death must not end it): the end of its stdin and the engine's reaper are its
    lifeline.
    """
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    socket_mode = args.ipc_dir is not None
    output: Output | SocketOutput
    if socket_mode:
        _detach_from_engine(args.log_file)
        who = args.conn_id if args.group is None else f"group:{args.group}"
        output = SocketOutput(who, max(0.0, args.orphan_timeout_s))
        logging.getLogger().addHandler(_ForwardHandler(output))
        logging.getLogger().setLevel(logging.WARNING)
    else:
        if not forked:
            die_with_parent()
        logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
        output = Output(_protocol_stream())
    source = ConfigSource(args.conn_id or "", args.workspace, args.config_json)

    async def start() -> int:
        worker: Runner
        if args.group is not None:
            worker = GroupWorker(
                args.group,
                source,
                output,
                full_refresh_s=args.full_refresh_s,
                stats_interval_s=args.stats_interval_s,
                make_sink=(lambda c: sink_factory(c, args.workspace)) if sink_factory else None,
            )
        else:
            config, problems = source.load()
            worker = Worker(
                config,
                problems,
                output,
                full_refresh_s=args.full_refresh_s,
                stats_interval_s=args.stats_interval_s,
                reload_source=source.load,
                sink=sink_factory(args.conn_id, args.workspace) if sink_factory else None,
                phase=phase_of(args.conn_id or (config.id if config else "")),
            )
        if isinstance(output, SocketOutput):
            return await _serve_socket(worker, output, args.ipc_dir)
        return await _serve(worker, output)

    try:
        return asyncio.run(start())
    finally:
        source.close()
