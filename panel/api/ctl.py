"""`opspanel ctl`: drive a running engine through its API.

Which engine: ``--workspace DIR`` (this machine, through its api.json; the
default is the per-user workspace), or ``--url URL``: ``wss://host:port`` with
``--token-file FILE`` (0600) and optionally ``--tls-ca FILE``, or
``ssh://[user@]host[:port][/workspace]`` (see `panel.remote.ssh`; ``--ssh-config
FILE`` passes ``ssh -F FILE``). The environment variables OPSPANEL_WORKSPACE,
OPSPANEL_URL, OPSPANEL_TOKEN_FILE, OPSPANEL_TLS_CA and OPSPANEL_SSH_CONFIG stand
in for options not given.

Exit codes: 0 success, 1 API error (the engine answered a call with an error or
timed out, or api.json or the token file is unsafe), 2 usage error, 3 no engine
to drive: not running (no api.json, nobody answers, host unreachable, the
connection lost; for this machine's workspace the message says how to start
one) or not usable (the token refused, the TLS certificate or SSH host key not
trusted, the SSH login refused, another engine version).
`server start|stop|restart --wait` (and `services ... --wait`) also exits 1
when the server (a service) ends in state "error".
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from panel.api.apifile import ApiFileError
from panel.api.client import (
    ApiClient,
    ApiClientError,
    ConnectionLost,
    EngineNotRunning,
    Unauthorized,
)
from panel.api.ctl_common import (
    CALL_TIMEOUT,
    DEFAULT_TAIL,
    EXIT_API,
    EXIT_NOT_RUNNING,
    EXIT_OK,
    EXIT_USAGE,
    WAIT_TIMEOUT,
    UsageError,
    add_json,
    call,
    client_for,
    dash,
    fail,
    format_server_status,
    format_timestamp,
    format_uptime,
    non_negative,
    print_json,
    target,
    timeout_of,
)
from panel.api.ctl_spinner import Spinner
from panel.remote.errors import EngineRefused, EngineUnreachable, RemoteError

__all__ = ["format_log_line", "format_server_status", "format_uptime", "main", "parser"]


def main(argv: list[str]) -> int:
    """Run `opspanel ctl ARGV...`; returns the exit code."""
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if not getattr(args, "run", None):  # a group named without its action: show the group
        (getattr(args, "group_parser", None) or parser()).print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.run(args))
    except (EngineNotRunning, EngineUnreachable, EngineRefused, Unauthorized) as exc:
        nobody = isinstance(exc, EngineNotRunning | EngineUnreachable)
        hint = start_hint(args) if nobody and not isinstance(exc, ConnectionLost) else None
        return fail(f"{exc}; {hint}" if hint else str(exc), EXIT_NOT_RUNNING)
    except (ApiClientError, ApiFileError, RemoteError) as exc:
        return fail(str(exc), EXIT_API)
    except UsageError as exc:
        return fail(str(exc), EXIT_USAGE)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (`| head`): nothing more to say
        return EXIT_OK


def start_hint(args: argparse.Namespace) -> str | None:
    """How to start this workspace's engine when ctl found none (None for another
    machine's: what is wrong there, the message already says)."""
    try:
        where = target(args) or ""
    except UsageError:
        return None
    if "://" in where:
        return None
    return (
        f"start one with `opspanel --headless --workspace {where}` (runs until stopped) "
        f"or `opspanel service install --workspace {where}` (a service that starts at login)"
    )


# -- command line --------------------------------------------------------------------


def common_options() -> argparse.ArgumentParser:
    """Options accepted before and after any subcommand."""
    common = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    common.add_argument("--workspace", metavar="DIR", help="workspace folder (default: per user)")
    common.add_argument(
        "--url", metavar="URL", help="another engine: wss://HOST:PORT or ssh://[USER@]HOST[/DIR]"
    )
    common.add_argument("--token-file", metavar="FILE", help="the engine's token (for wss://)")
    common.add_argument("--tls-ca", metavar="FILE", help="trust this certificate or CA (wss://)")
    common.add_argument("--ssh-config", metavar="FILE", help="ssh configuration file (ssh://)")
    common.add_argument("--timeout", type=float, metavar="S", help="seconds to wait for answers")
    return common


