"""`opspanel ctl jobs ...` and `ctl datasets ...`: the job graph, its runs, dataset holds."""

from __future__ import annotations

import argparse
import os
from typing import Any

from panel.api.client import ApiError
from panel.api.ctl_common import (
    CALL_TIMEOUT,
    DEFAULT_TAIL,
    EXIT_API,
    EXIT_OK,
    EXIT_USAGE,
    add_json,
    call,
    dash,
    fail,
    format_timestamp,
    non_negative,
    print_json,
)
from panel.api.ctl_jobs_text import allocation_row, format_dashboard, format_released
from panel.api.ctl_spinner import Spinner
from panel.api.ctl_table import print_table


def add_jobs(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `jobs` command group."""
    jobs = sub.add_parser("jobs", parents=[common], help="the job graph")
    jobs_sub = jobs.add_subparsers(metavar="ACTION")
    jobs.set_defaults(group_parser=jobs)
    listing = jobs_sub.add_parser("list", parents=[common], help="jobs, next fire, last run")
    listing.add_argument("--category", metavar="C", help="only the jobs of category C")
    listing.add_argument("--tag", metavar="T", help="only the jobs tagged T")
    add_json(listing)
    listing.set_defaults(run=_cmd_list)
    status = jobs_sub.add_parser(
        "status", parents=[common], help="today's figures, running, next 5, recent failures"
    )
    add_json(status, "print jobs.dashboard's JSON answer")
    status.set_defaults(run=_cmd_status)
    run = jobs_sub.add_parser("run", parents=[common], help="run a job (upstream first)")
    run.add_argument("id", metavar="ID")
    run.add_argument("--opt", action="append", default=[], metavar="K=V", help="an option")
    run.add_argument("--only", action="store_true", help="run the job alone, not its upstream")
    run.add_argument("--confirm", action="store_true", help="run a flagged dangerous command")
    run.add_argument("--wait", action="store_true", help="answer when the run is final")
    add_json(run)
    run.set_defaults(run=_cmd_run)
    cancel = jobs_sub.add_parser("cancel", parents=[common], help="cancel a run")
    cancel.add_argument("run_id", metavar="RUN", type=int)
    add_json(cancel)
    cancel.set_defaults(run=_cmd_cancel)
    history = jobs_sub.add_parser("history", parents=[common], help="recent runs")
    history.add_argument("--job", metavar="ID")
    history.add_argument("-n", type=non_negative, default=DEFAULT_TAIL, metavar="N")
    add_json(history, "print the runs as a JSON array")
    history.set_defaults(run=_cmd_history)
    watch = jobs_sub.add_parser(
        "watch",
        parents=[common],
        help="the watched jobs file: show it, watch FILE, or --off (exit 1 on an import error)",
    )
    target = watch.add_mutually_exclusive_group()
    target.add_argument("file", metavar="FILE", nargs="?", help="a JSON file of jobs to watch")
    target.add_argument("--off", action="store_true", help="stop watching (the jobs stay)")
    add_json(watch)
    watch.set_defaults(run=_cmd_watch)


def add_datasets(sub: Any, common: argparse.ArgumentParser) -> None:
    """The `datasets` command group."""
    datasets = sub.add_parser("datasets", parents=[common], help="dataset allocations")
    datasets_sub = datasets.add_subparsers(metavar="ACTION")
    datasets.set_defaults(group_parser=datasets)
    listing = datasets_sub.add_parser(
        "list", parents=[common], help="who holds which dataset (the run and its pid)"
    )
    add_json(listing)
    listing.set_defaults(run=_cmd_datasets_list)
    release = datasets_sub.add_parser(
        "release", parents=[common], help="free a dataset (a stuck allocation; audited)"
    )
    release.add_argument("name", metavar="NAME")
    release.add_argument("--force", action="store_true", help="also while its holder still runs")
    add_json(release)
    release.set_defaults(run=_cmd_datasets_release)


# -- jobs ------------------------------------------------------------------------------


def _cmd_list(args: argparse.Namespace) -> int:
    params = {k: v for k in ("category", "tag") if (v := getattr(args, k, None)) is not None}
    jobs = call(args, "jobs.list", params)["jobs"]
    if args.json:
        print_json(jobs)
        return EXIT_OK
    if not jobs:
        print("no job matches" if params else "no job yet")
        return EXIT_OK
    rows = []
    for job in jobs:
        last = job.get("lastRun") or {}
        rows.append(
            (
                job["id"],
                "enabled" if job.get("enabled") else "disabled",
                dash(job.get("schedule")),
                format_timestamp(job["nextFire"]) if job.get("nextFire") else "-",
                dash(last.get("status")),
            )
        )
    print_table(("ID", "STATE", "SCHEDULE", "NEXT", "LAST"), rows)
    return EXIT_OK


def _cmd_status(args: argparse.Namespace) -> int:
    figures = call(args, "jobs.dashboard")
    if args.json:
        print_json(figures)
    else:
        print(format_dashboard(figures))
    return EXIT_OK


def _cmd_run(args: argparse.Namespace) -> int:
    options: dict[str, str] = {}
    for item in args.opt:
        key, sep, value = item.partition("=")
        if not sep or not key:
            return fail(f"--opt needs KEY=VALUE, got {item!r}", EXIT_USAGE)
        options[key] = value
    params = {"id": args.id, "options": options, "only": args.only, "confirm": args.confirm}
    params["wait"] = args.wait
    timeout = 24 * 3600.0 if args.wait else CALL_TIMEOUT
    with Spinner(f"running {args.id}", enabled=args.wait):
        run = call(args, "jobs.run", params, timeout)
    if args.json:
        print_json(run)
    else:
        print_table(*_runs_table([run]))
    if args.wait and run.get("status") != "success":
        return EXIT_API
    return EXIT_OK


def _cmd_cancel(args: argparse.Namespace) -> int:
    answer = call(args, "jobs.cancel", {"run": args.run_id})
    if args.json:
        print_json({"run": args.run_id, **answer})
    else:
        print(f"run {args.run_id} cancelled")
    return EXIT_OK


def _cmd_history(args: argparse.Namespace) -> int:
    params: dict[str, Any] = {"limit": max(1, args.n)}
    if args.job:
        params["job"] = args.job
    runs = call(args, "jobs.history", params)["runs"]
    if args.json:
        print_json(runs)
    elif not runs:
        print("no run yet")
    else:
        print_table(*_runs_table(runs))
    return EXIT_OK


def _cmd_watch(args: argparse.Namespace) -> int:
    params: dict[str, Any] = {}
    if args.off:
        params["file"] = None
    elif args.file:
        params["file"] = os.path.abspath(args.file)
    status = call(args, "jobs.watch", params)
    if args.json:
        print_json(status)
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


RUN_HEADERS = ("RUN", "JOB", "STATUS", "TRIGGER", "ATTEMPT", "START", "EXIT", "HOST", "ERROR")


def _runs_table(runs: list[dict[str, Any]]) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """Headers and rows of runs: `12  backup  success  manual  1  12:00:01.000  0  w1  -`
    (HOST: the worker a cluster run ran on, `-` for this machine)."""
    rows = [
        (
            f"#{run.get('id')}",
            run.get("job"),
            run.get("status"),
            run.get("trigger"),
            run.get("attempt"),
            format_timestamp(run["start"]) if run.get("start") else "-",
            run.get("exitCode"),
            run.get("host") or "-",
            run.get("error") or "",
        )
        for run in runs
    ]
    return RUN_HEADERS, rows


# -- datasets ------------------------------------------------------------------------


def _cmd_datasets_list(args: argparse.Namespace) -> int:
    rows = call(args, "datasets.list")["allocations"]
    if args.json:
        print_json(rows)
    elif not rows:
        print("no dataset is allocated")
    else:
        headers = ("NAME", "PATH", "MODE", "JOB", "OWNER", "PID", "SINCE")
        print_table(headers, [allocation_row(row) for row in rows], right=(5,))
    return EXIT_OK


def _cmd_datasets_release(args: argparse.Namespace) -> int:
    params = {"name": args.name, "force": args.force}
    try:
        answer = call(args, "datasets.release", params)
    except ApiError as exc:
        if isinstance(exc.data, dict) and exc.data.get("kind") == "held":
            return fail(f"{exc.message}; give --force to release it anyway", EXIT_API)
        raise
    if args.json:
        print_json(answer)
    else:
        for row in answer["released"]:
            print(format_released(row))
    return EXIT_OK
