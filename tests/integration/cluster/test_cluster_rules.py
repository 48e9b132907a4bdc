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