DESCRIPTION = "Drive a running OpsPanel engine."


def parser() -> argparse.ArgumentParser:
    """The whole `opspanel ctl` command tree."""
    common = common_options()
    top = argparse.ArgumentParser(prog="opspanel ctl", parents=[common], description=DESCRIPTION)
    add_commands(top, common)
    return top


def add_commands(
    top: argparse.ArgumentParser, common: argparse.ArgumentParser | None = None
) -> None:
    """Every ctl command group on `top` (ctl's own parser, or `opspanel ctl` in the full tree)."""
    from panel.api.ctl_conns import add_conns
    from panel.api.ctl_jobs import add_datasets, add_jobs
    from panel.api.ctl_services import add_services
    from panel.api.ctl_sessions import add_sessions

    common = common or common_options()
    sub = top.add_subparsers(metavar="COMMAND")
    status = sub.add_parser("status", parents=[common], help="engine and server status")
    add_json(status)
    status.set_defaults(run=_cmd_status)

    server = sub.add_parser("server", parents=[common], help="the Python server")
    server_sub = server.add_subparsers(metavar="ACTION")
    server.set_defaults(group_parser=server)
    for action in ("start", "stop", "restart"):
        cmd = server_sub.add_parser(action, parents=[common], help=f"{action} the server")
        cmd.add_argument("--wait", action="store_true", help="answer when the action is done")
        add_json(cmd)
        cmd.set_defaults(run=_cmd_server_action, action=action)
    server_status = server_sub.add_parser("status", parents=[common], help="server status")
    add_json(server_status)
    server_status.set_defaults(run=_cmd_server_status)

    logs = sub.add_parser("logs", parents=[common], help="recent log lines, or follow them")
    logs.add_argument("-f", "--follow", action="store_true", help="keep printing new lines")
    logs.add_argument("--source", metavar="S", help="only this source (e.g. server)")
    logs.add_argument(
        "-n",
        type=non_negative,
        default=DEFAULT_TAIL,
        metavar="N",
        help=f"how many recent lines (default {DEFAULT_TAIL})",
    )
    add_json(logs, "print one JSON object per line")
    logs.set_defaults(run=_cmd_logs)
    add_conns(sub, common)
    _add_mqtt(sub, common)
    add_jobs(sub, common)
    add_datasets(sub, common)
    add_sessions(sub, common)
    add_services(sub, common)


def _add_mqtt(sub: Any, common: argparse.ArgumentParser) -> None:
    mqtt = sub.add_parser("mqtt", parents=[common], help="the MQTT tag bus")
    mqtt_sub = mqtt.add_subparsers(metavar="ACTION")
    mqtt.set_defaults(group_parser=mqtt)
    status = mqtt_sub.add_parser(
        "status", parents=[common], help="broker, URL, connected publishers, messages/s"
    )
    add_json(status)
    status.set_defaults(run=_cmd_mqtt_status)


# -- commands ------------------------------------------------------------------------


def _cmd_status(args: argparse.Namespace) -> int:
    result = call(args, "status")
    if args.json:
        print_json(result)
        return EXIT_OK
    engine = result.get("engine") or {}
    print(
        f"engine   pid {dash(engine.get('pid'))}  version {dash(engine.get('version'))}  "
        f"up {format_uptime(engine.get('uptime'))}  workspace {dash(engine.get('workspace'))}"
    )
    print(f"server   {format_server_status(result.get('server') or {})}")
    history = result.get("history") or {}
    if history.get("error"):
        waiting = history.get("pendingWrites", 0)
        print(f"history  not written: {history['error']}  ({waiting} writes waiting)")
    return EXIT_OK


def _cmd_server_status(args: argparse.Namespace) -> int:
    result = call(args, "server.status")
    _print_server(result, args.json)
    return EXIT_OK


def _cmd_server_action(args: argparse.Namespace) -> int:
    timeout = WAIT_TIMEOUT if args.wait else CALL_TIMEOUT
    with Spinner(f"{args.action} the server", enabled=args.wait):
        result = call(args, f"server.{args.action}", {"wait": args.wait}, timeout)
    _print_server(result, args.json)
    if args.wait and isinstance(result, dict) and result.get("status") == "error":
        return fail(f"server {args.action} failed: {result.get('lastError')}", EXIT_API)
    return EXIT_OK


