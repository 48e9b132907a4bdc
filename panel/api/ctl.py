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
connection lost) or not usable (the token refused, the TLS certificate or SSH
host key not trusted, the SSH login refused, another engine version).
`server start|stop|restart --wait` (and `services ... --wait`) also exits 1
when the server (a service) ends in state "error".
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, TextIO

from panel import __version__
from panel.api.apifile import ApiFileError
from panel.api.client import ApiClient, ApiClientError, ApiError, EngineNotRunning, Unauthorized
from panel.api.ctl_jobs_text import format_allocation, format_dashboard, format_released
from panel.remote.connect import open_endpoint
from panel.remote.errors import EngineRefused, EngineUnreachable, RemoteError
from panel.remote.version import check_version

EXIT_OK, EXIT_API, EXIT_USAGE, EXIT_NOT_RUNNING = 0, 1, 2, 3
CALL_TIMEOUT = 10.0
WRITE_ANSWER_MARGIN = 60.0
WAIT_TIMEOUT = 60.0
DEFAULT_TAIL = 20


def main(argv: list[str]) -> int:
    """Run `opspanel ctl ARGV...`; returns the exit code."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if not getattr(args, "run", None):  # a group named without its action: show the group
        (getattr(args, "group_parser", None) or _parser()).print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.run(args))
    except (EngineNotRunning, EngineUnreachable, EngineRefused, Unauthorized) as exc:
        return _fail(str(exc), EXIT_NOT_RUNNING)  # no engine this ctl can drive
    except (ApiClientError, ApiFileError, RemoteError) as exc:
        return _fail(str(exc), EXIT_API)
    except _UsageError as exc:
        return _fail(str(exc), EXIT_USAGE)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (`| head`): nothing more to say
        return EXIT_OK


def _fail(message: str, code: int) -> int:
    print(f"opspanel ctl: {message}", file=sys.stderr)
    return code


# -- command line --------------------------------------------------------------------


def _common() -> argparse.ArgumentParser:
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


def _parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="opspanel ctl", parents=[common], description="Drive a running OpsPanel engine."
    )
    sub = parser.add_subparsers(metavar="COMMAND")
    status = sub.add_parser("status", parents=[common], help="engine and server status")
    _add_json(status)
    status.set_defaults(run=_cmd_status)

    server = sub.add_parser("server", parents=[common], help="the Python server")
    server_sub = server.add_subparsers(metavar="ACTION")
    server.set_defaults(group_parser=server)
    for action in ("start", "stop", "restart"):
        cmd = server_sub.add_parser(action, parents=[common], help=f"{action} the server")
        cmd.add_argument("--wait", action="store_true", help="answer when the action is done")
        _add_json(cmd)
        cmd.set_defaults(run=_cmd_server_action, action=action)
    server_status = server_sub.add_parser("status", parents=[common], help="server status")
    _add_json(server_status)
    server_status.set_defaults(run=_cmd_server_status)

    logs = sub.add_parser("logs", parents=[common], help="recent log lines, or follow them")
    logs.add_argument("-f", "--follow", action="store_true", help="keep printing new lines")
    logs.add_argument("--source", metavar="S", help="only this source (e.g. server)")
    logs.add_argument(
        "-n",
        type=_non_negative,
        default=DEFAULT_TAIL,
        metavar="N",
        help=f"how many recent lines (default {DEFAULT_TAIL})",
    )
    _add_json(logs, "print one JSON object per line")
    logs.set_defaults(run=_cmd_logs)
    _add_conns(sub, common)
    _add_mqtt(sub, common)
    _add_jobs(sub, common)
    _add_datasets(sub, common)
    _add_sessions(sub, common)
    from panel.api.ctl_services import add_services  # it uses this module's helpers

    add_services(sub, common)
    return parser


def _add_sessions(sub: Any, common: argparse.ArgumentParser) -> None:
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
    _add_json(create)
    create.set_defaults(run=_cmd_sessions_create)
    run = ss.add_parser("exec", parents=[common], help="run a command: exec ID -- CMD ARGS...")
    run.add_argument("id", metavar="ID")
    run.add_argument("--timeout-ms", type=int, default=60_000, metavar="MS")
    run.add_argument("argv", nargs=argparse.REMAINDER, metavar="-- CMD ARGS")
    _add_json(run)
    run.set_defaults(run=_cmd_sessions_exec)
    write = ss.add_parser("write", parents=[common], help="write stdin to a file: write ID PATH")
    write.add_argument("id", metavar="ID")
    write.add_argument("path", metavar="PATH")
    write.add_argument("--mode", choices=("Create", "Append", "Overwrite"), default="Overwrite")
    _add_json(write)
    write.set_defaults(run=_cmd_sessions_write)
    read = ss.add_parser("read", parents=[common], help="print a file: read ID PATH")
    read.add_argument("id", metavar="ID")
    read.add_argument("path", metavar="PATH")
    _add_json(read)
    read.set_defaults(run=_cmd_sessions_read)
    listing = ss.add_parser("list", parents=[common], help="open sessions")
    _add_json(listing)
    listing.set_defaults(run=_cmd_sessions_list)
    close = ss.add_parser("close", parents=[common], help="close a session: close ID")
    close.add_argument("id", metavar="ID")
    _add_json(close)
    close.set_defaults(run=_cmd_sessions_close)


def _add_jobs(sub: Any, common: argparse.ArgumentParser) -> None:
    jobs = sub.add_parser("jobs", parents=[common], help="the job graph")
    jobs_sub = jobs.add_subparsers(metavar="ACTION")
    jobs.set_defaults(group_parser=jobs)
    listing = jobs_sub.add_parser("list", parents=[common], help="jobs, next fire, last run")
    listing.add_argument("--category", metavar="C", help="only the jobs of category C")
    listing.add_argument("--tag", metavar="T", help="only the jobs tagged T")
    _add_json(listing)
    listing.set_defaults(run=_cmd_jobs_list)
    status = jobs_sub.add_parser(
        "status", parents=[common], help="today's figures, running, next 5, recent failures"
    )
    _add_json(status, "print jobs.dashboard's JSON answer")
    status.set_defaults(run=_cmd_jobs_status)
    run = jobs_sub.add_parser("run", parents=[common], help="run a job (upstream first)")
    run.add_argument("id", metavar="ID")
    run.add_argument("--opt", action="append", default=[], metavar="K=V", help="an option")
    run.add_argument("--only", action="store_true", help="run the job alone, not its upstream")
    run.add_argument("--confirm", action="store_true", help="run a flagged dangerous command")
    run.add_argument("--wait", action="store_true", help="answer when the run is final")
    _add_json(run)
    run.set_defaults(run=_cmd_jobs_run)
    cancel = jobs_sub.add_parser("cancel", parents=[common], help="cancel a run")
    cancel.add_argument("run_id", metavar="RUN", type=int)
    cancel.set_defaults(run=_cmd_jobs_cancel)
    history = jobs_sub.add_parser("history", parents=[common], help="recent runs")
    history.add_argument("--job", metavar="ID")
    history.add_argument("-n", type=_non_negative, default=DEFAULT_TAIL, metavar="N")
    _add_json(history, "print the runs as a JSON array")
    history.set_defaults(run=_cmd_jobs_history)
    watch = jobs_sub.add_parser(
        "watch",
        parents=[common],
        help="the watched jobs file: show it, watch FILE, or --off (exit 1 on an import error)",
    )
    target = watch.add_mutually_exclusive_group()
    target.add_argument("file", metavar="FILE", nargs="?", help="a JSON file of jobs to watch")
    target.add_argument("--off", action="store_true", help="stop watching (the jobs stay)")
    _add_json(watch)
    watch.set_defaults(run=_cmd_jobs_watch)


def _add_datasets(sub: Any, common: argparse.ArgumentParser) -> None:
    datasets = sub.add_parser("datasets", parents=[common], help="dataset allocations")
    datasets_sub = datasets.add_subparsers(metavar="ACTION")
    datasets.set_defaults(group_parser=datasets)
    listing = datasets_sub.add_parser("list", parents=[common], help="who holds which dataset")
    _add_json(listing)
    listing.set_defaults(run=_cmd_datasets_list)
    release = datasets_sub.add_parser(
        "release", parents=[common], help="free a dataset (a stuck allocation; audited)"
    )
    release.add_argument("name", metavar="NAME")
    release.add_argument("--force", action="store_true", help="also while its holder still runs")
    _add_json(release)
    release.set_defaults(run=_cmd_datasets_release)


def _add_conns(sub: Any, common: argparse.ArgumentParser) -> None:
    conns = sub.add_parser("conns", parents=[common], help="field-device connections")
    conns_sub = conns.add_subparsers(metavar="ACTION")
    conns.set_defaults(group_parser=conns)
    listing = conns_sub.add_parser("list", parents=[common], help="connections and their state")
    _add_json(listing)
    listing.set_defaults(run=_cmd_conns_list)
    for action in ("start", "stop", "restart"):
        cmd = conns_sub.add_parser(action, parents=[common], help=f"{action} a connection")
        cmd.add_argument("id", metavar="ID")
        cmd.add_argument("--wait", action="store_true", help="answer when the action is done")
        _add_json(cmd)
        cmd.set_defaults(run=_cmd_conns_action, action=action)
    tags = conns_sub.add_parser("tags", parents=[common], help="live tag values of a connection")
    tags.add_argument("id", metavar="ID")
    _add_json(tags, "print a JSON list of {name, value, quality, timestamp, ...}")
    tags.set_defaults(run=_cmd_conns_tags)
    write = conns_sub.add_parser(
        "write",
        parents=[common],
        help="write a value to a tag (--timeout S: how long it may wait for the link)",
    )
    write.add_argument("id", metavar="ID")
    write.add_argument("tag", metavar="TAG")
    write.add_argument("value", metavar="VALUE", help="parsed as the tag's type wants")
    _add_json(write)
    write.set_defaults(run=_cmd_conns_write)
    from panel.api.ctl_conns import add_parsers  # its commands use this module's helpers

    add_parsers(conns_sub, common)


def _add_mqtt(sub: Any, common: argparse.ArgumentParser) -> None:
    mqtt = sub.add_parser("mqtt", parents=[common], help="the MQTT tag bus")
    mqtt_sub = mqtt.add_subparsers(metavar="ACTION")
    mqtt.set_defaults(group_parser=mqtt)
    status = mqtt_sub.add_parser(
        "status", parents=[common], help="broker, URL, connected publishers, messages/s"
    )
    _add_json(status)
    status.set_defaults(run=_cmd_mqtt_status)


def _add_json(parser: argparse.ArgumentParser, text: str = "print the JSON answer") -> None:
    parser.add_argument("--json", action="store_true", help=text)


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be >= 0")
    return value


class _UsageError(Exception):
    """Options that contradict each other (exit 2)."""


def _option(args: argparse.Namespace, name: str, env: str) -> str | None:
    value = getattr(args, name, None)
    return value if value is not None else (os.environ.get(env) or None)


def _target(args: argparse.Namespace) -> str | None:
    """The engine to reach: --workspace or --url, else OPSPANEL_WORKSPACE or OPSPANEL_URL."""
    workspace, url = getattr(args, "workspace", None), getattr(args, "url", None)
    if workspace is not None and url is not None:
        raise _UsageError("give --workspace or --url, not both")
    if workspace is None and url is None:
        workspace, url = os.environ.get("OPSPANEL_WORKSPACE"), os.environ.get("OPSPANEL_URL")
        if workspace and url:
            raise _UsageError("set OPSPANEL_WORKSPACE or OPSPANEL_URL, not both")
    if url:
        return url
    from panel.workspace.location import resolve_workspace_dir

    return str(resolve_workspace_dir(workspace or None))


def _client(args: argparse.Namespace) -> ApiClient:
    endpoint = open_endpoint(
        _target(args),
        token_file=_option(args, "token_file", "OPSPANEL_TOKEN_FILE"),
        tls_ca=_option(args, "tls_ca", "OPSPANEL_TLS_CA"),
        ssh_config=_option(args, "ssh_config", "OPSPANEL_SSH_CONFIG"),
    )
    client = ApiClient.from_endpoint(endpoint, owns=True)
    try:
        check_version(client.engine_version, __version__)
    except BaseException:
        client.close()
        raise
    return client


def _timeout(args: argparse.Namespace, default: float) -> float:
    return float(getattr(args, "timeout", default))


# -- commands ------------------------------------------------------------------------


def _cmd_status(args: argparse.Namespace) -> int:
    with _client(args) as client:
        result = client.call("status", timeout=_timeout(args, CALL_TIMEOUT))
    if args.json:
        _print_json(result)
        return EXIT_OK
    engine = result.get("engine") or {}
    print(
        f"engine   pid {_dash(engine.get('pid'))}  version {_dash(engine.get('version'))}  "
        f"up {format_uptime(engine.get('uptime'))}  workspace {_dash(engine.get('workspace'))}"
    )
    print(f"server   {format_server_status(result.get('server') or {})}")
    history = result.get("history") or {}
    if history.get("error"):
        waiting = history.get("pendingWrites", 0)
        print(f"history  not written: {history['error']}  ({waiting} writes waiting)")
    return EXIT_OK


def _cmd_server_status(args: argparse.Namespace) -> int:
    with _client(args) as client:
        result = client.call("server.status", timeout=_timeout(args, CALL_TIMEOUT))
    _print_server(result, args.json)
    return EXIT_OK


def _cmd_server_action(args: argparse.Namespace) -> int:
    timeout = _timeout(args, WAIT_TIMEOUT if args.wait else CALL_TIMEOUT)
    with _client(args) as client:
        result = client.call(f"server.{args.action}", {"wait": args.wait}, timeout=timeout)
    _print_server(result, args.json)
    if args.wait and isinstance(result, dict) and result.get("status") == "error":
        return _fail(f"server {args.action} failed: {result.get('lastError')}", EXIT_API)
    return EXIT_OK


def _print_server(result: Any, as_json: bool) -> None:
    if as_json:
        _print_json(result)
    else:
        print(format_server_status(result if isinstance(result, dict) else {}))


def _cmd_logs(args: argparse.Namespace) -> int:
    params: dict[str, Any] = {"source": args.source} if args.source else {}
    timeout = _timeout(args, CALL_TIMEOUT)
    with _client(args) as client:
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


def _cmd_conns_list(args: argparse.Namespace) -> int:
    with _client(args) as client:
        result = client.call("conns.list", timeout=_timeout(args, CALL_TIMEOUT))
    if args.json:
        _print_json(result)
        return EXIT_OK
    for conn in result.get("connections", []):
        print(format_connection(conn))
    return EXIT_OK


def _cmd_mqtt_status(args: argparse.Namespace) -> int:
    with _client(args) as client:
        result = client.call("mqtt.status", timeout=_timeout(args, CALL_TIMEOUT))
    if args.json:
        _print_json(result)
        return EXIT_OK
    for line in format_mqtt_status(result):
        print(line)
    return EXIT_OK


def _cmd_conns_action(args: argparse.Namespace) -> int:
    timeout = _timeout(args, WAIT_TIMEOUT if args.wait else CALL_TIMEOUT)
    params = {"id": args.id, "wait": args.wait}
    with _client(args) as client:
        result = client.call(f"conns.{args.action}", params, timeout=timeout)
    if args.json:
        _print_json(result)
    else:
        print(format_connection(result))
    if args.wait and result.get("state") == "error":
        return _fail(f"connection {args.id} {args.action}: {result.get('reason')}", EXIT_API)
    return EXIT_OK


def _cmd_conns_tags(args: argparse.Namespace) -> int:
    with _client(args) as client:
        result = client.call("conns.tags", {"id": args.id}, timeout=_timeout(args, CALL_TIMEOUT))
    tags = result.get("tags", [])
    if args.json:
        _print_json(tags)
        return EXIT_OK
    for tag in tags:
        value = "-" if tag.get("value") is None else json.dumps(tag.get("value"))
        unit = f" {tag['unit']}" if tag.get("unit") else ""
        print(
            f"{tag.get('name')}  {value}{unit}  {tag.get('quality')}  "
            f"{format_timestamp(tag.get('timestamp')) if tag.get('timestamp') else '-'}"
        )
    return EXIT_OK


def _cmd_conns_write(args: argparse.Namespace) -> int:
    params: dict[str, Any] = {"id": args.id, "tag": args.tag, "value": args.value}
    timeout = CALL_TIMEOUT
    if hasattr(args, "timeout"):  # the write's own deadline: it is dropped unsent after it
        timeout = args.timeout
        params["timeoutMs"] = max(1, round(timeout * 1000))
    with _client(args) as client:
        # The engine always answers (done, failed or unknown) shortly after the deadline.
        result = client.call("conns.write", params, timeout=timeout + WRITE_ANSWER_MARGIN)
    if args.json:
        _print_json(result)
    else:
        print(f"wrote {args.tag} = {args.value} on {args.id}")
    return EXIT_OK


# -- output --------------------------------------------------------------------------


def _print_lines(lines: Iterable[dict[str, Any]], as_json: bool, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    for line in lines:
        out.write((json.dumps(line) if as_json else format_log_line(line)) + "\n")
    out.flush()


def _print_json(obj: Any) -> None:
    print(json.dumps(obj, indent=2))


def _dash(value: Any) -> str:
    return "-" if value is None else str(value)


def format_uptime(seconds: Any) -> str:
    """`0:03:12`, `2 days, 1:00:00`, or `-` when unknown."""
    if not isinstance(seconds, int | float) or isinstance(seconds, bool):
        return "-"
    return str(timedelta(seconds=int(seconds)))


def format_server_status(status: dict[str, Any]) -> str:
    """`running  pid 1234  port 8121  up 0:03:12  restarts 0` (+ `  error: ...`)."""
    text = (
        f"{status.get('status', 'unknown')}  pid {_dash(status.get('pid'))}  "
        f"port {_dash(status.get('port'))}  up {format_uptime(status.get('uptime'))}  "
        f"restarts {_dash(status.get('restarts'))}"
    )
    last_exit = status.get("lastExit")
    if isinstance(last_exit, dict):
        how = last_exit.get("signal") or 0
        text += (
            f"  last exit: signal {how}" if how else f"  last exit: code {last_exit.get('code')}"
        )
    if status.get("lastError"):
        text += f"  error: {status['lastError']}"
    return text


def format_connection(conn: dict[str, Any]) -> str:
    """`plc1  connected  127.0.0.1:502  pid 1234  up 0:03:12  restarts 0` (+ reason)."""
    text = (
        f"{conn.get('id')}  {conn.get('state', 'unknown')}  {_dash(conn.get('address'))}  "
        f"pid {_dash(conn.get('pid'))}  up {format_uptime(conn.get('uptime'))}  "
        f"restarts {_dash(conn.get('restarts'))}"
    )
    if conn.get("adopted"):
        text += "  adopted"
    if conn.get("reason") and conn.get("state") != "connected":
        text += f"  ({conn['reason']})"
    if conn.get("busState"):
        text += f"  bus {conn['busState']}"
    return text


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
        f" connected  {_dash(status.get('publishedPerS'))} messages/s published"
    ]
    if broker.get("kind") == "embedded":
        adopted = " (adopted)" if broker.get("adopted") else ""
        lines.append(
            f"broker: embedded  {broker.get('state')}{adopted}  {_dash(broker.get('url'))}  "
            f"pid {_dash(broker.get('pid'))}  clients {_dash(broker.get('clients'))}  "
            f"{_dash(broker.get('messagesPerS'))} messages/s in"
        )
    else:
        lines.append(f"broker: external  {_dash(broker.get('url'))}")
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


def format_timestamp(ts: Any) -> str:
    """Local `HH:MM:SS.mmm` from epoch seconds or an ISO 8601 string."""
    try:
        if isinstance(ts, str):
            moment = datetime.fromisoformat(ts)
            if moment.tzinfo is not None:
                moment = moment.astimezone()
        else:
            moment = datetime.fromtimestamp(float(ts))
    except (TypeError, ValueError, OverflowError, OSError):
        return "??:??:??.???"
    return f"{moment:%H:%M:%S}.{moment.microsecond // 1000:03d}"


def format_log_line(line: dict[str, Any]) -> str:
    """`HH:MM:SS.mmm source [LEVEL] text`."""
    level = str(line.get("level") or "-").upper()
    stamp = format_timestamp(line.get("ts"))
    return f"{stamp} {line.get('source', '?')} [{level}] {line.get('text', '')}"


# -- jobs ------------------------------------------------------------------------------


def _cmd_jobs_list(args: argparse.Namespace) -> int:
    params = {k: v for k in ("category", "tag") if (v := getattr(args, k, None)) is not None}
    with _client(args) as client:
        jobs = client.call("jobs.list", params, timeout=_timeout(args, CALL_TIMEOUT))["jobs"]
    if args.json:
        _print_json(jobs)
        return EXIT_OK
    if not jobs and params:
        print("no job matches")
    for job in jobs:
        last = job.get("lastRun") or {}
        state = "enabled" if job.get("enabled") else "disabled"
        print(
            f"{job['id']:<24} {state:<8} {_dash(job.get('schedule')):<16} "
            f"next {format_timestamp(job['nextFire']) if job.get('nextFire') else '-':<12} "
            f"last {_dash(last.get('status'))}"
        )
    return EXIT_OK


def _cmd_jobs_status(args: argparse.Namespace) -> int:
    with _client(args) as client:
        figures = client.call("jobs.dashboard", timeout=_timeout(args, CALL_TIMEOUT))
    if args.json:
        _print_json(figures)
    else:
        print(format_dashboard(figures))
    return EXIT_OK


def _cmd_datasets_list(args: argparse.Namespace) -> int:
    with _client(args) as client:
        rows = client.call("datasets.list", timeout=_timeout(args, CALL_TIMEOUT))["allocations"]
    if args.json:
        _print_json(rows)
    elif not rows:
        print("no dataset is allocated")
    for row in [] if args.json else rows:
        print(format_allocation(row))
    return EXIT_OK


def _cmd_datasets_release(args: argparse.Namespace) -> int:
    params = {"name": args.name, "force": args.force}
    try:
        with _client(args) as client:
            answer = client.call("datasets.release", params, timeout=_timeout(args, CALL_TIMEOUT))
    except ApiError as exc:
        if isinstance(exc.data, dict) and exc.data.get("kind") == "held":
            return _fail(f"{exc.message}; give --force to release it anyway", EXIT_API)
        raise
    if args.json:
        _print_json(answer)
    else:
        for row in answer["released"]:
            print(format_released(row))
    return EXIT_OK


def _cmd_jobs_run(args: argparse.Namespace) -> int:
    options: dict[str, str] = {}
    for item in args.opt:
        key, sep, value = item.partition("=")
        if not sep or not key:
            return _fail(f"--opt needs KEY=VALUE, got {item!r}", EXIT_USAGE)
        options[key] = value
    params = {"id": args.id, "options": options, "only": args.only, "confirm": args.confirm}
    params["wait"] = args.wait
    timeout = _timeout(args, 24 * 3600.0 if args.wait else CALL_TIMEOUT)
    with _client(args) as client:
        run = client.call("jobs.run", params, timeout=timeout)
    if args.json:
        _print_json(run)
    else:
        print(format_run(run))
    if args.wait and run.get("status") != "success":
        return EXIT_API
    return EXIT_OK


def _cmd_jobs_cancel(args: argparse.Namespace) -> int:
    with _client(args) as client:
        client.call("jobs.cancel", {"run": args.run_id}, timeout=_timeout(args, CALL_TIMEOUT))
    print(f"run {args.run_id} cancelled")
    return EXIT_OK


def _cmd_jobs_history(args: argparse.Namespace) -> int:
    params: dict[str, Any] = {"limit": max(1, args.n)}
    if args.job:
        params["job"] = args.job
    with _client(args) as client:
        runs = client.call("jobs.history", params, timeout=_timeout(args, CALL_TIMEOUT))["runs"]
    if args.json:
        _print_json(runs)
    else:
        for run in runs:
            print(format_run(run))
    return EXIT_OK


def _cmd_jobs_watch(args: argparse.Namespace) -> int:
    import os

    params: dict[str, Any] = {}
    if args.off:
        params["file"] = None
    elif args.file:
        params["file"] = os.path.abspath(args.file)
    with _client(args) as client:
        status = client.call("jobs.watch", params, timeout=_timeout(args, CALL_TIMEOUT))
    if args.json:
        _print_json(status)
    else:
        print(format_jobs_watch(status))
    return EXIT_API if status.get("state") == "error" else EXIT_OK


def format_jobs_watch(status: dict[str, Any]) -> str:
    """One line (plus the error, if any) about the watched jobs file."""
    if not status.get("path"):
        return "not watching a jobs file"
    line = f"{status['path']}: {status.get('state')}"
    if status.get("lastImport"):
        line += f", {status.get('jobs')} job(s) imported {format_timestamp(status['lastImport'])}"
    if status.get("error"):
        line += f"\n{status['error']}"
    return line


# -- sessions ------------------------------------------------------------------------


def _session_call(args: argparse.Namespace, method: str, params: dict[str, Any]) -> Any:
    with _client(args) as client:
        return client.call(method, params, timeout=_timeout(args, WAIT_TIMEOUT))


def _execute(args: argparse.Namespace, command: dict[str, Any]) -> dict[str, Any]:
    return dict(_session_call(args, "session.execute", {"sessionId": args.id, "command": command}))


def _cmd_sessions_create(args: argparse.Namespace) -> int:
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
        _print_json(created)
    else:
        print(created["sessionId"])
    return EXIT_OK


def _cmd_sessions_exec(args: argparse.Namespace) -> int:
    argv = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
    if not argv:
        return _fail("sessions exec needs a command: exec ID -- CMD ARGS...", EXIT_USAGE)
    command = {
        "type": "execute_shell",
        "commandName": argv[0],
        "args": argv[1:],
        "timeoutMs": args.timeout_ms,
    }
    reply = _execute(args, command)
    if args.json:
        _print_json(reply)
        return EXIT_OK if reply.get("success") else EXIT_API
    result = reply.get("result") or reply.get("errorData") or {}
    sys.stdout.write(result.get("stdout", ""))
    sys.stderr.write(result.get("stderr", ""))
    if not reply.get("success"):
        return _fail(str(reply.get("error")), EXIT_API)
    code = result.get("exitCode")
    return int(code) if isinstance(code, int) else EXIT_API


def _cmd_sessions_write(args: argparse.Namespace) -> int:
    content = sys.stdin.read()
    command = {"type": "write_file", "path": args.path, "content": content, "mode": args.mode}
    return _file_reply(args, _execute(args, command), None)


def _cmd_sessions_read(args: argparse.Namespace) -> int:
    return _file_reply(args, _execute(args, {"type": "read_file", "path": args.path}), "content")


def _file_reply(args: argparse.Namespace, reply: dict[str, Any], show: str | None) -> int:
    if args.json:
        _print_json(reply)
    elif reply.get("success") and show is not None:
        sys.stdout.write(str(reply["result"][show]))
    if not reply.get("success"):
        return _fail(str(reply.get("error")), EXIT_API)
    return EXIT_OK


def _cmd_sessions_list(args: argparse.Namespace) -> int:
    listed = _session_call(args, "session.list", {})
    if args.json:
        _print_json(listed)
        return EXIT_OK
    for row in listed["sessions"]:
        memory = "-" if row.get("memoryMB") is None else f"{row['memoryMB']:.0f} MB"
        print(
            f"{row['sessionId']:<14} {row['state']:<8} pid {_dash(row.get('pid')):<8} "
            f"runs {row['executionCount']:<5} idle {row['idleMinutes']:.1f} min  "
            f"life {row['lifetimeMinutes']:.1f} min  {memory}  "
            f"sandbox {row.get('sandbox', '-')}  network {'on' if row.get('network') else 'off'}"
        )
    return EXIT_OK


def _cmd_sessions_close(args: argparse.Namespace) -> int:
    closed = _session_call(args, "session.close", {"sessionId": args.id, "wait": True})
    if args.json:
        _print_json(closed)
    return EXIT_OK


def format_run(run: dict[str, Any]) -> str:
    """`#12 backup success  manual  attempt 1  12:00:01.000  exit 0`."""
    start = format_timestamp(run["start"]) if run.get("start") else "-"
    text = (
        f"#{run.get('id')} {run.get('job')} {run.get('status')}  {run.get('trigger')}  "
        f"attempt {run.get('attempt')}  {start}  exit {_dash(run.get('exitCode'))}"
    )
    return text + (f"  {run['error']}" if run.get("error") else "")
