"""The `opspanel` command: GUI, --headless, ctl, import/export, and the panel's own children."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _build_parser() -> argparse.ArgumentParser:
    from panel import __version__

    parser = argparse.ArgumentParser(
        prog="opspanel",
        description="Control panel for the Python back end on this machine.",
    )
    parser.add_argument("--version", action="version", version=f"opspanel {__version__}")
    parser.add_argument("--workspace", metavar="DIR", help="workspace folder (default: per user)")
    parser.add_argument("--headless", action="store_true", help="run the engine without a window")
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
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("ctl", help="drive a running engine (see `opspanel ctl --help`)", add_help=False)
    imp = sub.add_parser("import", help="replace the workspace configuration with a JSON file")
    imp.add_argument("file")
    exp = sub.add_parser("export", help="write the workspace configuration as JSON")
    exp.add_argument("file")
    # `reaper` is the panel's own child, dispatched in main() before parsing: not listed.
    sub.add_parser("worker", help="run a child process of the panel (started by the engine)")
    # `service`: the engine of a workspace as a systemd unit (install, uninstall, status).
    from panel.service.command import add_service_parser

    add_service_parser(sub)
    return parser


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

        return worker_main(args_list[2:])
    if args_list[:2] == ["worker", "session"]:
        from panel.sessions.runner.entry import main as session_main

        return session_main(args_list[2:])
    if "ctl" in args_list:
        index = args_list.index("ctl")
        from panel.api.ctl import main as ctl_main

        return ctl_main(args_list[:index] + args_list[index + 1 :])

    args = _build_parser().parse_args(args_list)
    if args.command in ("import", "export"):
        from panel.api.config_import import import_through_engine
        from panel.connections.validation import check_connections
        from panel.workspace.transfer_cli import run_transfer

        checks = {"connections": check_connections}
        return run_transfer(args.command, args.file, args.workspace, checks, import_through_engine)

    if args.command == "service":
        from panel.service.command import run_service

        return run_service(args)

    from panel.app import run_app

    return run_app(
        workspace=args.workspace,
        headless=args.headless,
        watch_jobs=args.watch_jobs,
        demo=args.demo,
    )
