"""Jobs on a cluster: a real Redis, two real `opspanel cluster-worker`s, a real job engine."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import psutil
import redis

from panel.cluster import protocol
from tests.integration.cluster.conftest import Worker, free_port
from tests.waiting import wait_for

PY = sys.executable


def on_cluster(job_id: str, command: list[str], **extra: Any) -> dict[str, Any]:
    return {"id": job_id, "command": command, "executor": "cluster", **extra}


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_a_dag_of_20_jobs_runs_over_both_workers_in_order(cluster: Any, two_workers: Any) -> None:
    work = [PY, "-c", "import os,time; time.sleep(0.3); print('done', os.environ['PANEL_JOB_ID'])"]
    middle = [f"m{i:02d}" for i in range(18)]
    jobs = [on_cluster("root", work)]
    jobs += [on_cluster(name, work, dependsOn=["root"]) for name in middle]
    jobs += [on_cluster("sink", work, dependsOn=middle)]
    engine = cluster.engine(jobs)
    sink = engine.run_job("sink")
    row = cluster.wait_final(engine, sink, timeout_ms=60_000)
    rows = {r["job"]: r for r in engine.history(limit=100)}
    assert len(rows) == 20
    assert {r["status"] for r in rows.values()} == {"success"}, rows
    assert row["status"] == "success"
    # Where each ran is recorded: both workers took a share of the 18 parallel jobs.
    assert {r["host"] for r in rows.values()} == {"w1", "w2"}
    assert all(r["executor"] == "cluster" and r["remoteRef"] for r in rows.values())
    # The DAG held: every middle job started after the root ended, the sink after them all.
    assert all(rows[m]["start"] >= rows["root"]["end"] for m in middle)
    assert rows["sink"]["start"] >= max(rows[m]["end"] for m in middle)
    # Each run's output reached its own log.
    assert engine.run_log(rows["m07"]["id"]).text.strip() == "done m07"


def test_cancel_stops_the_whole_remote_tree(cluster: Any, two_workers: Any, tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    script = f"sleep 300 & echo $$ $! > {pids}; wait"
    engine = cluster.engine([on_cluster("tree", ["sh", "-c", script])])
    run_id = engine.run_job("tree")
    wait_for(lambda: pids.exists() and len(pids.read_text().split()) == 2, 30, "the tree")
    leader, grandchild = map(int, pids.read_text().split())
    cluster.qtbot.waitUntil(lambda: engine.store.run(run_id)["status"] == "running", timeout=10_000)
    assert engine.cancel_run(run_id)
    row = cluster.wait_final(engine, run_id)
    assert (row["status"], row["error"]) == ("cancelled", "cancelled")
    wait_for(lambda: gone(leader) and gone(grandchild), 10, "no process of the run left")


def test_a_timeout_kills_the_remote_tree(cluster: Any, two_workers: Any, tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    script = f"sleep 300 & echo $! > {pids}; sleep 300"
    engine = cluster.engine([on_cluster("slow", ["sh", "-c", script], execution={"timeout": 1})])
    run_id = engine.run_job("slow")
    row = cluster.wait_final(engine, run_id)
    assert (row["status"], row["error"]) == ("timed_out", "timed out after 1 s")
    assert row["end"] - row["start"] < 5
    wait_for(lambda: gone(int(pids.read_text())), 10, "the grandchild gone")


def test_log_lines_arrive_complete_and_in_order(cluster: Any, two_workers: Any) -> None:
    code = (
        "import sys\n"
        "for i in range(2000):\n"
        "    print(f'line {i}', flush=True)\n"
        "    if i % 500 == 0: print(f'err {i}', file=sys.stderr, flush=True)\n"
    )
    engine = cluster.engine([on_cluster("chatty", [PY, "-c", code])])
    seen: list[bytes] = []
    engine.sig_run_output.connect(lambda _run, stream, data: seen.append(data))
    run_id = engine.run_job("chatty")
    row = cluster.wait_final(engine, run_id)
    assert row["status"] == "success" and row["exitCode"] == 0
    out = [line for line in b"".join(seen).decode().splitlines() if line.startswith("line")]
    assert out == [f"line {i}" for i in range(2000)]
    text = engine.run_log(run_id).text
    assert [ln for ln in text.splitlines() if ln.startswith("line")] == out
    assert [ln for ln in text.splitlines() if ln.startswith("err")] == [
        f"err {i}" for i in range(0, 2000, 500)
    ]


def test_a_restarted_engine_reattaches_to_a_running_remote_job(
    cluster: Any, two_workers: Any, tmp_path: Path
) -> None:
    code = (
        "import os, time\n"
        "for i in range(40):\n"
        "    print(f'line {i}', flush=True)\n"
        "    time.sleep(0.1)\n"
        "print(os.environ['PANEL_DS_RAW'], flush=True)\n"
    )
    raw = str(tmp_path / "raw")
    job = on_cluster("long", [PY, "-c", code], datasets={"raw": {"path": raw}})
    first = cluster.engine([job])
    run_id = first.run_job("long")
    cluster.qtbot.waitUntil(lambda: "line 5" in first.run_log(run_id).text, timeout=30_000)
    cluster.stop(first)  # the panel goes away while the run goes on in the cluster
    second = cluster.engine(None)
    assert second.store.run(run_id)["status"] == "running"
    # The run holds its dataset again under the new engine while it goes on.
    held = second.datasets.allocations()
    assert [(a["name"], a["ownerId"], a["pid"]) for a in held] == [
        ("raw", str(run_id), os.getpid())
    ]
    row = cluster.wait_final(second, run_id)
    assert (row["status"], row["exitCode"]) == ("success", 0)
    history = list(second.history(job="long"))
    assert [r["status"] for r in history] == ["success"]  # no `interrupted`, no second run
    lines = second.run_log(run_id).text.splitlines()
    assert lines == [*(f"line {i}" for i in range(40)), raw]  # none lost, none repeated
    assert second.datasets.allocations() == []  # released at the end


def test_a_killed_worker_fails_the_run_instead_of_leaving_it_running(
    cluster: Any, start_worker: Any, tmp_path: Path
) -> None:
    doomed = start_worker("w3", queue="doomed", concurrency=1)
    broker = cluster.broker
    executors = {"cluster": {"kind": "celery", "broker": broker, "queue": "doomed"}}
    pids = tmp_path / "pid"
    engine = cluster.engine(
        [on_cluster("victim", ["sh", "-c", f"echo $$ > {pids}; exec sleep 300"])], executors
    )
    run_id = engine.run_job("victim")
    cluster.qtbot.waitUntil(lambda: engine.store.run(run_id)["host"] == "w3", timeout=30_000)
    doomed.kill()
    row = cluster.wait_final(engine, run_id, timeout_ms=20_000)
    assert row["status"] == "failed"
    assert row["error"].startswith("worker lost"), row["error"]
    wait_for(lambda: gone(int(pids.read_text())), 10, "the run's process gone with its worker")


def test_a_run_a_killed_worker_had_taken_but_not_started_runs_on_another(
    cluster: Any, start_worker: Any, tmp_path: Path
) -> None:
    doomed = start_worker("w5", queue="taken", concurrency=1)
    executors = {"cluster": {"kind": "celery", "broker": cluster.broker, "queue": "taken"}}
    ran = tmp_path / "ran"
    engine = cluster.engine(
        [
            on_cluster("busy", ["sleep", "300"]),
            on_cluster("next", ["sh", "-c", f"echo $$ >> {ran}"]),
        ],
        executors,
    )
    busy = engine.run_job("busy")
    cluster.qtbot.waitUntil(lambda: engine.store.run(busy)["host"] == "w5", timeout=30_000)
    after = engine.run_job("next")
    cluster.qtbot.waitUntil(lambda: bool(engine.store.run(after)["remoteRef"]), timeout=10_000)
    ref = engine.store.run(after)["remoteRef"]
    # The busy worker takes the next message at once (to start it when it is free) ...
    wait_for(lambda: ref in doomed.log_path.read_text(errors="replace"), 30, "w5 taking it")
    doomed.kill()  # ... and dies with it: no worker ever started it
    start_worker("w6", queue="taken", concurrency=1)
    row = cluster.wait_final(engine, busy, timeout_ms=20_000)
    assert (row["status"], row["error"][:11]) == ("failed", "worker lost"), row["error"]
    row = cluster.wait_final(engine, after, timeout_ms=60_000)
    assert (row["status"], row["host"]) == ("success", "w6"), row
    assert len(ran.read_text().split()) == 1  # it ran once


def test_a_run_claimed_by_a_worker_that_died_before_starting_it_fails(
    cluster: Any, redis_url: str
) -> None:
    executors = {"cluster": {"kind": "celery", "broker": redis_url, "queue": "claimed"}}
    engine = cluster.engine([on_cluster("claimed", ["true"])], executors)
    run_id = engine.run_job("claimed")
    cluster.qtbot.waitUntil(lambda: bool(engine.store.run(run_id)["remoteRef"]), timeout=10_000)
    ref = engine.store.run(run_id)["remoteRef"]
    # What a worker leaves that died right after it claimed the run: its claim and a
    # heartbeat that runs out, and no `started` entry.
    client = redis.Redis.from_url(redis_url)
    client.set(protocol.taken_key(ref), b"w7")
    client.set(protocol.alive_key(ref), b"1", px=500)
    row = cluster.wait_final(engine, run_id, timeout_ms=15_000)
    assert (row["status"], row["error"][:11], row["start"]) == ("failed", "worker lost", None)


def test_an_unreachable_broker_keeps_the_run_queued_then_fails_it(cluster: Any) -> None:
    closed = f"redis://127.0.0.1:{free_port()}/0"
    executors = {"cluster": {"kind": "celery", "broker": closed, "dispatchTimeoutS": 2}}
    engine = cluster.engine([on_cluster("lonely", ["true"])], executors)
    run_id = engine.run_job("lonely")

    def queued_with_reason() -> bool:
        row = engine.store.run(run_id)
        return row["status"] == "queued" and "unreachable" in (row["waitingOn"] or "")

    cluster.qtbot.waitUntil(queued_with_reason, timeout=10_000)
    row = cluster.wait_final(engine, run_id)
    assert row["status"] == "failed"
    assert "unreachable" in row["error"] and "gave up after 2 s" in row["error"], row["error"]


def _steady_lines(progress: Path) -> str:
    """A command printing `line 0` .. `line 59` over 3 s, writing its count to `progress`."""
    return (
        "import time\n"
        "for i in range(60):\n"
        "    print(f'line {i}', flush=True)\n"
        f"    open({str(progress)!r}, 'w').write(str(i))\n"
        "    time.sleep(0.05)\n"
    )


def test_a_redis_restart_mid_run_loses_no_line(
    cluster: Any, own_redis: Any, tmp_path: Path
) -> None:
    worker = Worker(own_redis.url, "w9", "opspanel", tmp_path / "w9.log", 1)
    try:
        worker.wait_ready()
        progress = tmp_path / "progress"
        code = _steady_lines(progress)
        executors = {"cluster": {"kind": "celery", "broker": own_redis.url}}
        engine = cluster.engine([on_cluster("steady", [PY, "-c", code])], executors)
        run_id = engine.run_job("steady")
        cluster.qtbot.waitUntil(lambda: "line 5" in engine.run_log(run_id).text, timeout=30_000)
        own_redis.stop()
        # The command goes on while Redis is down: its lines wait on the worker.
        wait_for(lambda: int(progress.read_text() or 0) >= 25, 20, "the run going on")
        own_redis.start()
        row = cluster.wait_final(engine, run_id)
        assert (row["status"], row["exitCode"], row["host"]) == ("success", 0, "w9")
        assert engine.run_log(run_id).text.splitlines() == [f"line {i}" for i in range(60)]
    finally:
        worker.stop()


def test_a_run_no_worker_took_waits_saying_so_and_cancels_at_once(
    cluster: Any, redis_url: str, start_worker: Any, tmp_path: Path
) -> None:
    executors = {"cluster": {"kind": "celery", "broker": redis_url, "queue": "nobody"}}
    touched = tmp_path / "touched"
    engine = cluster.engine([on_cluster("unclaimed", ["touch", str(touched)])], executors)
    run_id = engine.run_job("unclaimed")

    def waiting_for_a_worker() -> bool:
        row = engine.store.run(run_id)
        return row["status"] == "queued" and row["waitingOn"] == "waiting for a worker of cluster"

    cluster.qtbot.waitUntil(waiting_for_a_worker, timeout=10_000)
    assert engine.cancel_run(run_id)
    row = cluster.wait_final(engine, run_id, timeout_ms=10_000)
    assert (row["status"], row["error"], row["host"]) == ("cancelled", "cancelled", None)
    # A worker that comes later takes the message and drops it: the command never runs.
    start_worker("late", queue="nobody", concurrency=1)
    client = redis.Redis.from_url(redis_url)
    key = protocol.log_key(row["remoteRef"])
    ended = wait_for(lambda: client.xrange(key), 30, "the late worker's answer")
    assert [protocol.decode_entry(f)["reason"] for _id, f in ended] == ["cancelled"]
    assert not touched.exists()


def test_a_run_the_cluster_never_got_is_interrupted_by_a_shutdown(cluster: Any) -> None:
    closed = f"redis://127.0.0.1:{free_port()}/0"
    executors = {"cluster": {"kind": "celery", "broker": closed, "dispatchTimeoutS": 0}}
    engine = cluster.engine([on_cluster("stuck", ["true"])], executors)
    run_id = engine.run_job("stuck")
    cluster.qtbot.waitUntil(
        lambda: "unreachable" in (engine.store.run(run_id)["waitingOn"] or ""), timeout=10_000
    )
    cluster.stop(engine)
    again = cluster.engine(None, executors)
    row = again.store.run(run_id)
    assert (row["status"], row["remoteRef"]) == ("interrupted", None)
    assert again.active_runs() == []  # nothing to re-attach to: it is not waited for


def test_failures_retry_on_the_cluster_and_say_why(cluster: Any, two_workers: Any) -> None:
    engine = cluster.engine(
        [
            on_cluster(
                "exits", ["sh", "-c", "exit 3"], execution={"maxRetries": 1, "retryDelay": 0}
            ),
            on_cluster("killed", ["sh", "-c", "kill -9 $$"]),
        ]
    )
    first = engine.run_job("exits")
    killed = engine.run_job("killed")
    row = cluster.wait_final(engine, killed)
    assert (row["status"], row["exitCode"], row["error"]) == ("failed", None, "killed by signal 9")
    cluster.qtbot.waitUntil(
        lambda: len(engine.history(job="exits")) == 2 and not engine._runs, timeout=30_000
    )
    rows = sorted(engine.history(job="exits"), key=lambda r: r["id"])
    assert rows[0]["id"] == first
    assert [(r["attempt"], r["status"], r["error"]) for r in rows] == [
        (1, "failed", "exit code 3"),
        (2, "failed", "exit code 3"),
    ]
    assert all(r["host"] in ("w1", "w2") for r in rows)


def test_a_redis_restart_loses_no_queued_or_running_run(
    cluster: Any, own_redis: Any, tmp_path: Path
) -> None:
    worker = Worker(own_redis.url, "w8", "opspanel", tmp_path / "w8.log", 1)
    try:
        worker.wait_ready()
        progress = tmp_path / "progress"
        steady = _steady_lines(progress)
        short = "import os\nfor i in range(5): print(os.environ['PANEL_JOB_ID'], i)\n"
        executors = {"cluster": {"kind": "celery", "broker": own_redis.url}}
        engine = cluster.engine(
            [
                on_cluster("steady", [PY, "-c", steady]),
                on_cluster("behind", [PY, "-c", short]),
                on_cluster("later", [PY, "-c", short]),
            ],
            executors,
        )
        running = engine.run_job("steady")
        cluster.qtbot.waitUntil(lambda: "line 5" in engine.run_log(running).text, timeout=30_000)
        behind = engine.run_job("behind")  # queued on the cluster: the one slot is busy

        def waits_for_a_worker() -> bool:
            return engine.store.run(behind)["waitingOn"] == "waiting for a worker of cluster"

        cluster.qtbot.waitUntil(waits_for_a_worker, timeout=10_000)
        own_redis.stop()
        later = engine.run_job("later")  # handed over while Redis is down

        def later_waits_for_redis() -> bool:
            return "unreachable" in (engine.store.run(later)["waitingOn"] or "")

        cluster.qtbot.waitUntil(later_waits_for_redis, timeout=10_000)
        assert engine.store.run(behind)["status"] == "queued"
        wait_for(lambda: int(progress.read_text() or 0) >= 25, 20, "the run going on")
        own_redis.start()
        rows = {
            run_id: cluster.wait_final(engine, run_id, timeout_ms=60_000)
            for run_id in (running, behind, later)
        }
        assert [(r["status"], r["exitCode"], r["host"]) for r in rows.values()] == [
            ("success", 0, "w8")
        ] * 3
        assert engine.run_log(running).text.splitlines() == [f"line {i}" for i in range(60)]
        for run_id, job in ((behind, "behind"), (later, "later")):
            assert engine.run_log(run_id).text.splitlines() == [f"{job} {i}" for i in range(5)]
        assert len(engine.history(limit=10)) == 3  # each ran once: no retry, no copy
    finally:
        worker.stop()