def _print_server(result: Any, as_json: bool) -> None:
    if as_json:
        print_json(result)
    else:
        print(format_server_status(result if isinstance(result, dict) else {}))


def _cmd_logs(args: argparse.Namespace) -> int:
    params: dict[str, Any] = {"source": args.source} if args.source else {}
    timeout = timeout_of(args, CALL_TIMEOUT)
    with client_for(args) as client:
        if args.follow:
            client.call("logs.subscribe", params, timeout=timeout)
        lines = client.call("logs.tail", {"n": args.n, **params}, timeout=timeout)["lines"]
        _print_lines(lines, args.json)
        if args.follow:
            seen = {_line_key(line) for line in lines}
            _follow(client, seen, args.json)
    return EXIT_OK


def _follow(client: ApiClient, seen: set[tuple[Any, Any]], as_json: bool) -> None:
    """Print `logs.lines` notifications until the engine goes away (or Ctrl-C)."""
    for note in client.notifications():
        method, params = note.get("method"), note.get("params") or {}
        if method == "rpc.dropped":
            print(f"... {params.get('dropped')} notifications dropped (too slow)", file=sys.stderr)
        elif method == "logs.lines":
            _print_lines(_unseen(params.get("lines", []), seen), as_json)


def _unseen(lines: list[dict[str, Any]], seen: set[tuple[Any, Any]]) -> list[dict[str, Any]]:
    """Lines not already printed by the tail (each tail line is skipped once)."""
    fresh = []
    for line in lines:
        key = _line_key(line)
        if key in seen:
            seen.discard(key)
        else:
            fresh.append(line)
    return fresh


def _line_key(line: dict[str, Any]) -> tuple[Any, Any]:
    return (line.get("source"), line.get("seq"))


def _cmd_mqtt_status(args: argparse.Namespace) -> int:
    result = call(args, "mqtt.status")
    if args.json:
        print_json(result)
        return EXIT_OK
    for line in format_mqtt_status(result):
        print(line)
    return EXIT_OK


# -- output --------------------------------------------------------------------------


def _print_lines(lines: Iterable[dict[str, Any]], as_json: bool, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    for line in lines:
        out.write((json.dumps(line) if as_json else format_log_line(line)) + "\n")
    out.flush()


def format_mqtt_status(status: dict[str, Any]) -> list[str]:
    """The bus in a few lines: the bus, its broker, the engine's client, each publisher."""
    if not status.get("enabled"):
        problem = status.get("problem")
        return [f"bus: off{f' ({problem})' if problem else ' (no mqtt section)'}"]
    broker = status.get("broker") or {}
    lines = [
        f"bus: on  base topic {status.get('baseTopic')}  "
        f"writes {'on' if status.get('writes') else 'off'}  "
        f"publishers {status.get('connectedPublishers', 0)}/{len(status.get('publishers', []))}"
        f" connected  {dash(status.get('publishedPerS'))} messages/s published"
    ]
    if broker.get("kind") == "embedded":
        adopted = " (adopted)" if broker.get("adopted") else ""
        lines.append(
            f"broker: embedded  {broker.get('state')}{adopted}  {dash(broker.get('url'))}  "
            f"pid {dash(broker.get('pid'))}  clients {dash(broker.get('clients'))}  "
            f"{dash(broker.get('messagesPerS'))} messages/s in"
        )
    else:
        lines.append(f"broker: external  {dash(broker.get('url'))}")
    engine = status.get("engine") or {}
    lines.append(f"engine: {engine.get('state')}{_why(engine.get('error'))}")
    for pub in status.get("publishers", []):
        last = pub.get("lastPublished")
        when = format_timestamp(last) if last else "-"
        lines.append(
            f"{pub.get('id')}: {pub.get('state')}  last published {when}{_why(pub.get('error'))}"
        )
    return lines


def _why(error: Any) -> str:
    return f"  ({error})" if error else ""


def format_log_line(line: dict[str, Any]) -> str:
    """`HH:MM:SS.mmm source [LEVEL] text`."""
    level = str(line.get("level") or "-").upper()
    stamp = format_timestamp(line.get("ts"))
    return f"{stamp} {line.get('source', '?')} [{level}] {line.get('text', '')}"
