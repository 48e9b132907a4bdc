"""`opspanel ctl sessions create | exec | write | read | list | close`: runner sessions.

`exec ID -- CMD ARGS...` runs a shell command in the session and shows its output
live (`session.execute` with ``"stream": true``: each ``session.output``
notification is printed on stdout or stderr as it arrives), then exits with the
command's exit code. With `--json` it prints the final reply alone.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from panel.api.ctl_common import (
    EXIT_API,
    EXIT_OK,
    EXIT_USAGE,
    WAIT_TIMEOUT,
    add_json,
    client_for,
    dash,
    fail,
    print_json,
    timeout_of,
)
from panel.api.ctl_table import print_table

EXEC_ANSWER_MARGIN_S = 30.0
"""How much longer than the command's own timeout `exec` waits for the engine's answer."""


def add_sessions(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `sessions` command group."""
    sessions = sub.add_parser("sessions", parents=[common], help="runner sessions")
    ss = sessions.add_subparsers(metavar="ACTION")
    sessions.set_defaults(group_parser=sessions)
    create = ss.add_parser("create", parents=[common], help="start a session, print its id")
    create.add_argument("--idle-minutes", type=float, metavar="M", help="idle timeout")
    create.add_argument("--lifetime-minutes", type=float, metavar="M", help="maximum lifetime")
    create.add_argument("--memory-mb", type=int, metavar="MB", help="memory limit of commands")
    create.add_argument(
        "--network", action="store_true", help="commands may use the network (off by default)"
    )
    create.add_argument("--no-network", action="store_true", help=argparse.SUPPRESS)
    create.add_argument("--max-processes", type=int, metavar="N", help="process limit")
    create.add_argument("--disk-mb", type=int, metavar="MB", help="disk quota of the folder")
    add_json(create)
    create.set_defaults(run=_cmd_create)
    run = ss.add_parser(
        "exec", parents=[common], help="run a command, its output live: exec ID -- CMD ARGS..."
    )
    run.add_argument("id", metavar="ID")
    run.add_argument("--timeout-ms", type=int, default=60_000, metavar="MS")
    run.add_argument("argv", nargs=argparse.REMAINDER, metavar="-- CMD ARGS")
    add_json(run, "print the final reply as JSON (no live output)")
    run.set_defaults(run=_cmd_exec)
    write = ss.add_parser("write", parents=[common], help="write stdin to a file: write ID PATH")
    write.add_argument("id", metavar="ID")
    write.add_argument("path", metavar="PATH")
    write.add_argument("--mode", choices=("Create", "Append", "Overwrite"), default="Overwrite")
    add_json(write)
    write.set_defaults(run=_cmd_write)
    read = ss.add_parser("read", parents=[common], help="print a file: read ID PATH")
    read.add_argument("id", metavar="ID")
    read.add_argument("path", metavar="PATH")
    add_json(read)
    read.set_defaults(run=_cmd_read)
    listing = ss.add_parser("list", parents=[common], help="open sessions")
    add_json(listing)
    listing.set_defaults(run=_cmd_list)
    close = ss.add_parser("close", parents=[common], help="close a session: close ID")
    close.add_argument("id", metavar="ID")
    add_json(close)
    close.set_defaults(run=_cmd_close)


def _session_call(args: argparse.Namespace, method: str, params: dict[str, Any]) -> Any:
    with client_for(args) as client:
        return client.call(method, params, timeout=timeout_of(args, WAIT_TIMEOUT))


def _execute(args: argparse.Namespace, command: dict[str, Any]) -> dict[str, Any]:
    return dict(_session_call(args, "session.execute", {"sessionId": args.id, "command": command}))


def _cmd_create(args: argparse.Namespace) -> int:
    params: dict[str, Any] = {}
    for name, key in (
        ("idle_minutes", "idleTimeoutMinutes"),
        ("lifetime_minutes", "maxLifetimeMinutes"),
        ("memory_mb", "memoryLimitMB"),
        ("max_processes", "maxProcesses"),
        ("disk_mb", "diskLimitMB"),
    ):
        if getattr(args, name) is not None:
            params[key] = getattr(args, name)
    if args.network and not args.no_network:
        params["network"] = True
    created = _session_call(args, "session.create", params)
    if args.json:
        print_json(created)
    else:
        print(created["sessionId"])
    return EXIT_OK


