"""The `opspanel` command: GUI, --headless, ctl, import/export, and the panel's own children."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

SHELLS = ("bash", "zsh", "fish")


def build_parser(full: bool = False) -> argparse.ArgumentParser:
    """The `opspanel` command line; `full` also hangs ctl's own tree under `ctl` (for the
    shell completion and the man page: ctl parses its arguments itself when it runs)."""
    parser = argparse.ArgumentParser(
        prog="opspanel",
        description="Control panel for the Python back end on this machine.",
    )
    _add_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    ctl_help = "drive a running engine (see `opspanel ctl --help`)"
    if full:
        from panel.api import ctl

        common = ctl.common_options()
        top = sub.add_parser("ctl", parents=[common], help=ctl_help, description=ctl.DESCRIPTION)
        ctl.add_commands(top, common)
    else:
        sub.add_parser("ctl", help=ctl_help, add_help=False)
    completion = sub.add_parser(
        "completion",
        help="print the shell completion script: completion bash|zsh|fish",
        description="Print a completion script for SHELL (see the README for where it goes).",
    )
    completion.add_argument("shell", metavar="SHELL", choices=SHELLS, help="bash, zsh or fish")
    imp = sub.add_parser("import", help="replace the workspace configuration with a JSON file")
    imp.add_argument("file")
    exp = sub.add_parser("export", help="write the workspace configuration as JSON")
    exp.add_argument("file")
    conns = sub.add_parser("conns", help="the workspace's connections (see `conns --help`)")
    conns_sub = conns.add_subparsers(dest="conns_command", metavar="ACTION", required=True)
    load = conns_sub.add_parser(
        "load-csv",
        help="replace the connections with DIR's connections.csv, blocks.csv and tags.csv "
        "(through the running engine when one runs)",
    )
    load.add_argument("dir", metavar="DIR")
    # `reaper` is the panel's own child, dispatched in main() before parsing: not listed.
    sub.add_parser("worker", help="run a child process of the panel (started by the engine)")
    sub.add_parser(
        "cluster-worker",
        help="run jobs of a cluster executor on this machine (needs opspanel[cluster])",
        add_help=False,
    )
    # `service`: the engine of a workspace as a systemd unit (install, uninstall, status).
    from panel.service.parser import add_service_parser

    add_service_parser(sub)
    return parser


def _add_options(parser: argparse.ArgumentParser) -> None:
    """The options of a launch without a command: the window's (or --headless's)."""
    from panel import __version__

    parser.add_argument("--version", action="version", version=f"opspanel {__version__}")
    parser.add_argument("--workspace", metavar="DIR", help="workspace folder (default: per user)")
    parser.add_argument("--headless", action="store_true", help="run the engine without a window")
    parser.add_argument(
        "--connect",
        metavar="URL",
        help="open a window on a running engine: ssh://[USER@]HOST[:PORT][/DIR] or wss://HOST:PORT",
    )
    parser.add_argument("--token-file", metavar="FILE", help="the engine's token (for wss://)")
    parser.add_argument("--tls-ca", metavar="FILE", help="trust this certificate or CA (wss://)")
    parser.add_argument("--ssh-config", metavar="FILE", help="ssh configuration file (ssh://)")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="with --headless on a new workspace: create the demo devices, connections and jobs",
    )
    parser.add_argument(
        "--watch-jobs",
        metavar="FILE",
        help="watch a JSON file of jobs and re-import it on change (stored for this workspace)",
    )


def _parse(
    args_list: list[str],
) -> tuple[Callable[[], argparse.ArgumentParser], argparse.Namespace]:
    """The arguments, and the parser to report a usage error with.

    A launch of the window (options only: no command, no --help, nothing wrong) is read
    by the options' parser alone: building every command's parser would cost the
    window's first frame about 10 ms. Anything else goes to the whole tree, which
    gives the messages and the help.
    """
    options = argparse.ArgumentParser(prog="opspanel", add_help=False, exit_on_error=False)
    _add_options(options)
    try:
        args, rest = options.parse_known_args(args_list)
    except argparse.ArgumentError:
        rest = args_list
    if not rest:
        args.command = None
        return build_parser, args
    parser = build_parser()
    return (lambda: parser), parser.parse_args(args_list)


def _run_like_python(flag: str, target: str, rest: list[str]) -> int:
    """Run `-m MODULE ARGS...` or `-c CODE ARGS...` as the Python interpreter would.

    The module's or code's own `SystemExit` ends the process with its code, as usual.
    """
    import os
    import runpy

    sys.path.insert(0, os.getcwd() if flag == "-m" else "")
    if flag == "-m":
        sys.argv = [target, *rest]
        runpy.run_module(target, run_name="__main__", alter_sys=True)
    else:
        sys.argv = ["-c", *rest]
        exec(compile(target, "<string>", "exec"), {"__name__": "__main__"})
    return 0


def _connect_target(
    usage: Callable[[], argparse.ArgumentParser], args: argparse.Namespace
) -> str | None:
    """The engine the window attaches to: --connect, else OPSPANEL_URL; None: this workspace's.

    As with ctl, OPSPANEL_URL stands in only when neither --workspace nor --connect is
    given, and OPSPANEL_WORKSPACE and OPSPANEL_URL together are a usage error.
    """
    if args.connect is not None:
        if args.workspace is not None or args.headless:
            usage().error(
                "--connect opens a window on another engine: not with --workspace or --headless"
            )
        return str(args.connect)
    if args.workspace is not None or args.headless or args.command is not None:
        return None
    url = os.environ.get("OPSPANEL_URL")
    if url and os.environ.get("OPSPANEL_WORKSPACE"):
        usage().error("set OPSPANEL_WORKSPACE or OPSPANEL_URL, not both")
    return url or None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `opspanel` console script."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    # A frozen bundle is also the `{python}` of server commands: `-m MODULE`/`-c CODE` first.
    if args_list[:1] in (["-m"], ["-c"]) and len(args_list) >= 2:
        return _run_like_python(args_list[0], args_list[1], args_list[2:])
    # Children and ctl parse their own arguments: hand them the rest untouched.
    if args_list[:1] == ["reaper"]:
        from panel.supervise.reaper import main as reaper_main

        return reaper_main(args_list[1:])
    if args_list[:2] == ["worker", "connection"]:
        from panel.connections.worker.entry import main as worker_main
        from panel.mqtt.worker_sink import bus_sink

        return worker_main(args_list[2:], sink_factory=bus_sink)
    if args_list[:2] == ["worker", "zygote"]:
        from panel.connections.zygote import zygote_main
        from panel.mqtt.worker_sink import bus_sink

        return zygote_main(args_list[2:], bus_sink)
    if args_list[:2] == ["worker", "mqtt-broker"]:
        from panel.mqtt.broker import main as broker_main

        return broker_main(args_list[2:])
    if args_list[:1] == ["cluster-worker"]:
        from panel.cluster.worker import main as cluster_worker_main

        return cluster_worker_main(args_list[1:])
    if args_list[:2] == ["worker", "session"]:
        from panel.sessions.runner.entry import main as session_main

        return session_main(args_list[2:])
    if "ctl" in args_list:
        index = args_list.index("ctl")
        from panel.api.ctl import main as ctl_main

        return ctl_main(args_list[:index] + args_list[index + 1 :])

    usage, args = _parse(args_list)
    if args.command == "completion":
        from panel.clidoc.completion import completion_script

        sys.stdout.write(completion_script(build_parser(full=True), args.shell))
        return 0
    if args.command in ("import", "export"):
        from panel.api.config_import import import_through_engine
        from panel.connections.validation import check_connections
        from panel.mqtt.settings import check_mqtt
        from panel.workspace.transfer import SectionCheck
        from panel.workspace.transfer_cli import run_transfer

        checks: dict[str, SectionCheck] = {"connections": check_connections, "mqtt": check_mqtt}
        return run_transfer(args.command, args.file, args.workspace, checks, import_through_engine)

    if args.command == "conns":
        from panel.api.csv_import import run_load_csv

        return run_load_csv(args.dir, args.workspace)

    if args.command == "service":
        from panel.service.command import run_service

        return run_service(args)

    from panel.util.import_sources import load_qt_forgetting_sources

    load_qt_forgetting_sources()  # before the engine's and the window's modules
    connect = _connect_target(usage, args)
    if connect is not None:
        from panel.app import run_connected

        return run_connected(
            connect,
            token_file=args.token_file or os.environ.get("OPSPANEL_TOKEN_FILE") or None,
            tls_ca=args.tls_ca or os.environ.get("OPSPANEL_TLS_CA") or None,
            ssh_config=args.ssh_config or os.environ.get("OPSPANEL_SSH_CONFIG") or None,
        )

    from panel.app import run_app

    return run_app(
        workspace=args.workspace or os.environ.get("OPSPANEL_WORKSPACE") or None,
        headless=args.headless,
        watch_jobs=args.watch_jobs,
        demo=args.demo,
    )
