"""The typed read models read back what they wrote, and a run's log is read piece by piece."""

from __future__ import annotations

import time
from pathlib import Path

from panel.jobs.datasets import Allocation
from panel.jobs.run_log import read_run_log
from panel.jobs.snapshots import (
    DashboardFigures,
    HistoryQuery,
    JobSummary,
    NextFire,
    RunLog,
    RunningRun,
    RunSnapshot,
)
from panel.jobs.watch_status import WatchStatus

RUN = RunSnapshot(
    7, "extract", "failed", 3, "manual", {"--dry-run": True}, 2, 10.0, 11.0, 12.5, 1, "exit code 1",
    "/logs/7.log", 4242, None,
)  # fmt: skip


def test_every_read_model_reads_back_its_json() -> None:
    summary = JobSummary(
        "extract", "Extract", "python -V", False, "etl", ("a",), "0 3 * * *", "UTC", 99.0,
        ("up",), ("mkfs",), (7,), RUN, {"id": "extract", "onFailure": ["alert"]},
    )  # fmt: skip
    figures = DashboardFigures(
        3, 1, 1, 1, (RunningRun(RUN, 2.0),), (NextFire("extract", 99.0),), (RUN,)
    )
    assert RunSnapshot.from_json(RUN.to_json()) == RUN
    assert JobSummary.from_json(summary.to_json()) == summary
    assert summary.on_failure == ("alert",)
    back = DashboardFigures.from_json(figures.to_json())
    assert back.running_now[0].run == RUN and back.running_now[0].elapsed >= 2.0
    assert back.counts == figures.counts and back.next_fires == figures.next_fires
    assert back.failures == figures.failures
    log = RunLog(7, "/logs/7.log", True, "one\n", 0, 4, False)
    assert RunLog.from_json(log.to_json()) == log
    query = HistoryQuery(job="extract", before_id=9, limit=5)
    assert HistoryQuery.from_json(query.to_json()) == query
    assert query.to_json() == {"job": "extract", "beforeId": 9, "limit": 5}
    watch = WatchStatus("/etc/jobs.json", "error", 5.0, "line 1", 2)
    assert WatchStatus.from_json(watch.to_json()) == watch
    held = Allocation("raw", "/data", "exclusive", "run", "7", 42, 1.5)
    assert Allocation.from_json(held.to_json()) == held


def test_a_summary_follows_its_runs() -> None:
    summary = JobSummary("extract", "extract", "true")
    running = RunSnapshot(8, "extract", "running")
    after = summary.with_run(running)
    assert after.active == (8,) and after.last_run == running
    older = RunSnapshot(5, "extract", "success")
    assert after.with_run(older).last_run == running  # an older run is not the newest
    done = RunSnapshot(8, "extract", "success")
    assert after.with_run(done).active == () and after.with_run(done).last_run == done


def test_running_times_count_on_from_when_the_figures_were_taken() -> None:
    figures = DashboardFigures(running_now=(RunningRun(RUN, 10.0),), taken=time.monotonic() - 5)
    assert figures.aged().running_now[0].elapsed >= 15.0


def test_a_log_is_read_as_its_tail_then_what_follows(tmp_path: Path) -> None:
    path = tmp_path / "1.log"
    assert read_run_log(1, str(path)).exists is False
    assert read_run_log(1, None).exists is False
    path.write_bytes(b"0123456789")
    tail = read_run_log(1, str(path), limit=4)
    assert (tail.text, tail.offset, tail.end, tail.cut) == ("6789", 6, 10, True)
    with path.open("ab") as log:
        log.write("ab한".encode()[:-1])  # the last character is not written whole yet
    rest = read_run_log(1, str(path), offset=tail.end)
    assert (rest.text, rest.offset, rest.end, rest.cut) == ("ab", 10, 12, False)
    with path.open("ab") as log:
        log.write("한".encode()[-1:])
    assert read_run_log(1, str(path), offset=rest.end).text == "한"
