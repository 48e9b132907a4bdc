"""Retries with backoff, timeouts (whole tree), cancel, datasets, missed runs, notifications."""

from __future__ import annotations

import http.server
import itertools
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import psutil
import pytest

from panel.jobs.clock import FakeClock
from tests.integration.jobs.conftest import py, stamp


def test_retry_gaps_follow_the_backoff(jobs: Any, stamps: Any) -> None:
    code = "raise SystemExit(1)"
    engine = jobs.engine(
        [
            {
                "id": "flaky",
                "command": py(code),
                "execution": {
                    "maxRetries": 2,
                    "retryDelay": 0.2,
                    "backoff": "exponential",
                    "jitter": 0,
                },
            }
        ]
    )
    engine.run_job("flaky")
    jobs.qtbot.waitUntil(
        lambda: len([r for r in engine.history() if r["status"] == "failed"]) == 3, timeout=15_000
    )
    rows = sorted(engine.history(), key=lambda r: r["id"])
    assert [r["attempt"] for r in rows] == [1, 2, 3]
    gaps = [b["start"] - a["end"] for a, b in itertools.pairwise(rows)]
    assert 0.2 <= gaps[0] < 0.2 + 0.25
    assert 0.4 <= gaps[1] < 0.4 + 0.25


def test_auto_fix_runs_once_before_the_retry(jobs: Any, tmp_path: Path) -> None:
    flag = tmp_path / "fixed"
    check = f"import os,sys; sys.exit(0 if os.path.exists({str(flag)!r}) else 2)"
    engine = jobs.engine(
        [
            {
                "id": "needs_fix",
                "command": py(check),
                "execution": {
                    "maxRetries": 1,
                    "retryDelay": 0,
                    "autoFix": py(f"open({str(flag)!r},'w').close()"),
                },
            }
        ]
    )
    engine.run_job("needs_fix")
    jobs.qtbot.waitUntil(
        lambda: [r["status"] for r in engine.history()] == ["success", "failed"], timeout=15_000
    )