class _LiveOutput:
    """Prints `session.output` notifications of one execution as they arrive."""

    def __init__(self) -> None:
        self.shown: set[str] = set()

    def __call__(self, note: dict[str, Any]) -> None:
        if note.get("method") != "session.output":
            return
        params = note.get("params") or {}
        name = params.get("stream")
        out = sys.stderr if name == "stderr" else sys.stdout
        out.write(str(params.get("data", "")))
        out.flush()
        self.shown.add("stderr" if name == "stderr" else "stdout")


def _cmd_exec(args: argparse.Namespace) -> int:
    argv = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
    if not argv:
        return fail("sessions exec needs a command: exec ID -- CMD ARGS...", EXIT_USAGE)
    command = {
        "type": "execute_shell",
        "commandName": argv[0],
        "args": argv[1:],
        "timeoutMs": args.timeout_ms,
    }
    params = {"sessionId": args.id, "command": command, "stream": not args.json}
    live = _LiveOutput()
    timeout = timeout_of(args, args.timeout_ms / 1000 + EXEC_ANSWER_MARGIN_S)
    with client_for(args) as client:
        reply = dict(client.call("session.execute", params, timeout, on_notification=live))
    if args.json:
        print_json(reply)
        return EXIT_OK if reply.get("success") else EXIT_API
    result = reply.get("result") or reply.get("errorData") or {}
    if "stdout" not in live.shown:  # nothing came live (an error before it ran): the rest
        sys.stdout.write(result.get("stdout", ""))
    if "stderr" not in live.shown:
        sys.stderr.write(result.get("stderr", ""))
    if not reply.get("success"):
        return fail(str(reply.get("error")), EXIT_API)
    code = result.get("exitCode")
    return int(code) if isinstance(code, int) else EXIT_API


def _cmd_write(args: argparse.Namespace) -> int:
    content = sys.stdin.read()
    command = {"type": "write_file", "path": args.path, "content": content, "mode": args.mode}
    return _file_reply(args, _execute(args, command), None)


def _cmd_read(args: argparse.Namespace) -> int:
    return _file_reply(args, _execute(args, {"type": "read_file", "path": args.path}), "content")


def _file_reply(args: argparse.Namespace, reply: dict[str, Any], show: str | None) -> int:
    if args.json:
        print_json(reply)
    elif reply.get("success") and show is not None:
        sys.stdout.write(str(reply["result"][show]))
    elif reply.get("success"):
        print(f"wrote {args.path}")
    if not reply.get("success"):
        return fail(str(reply.get("error")), EXIT_API)
    return EXIT_OK


def _cmd_list(args: argparse.Namespace) -> int:
    listed = _session_call(args, "session.list", {})
    if args.json:
        print_json(listed)
        return EXIT_OK
    if not listed["sessions"]:
        print("no session is open")
        return EXIT_OK
    rows = [
        (
            row["sessionId"],
            row["state"],
            dash(row.get("pid")),
            row["executionCount"],
            f"{row['idleMinutes']:.1f} min",
            f"{row['lifetimeMinutes']:.1f} min",
            "-" if row.get("memoryMB") is None else f"{row['memoryMB']:.0f} MB",
            row.get("sandbox", "-"),
            "on" if row.get("network") else "off",
        )
        for row in listed["sessions"]
    ]
    headers = ("ID", "STATE", "PID", "RUNS", "IDLE", "LIFE", "MEMORY", "SANDBOX", "NETWORK")
    print_table(headers, rows, right=(2, 3, 4, 5, 6))
    return EXIT_OK


def _cmd_close(args: argparse.Namespace) -> int:
    closed = _session_call(args, "session.close", {"sessionId": args.id, "wait": True})
    if args.json:
        print_json(closed)
    else:
        print(f"closed {args.id}")
    return EXIT_OK
