"""The job engine's rules hold for cluster runs: `parallel: false` and the DAG's trigger
rules across a panel restart (a real Redis, two real workers, a real job engine)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from tests.waiting import wait_for

PY = sys.executable


def blocker(started: Path, go_on: Path) -> list[str]:
    """A command that says it started, then waits for `go_on` to exist."""
    script = (
        "import os, time\n"
        f"open({str(started)!r}, 'w').write(str(os.getpid()))\n"
        f"while not os.path.exists({str(go_on)!r}):\n"
        "    time.sleep(0.01)\n"
    )
    return [PY, "-c", script]


def stamp(path: Path) -> list[str]:
    """A command that writes the wall time it ran at to `path`."""
    return [PY, "-c", f"import time; open({str(path)!r}, 'w').write(str(time.time()))"]


def on_cluster(job_id: str, command: list[str], **extra: Any) -> dict[str, Any]:
    return {"id": job_id, "command": command, "executor": "cluster", **extra}


def test_a_solo_job_waits_for_a_run_going_on_the_cluster(
    cluster: Any, two_workers: Any, tmp_path: Path
) -> None:
    started, go_on, ran = tmp_path / "started", tmp_path / "go-on", tmp_path / "ran"
    engine = cluster.engine(
        [
            on_cluster("remote", blocker(started, go_on)),
            {"id": "solo", "command": stamp(ran), "parallel": False},
            on_cluster("solo-remote", stamp(tmp_path / "ran-remote"), parallel=False),
        ]
    )
    remote = engine.run_job("remote")
    cluster.qtbot.waitUntil(lambda: engine.store.run(remote)["status"] == "running", timeout=30_000)
    wait_for(started.exists, 10, "the remote command to run")
    solo = engine.run_job("solo")
    row = engine.store.run(solo)
    assert row["status"] == "queued", row
    assert row["waitingOn"] == "runs alone (parallel: false), after remote", row
    solo_remote = engine.run_job("solo-remote")
    assert engine.store.run(solo_remote)["status"] == "queued"
    assert not ran.exists()
    go_on.write_text("")
    first = cluster.wait_final(engine, solo)
    second = cluster.wait_final(engine, solo_remote)
    remote_row = engine.store.run(remote)
    assert [r["status"] for r in (remote_row, first, second)] == ["success"] * 3
    assert float(ran.read_text()) >= remote_row["end"]
    assert first["start"] >= remote_row["end"]
    # Nothing ran beside either solo run: the second started after the first ended.
    assert second["start"] >= first["end"] or first["start"] >= second["end"]


def test_a_solo_job_on_the_cluster_keeps_other_jobs_waiting(
    cluster: Any, two_workers: Any, tmp_path: Path
) -> None:
    started, go_on, ran = tmp_path / "started", tmp_path / "go-on", tmp_path / "ran"
    engine = cluster.engine(
        [
            on_cluster("solo", blocker(started, go_on), parallel=False),
            {"id": "quick", "command": stamp(ran)},
            on_cluster("quick-remote", stamp(tmp_path / "ran-remote")),
        ]
    )
    solo = engine.run_job("solo")
    cluster.qtbot.waitUntil(lambda: engine.store.run(solo)["status"] == "running", timeout=30_000)
    quick = engine.run_job("quick")
    quick_remote = engine.run_job("quick-remote")
    for run_id in (quick, quick_remote):
        row = engine.store.run(run_id)
        assert row["status"] == "queued", row
        assert row["waitingOn"] == "job solo runs alone (parallel: false)", row
    assert not ran.exists()
    go_on.write_text("")
    rows = [cluster.wait_final(engine, run_id) for run_id in (solo, quick, quick_remote)]
    assert [r["status"] for r in rows] == ["success"] * 3
    assert float(ran.read_text()) >= rows[0]["end"]
    assert min(rows[1]["start"], rows[2]["start"]) >= rows[0]["end"]


def test_a_solo_job_waits_for_a_cluster_run_a_restarted_panel_reattached_to(
    cluster: Any, two_workers: Any, tmp_path: Path
) -> None:
    started, go_on, ran = tmp_path / "started", tmp_path / "go-on", tmp_path / "ran"
    jobs = [
        on_cluster("remote", blocker(started, go_on)),
        {"id": "solo", "command": stamp(ran), "parallel": False},
    ]
    first = cluster.engine(jobs)
    remote = first.run_job("remote")
    cluster.qtbot.waitUntil(lambda: first.store.run(remote)["status"] == "running", timeout=30_000)
    cluster.stop(first)
    second = cluster.engine(None)
    solo = second.run_job("solo")
    row = second.store.run(solo)
    assert (row["status"], row["waitingOn"]) == (
        "queued",
        "runs alone (parallel: false), after remote",
    ), row
    go_on.write_text("")
    solo_row = cluster.wait_final(second, solo)
    remote_row = second.store.run(remote)
    assert (remote_row["status"], solo_row["status"]) == ("success", "success")
    assert solo_row["start"] >= remote_row["end"]
    wait_for(ran.exists, 10, "the solo job's command to have run")


def _dag(started: Path, go_on: Path, tmp_path: Path) -> list[dict[str, Any]]:
    """root on the cluster; below it a local and a cluster job and a `one_failed` one
    (skipped), and below those an `all_done` sink."""
    return [
        on_cluster("root", blocker(started, go_on)),
        {"id": "down", "command": stamp(tmp_path / "down"), "dependsOn": ["root"]},
        on_cluster("down-remote", stamp(tmp_path / "down-remote"), dependsOn=["root"]),
        {
            "id": "on-fail",
            "command": stamp(tmp_path / "on-fail"),
            "dependsOn": ["root"],
            "triggerRule": "one_failed",
        },
        {
            "id": "sink",
            "command": stamp(tmp_path / "sink"),
            "dependsOn": ["down", "down-remote", "on-fail"],
            "triggerRule": "all_done",
        },
    ]


def _check_the_dag_went_on(cluster: Any, engine: Any, root: int, tmp_path: Path) -> None:
    rows = {r["job"]: r for r in engine.history(limit=20)}
    assert {job: r["status"] for job, r in rows.items()} == dict.fromkeys(
        ("root", "down", "down-remote", "on-fail", "sink"), "waiting"
    ) | {"root": "running"}
    assert all(rows[job]["id"] in {r["id"] for r in engine.active_runs()} for job in rows)
    (tmp_path / "go-on").write_text("")
    sink = cluster.wait_final(engine, rows["sink"]["id"])
    final = {r["job"]: r for r in engine.history(limit=20)}
    assert len(engine.history(limit=20)) == 5  # the same runs went on: none added
    assert {job: r["status"] for job, r in final.items()} == {
        "root": "success",
        "down": "success",
        "down-remote": "success",
        "on-fail": "skipped",
        "sink": "success",
    }
    assert final["root"]["id"] == root
    for job in ("down", "down-remote"):
        assert final[job]["start"] >= final["root"]["end"]
        assert float((tmp_path / job).read_text()) >= final["root"]["end"]
    assert sink["start"] >= max(final["down"]["end"], final["down-remote"]["end"])
    assert not (tmp_path / "on-fail").exists()
    assert engine.active_runs() == []


def test_a_restart_keeps_the_runs_below_a_reattached_run_waiting(
    cluster: Any, two_workers: Any, tmp_path: Path
) -> None:
    started, go_on = tmp_path / "started", tmp_path / "go-on"
    first = cluster.engine(_dag(started, go_on, tmp_path))
    sink = first.run_job("sink")
    root = next(r["id"] for r in first.active_runs() if r["job"] == "root")
    assert sink != root
    cluster.qtbot.waitUntil(lambda: first.store.run(root)["status"] == "running", timeout=30_000)
    cluster.stop(first)  # a shutdown leaves the cluster run going, and the DAG below it
    second = cluster.engine(None)
    _check_the_dag_went_on(cluster, second, root, tmp_path)


def test_a_crash_keeps_the_runs_below_a_reattached_run_waiting(
    cluster: Any, two_workers: Any, tmp_path: Path
) -> None:
    started, go_on = tmp_path / "started", tmp_path / "go-on"
    first = cluster.engine(_dag(started, go_on, tmp_path))
    first.run_job("sink")
    root = next(r["id"] for r in first.active_runs() if r["job"] == "root")
    cluster.qtbot.waitUntil(lambda: first.store.run(root)["status"] == "running", timeout=30_000)
    cluster.drop(first)  # gone without a shutdown: the history as a crash leaves it
    second = cluster.engine(None)
    _check_the_dag_went_on(cluster, second, root, tmp_path)