def test_timeout_kills_the_whole_tree(jobs: Any, tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    code = (
        "import subprocess,sys,time,os\n"
        "c=subprocess.Popen([sys.executable,'-c','import time; time.sleep(60)'])\n"
        f"open({str(pids)!r},'w').write(f'{{os.getpid()}} {{c.pid}}')\n"
        "time.sleep(60)"
    )
    engine = jobs.engine([{"id": "slow", "command": py(code), "execution": {"timeout": 1.5}}])
    run_id = engine.run_job("slow")
    jobs.qtbot.waitUntil(lambda: pids.exists() and len(pids.read_text().split()) == 2, timeout=9000)
    child, grandchild = map(int, pids.read_text().split())
    row = jobs.wait_final(engine, run_id)
    assert row["status"] == "timed_out"
    for pid in (child, grandchild):
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == "zombie"


def test_cancel_a_running_and_a_waiting_run(jobs: Any) -> None:
    engine = jobs.engine(
        [
            {"id": "long", "command": py("import time; time.sleep(60)")},
            {"id": "after", "command": py("pass"), "dependsOn": ["long"]},
        ]
    )
    target = engine.run_job("after")
    jobs.qtbot.waitUntil(lambda: any(r.pid for r in engine._runs.values()), timeout=10_000)
    upstream = next(r.id for r in engine._runs.values() if r.job.id == "long")
    assert engine.cancel_run(upstream)
    assert jobs.wait_final(engine, upstream)["status"] == "cancelled"
    assert jobs.wait_final(engine, target)["status"] == "skipped"
    assert engine.cancel_run(upstream) is False


def test_exclusive_dataset_waits(jobs: Any, stamps: Any, tmp_path: Path) -> None:
    ds = {"data": {"path": str(tmp_path / "data"), "mode": "exclusive"}}
    check = "import os; assert os.environ['PANEL_DS_DATA'].endswith('data')\ntime.sleep(0.3)"
    engine = jobs.engine(
        [
            {"id": "one", "command": stamp(stamps.path, "one", check), "datasets": ds},
            {"id": "two", "command": stamp(stamps.path, "two", check), "datasets": ds},
        ]
    )
    first = engine.run_job("one")
    second = engine.run_job("two")
    row = engine.store.run(second)
    assert row["status"] == "waiting" and "run " + str(first) in row["waitingOn"]
    assert engine.datasets.allocations()[0]["ownerId"] == str(first)
    assert jobs.wait_final(engine, second)["status"] == "success"
    t = stamps()
    assert t["two"][0] >= t["one"][1]
    assert engine.datasets.allocations() == []


def test_a_crash_releases_the_dataset(jobs: Any, tmp_path: Path) -> None:
    ds = {"data": {"path": str(tmp_path / "d"), "mode": "shared"}}
    engine = jobs.engine([{"id": "crash", "command": py("import os; os.abort()"), "datasets": ds}])
    assert jobs.wait_final(engine, engine.run_job("crash"))["status"] == "failed"
    assert engine.datasets.allocations() == []


def test_shared_datasets_coexist_and_allocation_is_all_or_nothing(jobs: Any) -> None:
    from panel.jobs.model import Dataset

    engine = jobs.engine([])
    dm = engine.datasets
    a, b = Dataset("a", "/tmp/ds-a", "shared"), Dataset("b", "/tmp/ds-b", "exclusive")
    assert dm.allocate("session", "s1", [a]) == []
    assert dm.allocate("session", "s2", [a]) == []
    held = dm.allocate("run", "7", [b, Dataset("a", "/tmp/ds-a", "exclusive")])
    assert {h.owner_id for h in held} == {"s1", "s2"}
    assert [x["path"] for x in dm.allocations()] == ["/tmp/ds-a", "/tmp/ds-a"]  # b not taken
    assert dm.release("session", "s1") == 1 and dm.release("session", "s2") == 1
    assert dm.allocate("run", "7", [b]) == [] and dm.release_dead() == 1  # no pid: dead


DAY = 86400.0
START = 1_767_225_600.0  # 2026-01-01 00:00 UTC


@pytest.mark.parametrize(("policy", "count"), [("skip", 0), ("coalesce", 1), ("all", 3)])
def test_missed_run_policies(jobs: Any, policy: str, count: int) -> None:
    definition = {
        "id": "daily",
        "command": py("pass"),
        "schedule": "0 3 * * *",
        "timezone": "UTC",
        "missedRuns": policy,
    }
    clock = FakeClock(START)
    engine = jobs.engine([definition], clock=clock)  # first start arms the schedule
    assert engine.history() == []
    engine.shutdown()
    jobs.close()
    clock.set(START + 3 * DAY + 60)  # down for three 03:00 fire times
    engine = jobs.engine([definition], clock=clock)
    runs = engine.history()
    assert len(runs) == count and {r["trigger"] for r in runs} <= {"scheduled"}
    jobs.wait_idle(engine)


def test_all_policy_is_capped(jobs: Any) -> None:
    definition = {"id": "m", "command": py("pass"), "schedule": "* * * * *", "missedRuns": "all"}
    clock = FakeClock(START)
    jobs.engine([definition], clock=clock).shutdown()
    jobs.close()
    clock.set(START + DAY)
    engine = jobs.engine([definition], clock=clock, max_parallel=16)
    assert len(engine.history(limit=1000)) == 100
    jobs.wait_idle(engine, 60_000)


def test_cron_fires_on_time_and_hot_reload_reschedules(jobs: Any) -> None:
    engine = jobs.engine([{"id": "tick", "command": py("pass"), "schedule": "* * * * * *"}])
    with jobs.qtbot.waitSignal(engine.sig_run_finished, timeout=5000):
        pass
    assert engine.history()[0]["trigger"] == "scheduled"
    assert engine.scheduler.lateness_ms[-1] < 500
    engine.set_enabled("tick", False)
    assert engine.scheduler.next_fire("tick") is None
    assert engine.list_jobs()[0]["enabled"] is False


class _Hook(http.server.BaseHTTPRequestHandler):
    bodies: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        size = int(self.headers["Content-Length"])
        _Hook.bodies.append(json.loads(self.rfile.read(size)))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hook_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()
    thread.join()


def test_outgoing_webhook_on_failure(jobs: Any, hook_server: str) -> None:
    _Hook.bodies.clear()
    engine = jobs.engine(
        [{"id": "bad", "command": py("raise SystemExit(4)"), "notify": {"url": hook_server}}]
    )
    with jobs.qtbot.waitSignal(engine.notifier.sig_sent, timeout=10_000) as sent:
        engine.run_job("bad")
    assert sent.args[1] == 200
    [body] = _Hook.bodies
    assert "bad" in body["text"] and body["run"]["status"] == "failed"
    assert body["run"]["exitCode"] == 4


def test_a_run_never_inherits_the_error_of_an_earlier_one(jobs: Any) -> None:
    """Process objects are reused between runs; an error must stay with its own run."""
    engine = jobs.engine(
        [
            {"id": "missing", "command": ["/nonexistent/program"]},
            {"id": "killed", "command": py("import os; os.kill(os.getpid(), 9)")},
        ],
        max_parallel=1,
    )
    missing = jobs.wait_final(engine, engine.run_job("missing"))
    assert missing["status"] == "failed"
    assert "not found" in (missing["error"] or "")
    for _ in range(2):
        killed = jobs.wait_final(engine, engine.run_job("killed"))
        assert killed["status"] == "failed"
        assert "not found" not in (killed["error"] or "")


def test_each_run_knows_its_job_and_run_id(jobs: Any, tmp_path: Path) -> None:
    """PANEL_JOB_ID and PANEL_RUN_ID reach the child, the run id anew for every run."""
    out = tmp_path / "ids.txt"
    code = (
        "import os\n"
        f"with open({str(out)!r}, 'a') as f:\n"
        "    f.write(os.environ['PANEL_JOB_ID'] + ' ' + os.environ['PANEL_RUN_ID'] + '\\n')\n"
    )
    engine = jobs.engine([{"id": "ids", "command": py(code)}], max_parallel=1)
    runs = [jobs.wait_final(engine, engine.run_job("ids")) for _ in range(2)]
    assert [r["status"] for r in runs] == ["success", "success"]
    assert out.read_text().splitlines() == [f"ids {r['id']}" for r in runs]


def test_a_closed_engine_shows_no_history_instead_of_failing(jobs: Any) -> None:
    """A view may refresh once more while the panel quits, after the store is closed."""
    engine = jobs.engine([{"id": "quick", "command": py("pass")}])
    assert jobs.wait_final(engine, engine.run_job("quick"))["status"] == "success"
    with jobs.qtbot.waitSignal(engine.sig_shutdown_finished, timeout=10_000):
        engine.shutdown()
    engine.close()
    assert engine.history() == []
    assert [job["lastRun"] for job in engine.list_jobs()] == [None]
