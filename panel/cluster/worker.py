"""`opspanel cluster-worker`: a Celery worker with the one task of the cluster executor.

    opspanel cluster-worker --broker redis://:PASSWORD@host:6379/0 [--queue Q] [--concurrency N]

Celery and redis come with the `cluster` extra (`pip install opspanel[cluster]`).
The task takes no retries of its own (the panel decides retries): a message is
acknowledged as its run begins, so a worker that dies mid-run does not run it twice.
One a worker held without starting it (its slots busy) when it died goes to another
worker after `REDELIVER_AFTER_S`; the run's `taken` claim keeps it from running twice.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from collections.abc import Sequence
from typing import Any

from panel.cluster import protocol


def make_app(broker: str, queue: str = protocol.DEFAULT_QUEUE) -> Any:
    """The Celery app of the cluster: `broker` as broker (results stay in the run's stream)."""
    from celery import Celery

    app = Celery("opspanel", broker=broker)
    app.conf.update(
        task_default_queue=queue,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": protocol.REDELIVER_AFTER_S,
            "unacked_restore_interval": protocol.RESTORE_EVERY_S,
            "unacked_restore_throttle": 1,
        },
    )

    @app.task(name=protocol.TASK_NAME, bind=True, acks_late=False)
    def run(
        self: Any,
        ref: str,
        argv: list[str],
        env: dict[str, str],
        cwd: str | None,
        timeout_s: float,
    ) -> dict[str, Any]:
        from panel.cluster.runner import run_command

        return run_command(_redis(broker), ref, argv, env, cwd, timeout_s)

    return app


_CLIENTS: dict[str, Any] = {}


def _redis(url: str) -> Any:
    """One Redis client per broker URL in this process (a pool process keeps it)."""
    client = _CLIENTS.get(url)
    if client is None:
        import redis

        client = _CLIENTS[url] = redis.Redis.from_url(url)
    return client


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The worker's own command line."""
    parser = argparse.ArgumentParser(
        prog="opspanel cluster-worker",
        description="Run jobs of OpsPanel's cluster executor on this machine (a Celery worker).",
    )
    parser.add_argument("--broker", required=True, metavar="URL", help="redis:// or rediss:// URL")
    parser.add_argument(
        "--queue", default=protocol.DEFAULT_QUEUE, help="the queue to take runs from"
    )
    parser.add_argument(
        "--concurrency", type=int, default=os.cpu_count() or 1, help="runs at once on this machine"
    )
    parser.add_argument("--name", default=None, help="the worker's node name (default: host)")
    return parser.parse_args(list(argv))


def main(argv: Sequence[str]) -> int:
    """Entry point of `opspanel cluster-worker`."""
    args = parse_args(argv)
    try:
        app = make_app(args.broker, args.queue)
    except ImportError:
        sys.stderr.write(
            "opspanel cluster-worker: Celery is not installed; pip install 'opspanel[cluster]'\n"
        )
        return 2
    name = args.name or f"opspanel@{socket.gethostname()}"
    os.environ[protocol.WORKER_NAME_ENV] = name  # inherited by the pool processes
    app.worker_main(
        [
            "worker",
            f"--queues={args.queue}",
            f"--concurrency={max(1, args.concurrency)}",
            f"--hostname={name}",
            "--pool=prefork",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ]
    )
    return 0
