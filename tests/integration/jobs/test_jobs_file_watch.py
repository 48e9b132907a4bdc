"""The watched jobs file: real files, a real job engine on a real workspace, real inotify."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from panel.jobs.engine import JobEngine
from panel.jobs.file_watch import WATCH_SETTING, JobsFileWatcher, jobs_from_text
from panel.logs.hub import HubLogHandler
from panel.workspace.transfer import export_config
from tests.integration.jobs.conftest import PY

WAIT_MS = 10_000


def job(job_id: str, **extra: Any) -> dict[str, Any]:
    """A job that would print its id (never run by these tests)."""
    return {"id": job_id, "command": [PY, "-c", f"print({job_id!r})"], **extra}


def ids(engine: JobEngine) -> list[str]:
    """The ids of the jobs in effect."""
    return sorted(j["id"] for j in engine.list_jobs())


class Watch:
    """A job engine with one job (`old`) and a watcher on `folder/jobs.json`."""

    def __init__(self, qtbot: QtBot, engine: JobEngine, folder: Path) -> None:
        self.qtbot = qtbot
        self.engine = engine
        self.file = folder / "jobs.json"
        self.watcher = JobsFileWatcher(engine, parent=engine)
        self.imports: list[int] = []
        self.failures: list[str] = []
        self.watcher.sig_imported.connect(self.imports.append)
        self.watcher.sig_failed.connect(self.failures.append)

    def write(self, data: object, path: Path | None = None) -> None:
        """Write `data` as JSON (or a str as it is) in place."""
        text = data if isinstance(data, str) else json.dumps(data, indent=2)
        (path or self.file).write_text(text, encoding="utf-8")

    def replace(self, data: object) -> None:
        """Write `data` beside the file and rename it over the file (an atomic save)."""
        tmp = self.file.with_name(".jobs.json.tmp")
        self.write(data, tmp)
        os.replace(tmp, self.file)

    def imported(self) -> Any:
        """A context that waits for the next import."""
        return self.qtbot.waitSignal(self.watcher.sig_imported, timeout=WAIT_MS)

    def failed(self) -> Any:
        """A context that waits for the next failure."""
        return self.qtbot.waitSignal(self.watcher.sig_failed, timeout=WAIT_MS)

    def state(self, state: str) -> None:
        """Wait until the watch is in `state`."""
        self.qtbot.waitUntil(lambda: self.watcher.status["state"] == state, timeout=WAIT_MS)


@pytest.fixture
def watch(jobs: Any, qtbot: QtBot, tmp_path: Path) -> Iterator[Watch]:
    """A watcher over an engine holding the job `old`; the file is not written yet."""
    folder = tmp_path / "repo"
    folder.mkdir()
    helper = Watch(qtbot, jobs.engine([job("old")]), folder)
    yield helper
    helper.watcher.stop()


def test_writing_a_valid_file_imports_its_jobs(watch: Watch) -> None:
    watch.write({"jobs": [job("extract"), job("load", dependsOn=["extract"])]})
    with watch.imported() as signal:
        watch.watcher.watch(watch.file)
    assert signal.args == [2]
    assert ids(watch.engine) == ["extract", "load"]
    status = watch.watcher.status
    assert status["state"] == "imported" and status["jobs"] == 2 and status["error"] is None
    assert status["path"] == str(watch.file) and status["lastImport"] is not None
    with watch.imported():
        watch.write([job("only")])  # an edit in place
    assert ids(watch.engine) == ["only"]


def test_an_atomic_replace_is_picked_up_again_and_again(watch: Watch) -> None:
    watch.write([job("a")])
    with watch.imported():
        watch.watcher.watch(watch.file)
    for name in ("b", "c"):  # the second rename proves the watch survived the first
        with watch.imported():
            watch.replace([job(name)])
        assert ids(watch.engine) == [name]


def test_several_quick_writes_make_one_import(watch: Watch) -> None:
    watch.write([job("first")])
    with watch.imported():
        watch.watcher.watch(watch.file)
    watch.imports.clear()
    with watch.imported():
        for i in range(6):
            watch.write([job(f"burst{i}")])
        watch.replace([job("burst-last")])
    assert ids(watch.engine) == ["burst-last"]
    with watch.imported():  # a later change: had the burst made two imports, 3 would be seen
        watch.write([job("after")])
    assert watch.imports == [1, 1]


def test_invalid_json_keeps_the_old_jobs_and_names_line_and_column(watch: Watch) -> None:
    hub_handler = HubLogHandler(watch.engine.hub)
    logging.getLogger("panel").addHandler(hub_handler)
    try:
        watch.write('{"jobs": [\n  {"id": "a",, "command": ["x"]}\n]}\n')
        with watch.failed() as signal:
            watch.watcher.watch(watch.file)
    finally:
        logging.getLogger("panel").removeHandler(hub_handler)
    message = signal.args[0]
    assert str(watch.file) in message and "line 2, column 14" in message
    assert ids(watch.engine) == ["old"]
    status = watch.watcher.status
    assert status["state"] == "error" and status["error"] == message
    logged = [line.text for line in watch.engine.hub.tail(20, "panel")]
    assert any("line 2, column 14" in text for text in logged)
    with watch.imported():  # fixed: imported
        watch.write({"jobs": [job("fixed")]})
    assert ids(watch.engine) == ["fixed"] and watch.watcher.status["error"] is None


def test_a_dependency_cycle_keeps_the_old_jobs_and_names_the_cycle(watch: Watch) -> None:
    watch.write([job("a", dependsOn=["b"]), job("b", dependsOn=["a"])])
    with watch.failed() as signal:
        watch.watcher.watch(watch.file)
    assert "$.jobs[" in signal.args[0] and "a -> b -> a" in signal.args[0]
    assert ids(watch.engine) == ["old"]


def test_other_shapes_are_refused_with_a_reason(watch: Watch) -> None:
    watch.write({"connections": []})
    with watch.failed() as signal:
        watch.watcher.watch(watch.file)
    assert 'an object with a "jobs" array' in signal.args[0]
    with watch.failed() as signal:
        watch.write({"jobs": {"id": "a"}})
    assert "$.jobs: expected an array" in signal.args[0]
    with watch.failed() as signal:
        watch.write([{"id": "nocommand"}])
    assert "$.jobs[0]" in signal.args[0]
    assert ids(watch.engine) == ["old"]


def test_a_whole_workspace_export_imports_only_its_jobs(watch: Watch) -> None:
    engine = watch.engine
    document = export_config(engine.workspace)
    document["jobs"] = [job("exported")]
    document["connections"] = [{"id": "not-imported"}]  # would be refused by an import
    server_before = engine.workspace.server_config()
    watch.write(document)
    with watch.imported():
        watch.watcher.watch(watch.file)
    assert ids(engine) == ["exported"]
    assert engine.workspace.config_section("connections") == []
    assert engine.workspace.server_config() == server_before


def test_a_deleted_file_keeps_the_jobs_and_the_watch_resumes(watch: Watch) -> None:
    watch.write([job("kept")])
    with watch.imported():
        watch.watcher.watch(watch.file)
    watch.file.unlink()
    watch.state("missing")
    assert ids(watch.engine) == ["kept"]
    with watch.imported():
        watch.write([job("back")])
    assert ids(watch.engine) == ["back"]


def test_a_file_in_a_folder_that_does_not_exist_yet_is_found(watch: Watch) -> None:
    target = watch.file.parent / "later" / "jobs.json"
    watch.watcher.watch(target)
    watch.state("missing")
    with watch.imported():
        target.parent.mkdir()
        watch.write([job("later")], target)
    assert ids(watch.engine) == ["later"]


def test_another_file_in_the_folder_does_not_import_again(watch: Watch) -> None:
    watch.write([job("a")])
    with watch.imported():
        watch.watcher.watch(watch.file)
    watch.imports.clear()
    with watch.qtbot.waitSignal(watch.watcher._debounce.timeout, timeout=WAIT_MS):
        (watch.file.parent / "notes.txt").write_text("unrelated")
    assert watch.imports == [] and watch.watcher.status["state"] == "imported"


def test_the_setting_stores_the_path_and_off_forgets_it(watch: Watch) -> None:
    workspace = watch.engine.workspace
    watch.write([job("set")])
    with watch.imported():
        watch.watcher.set_file(str(watch.file))
    assert workspace.get_setting(WATCH_SETTING) == str(watch.file)
    watch.watcher.set_file(None)
    assert workspace.get_setting(WATCH_SETTING) is None
    assert watch.watcher.status["state"] == "off" and ids(watch.engine) == ["set"]
    assert "jobs" not in export_config(workspace).get("settings", {})


def test_jobs_from_text_accepts_three_shapes() -> None:
    items = [{"id": "a"}]
    assert jobs_from_text(json.dumps(items), "f") == items
    assert jobs_from_text(json.dumps({"jobs": items}), "f") == items
    assert jobs_from_text(json.dumps({"version": 1, "server": {}, "jobs": items}), "f") == items


def test_a_running_run_goes_on_through_an_import(watch: Watch, jobs: Any, tmp_path: Path) -> None:
    release = tmp_path / "release"
    wait = (
        "import os,time\n"
        "t=time.time()+30\n"
        f"while not os.path.exists({str(release)!r}) and time.time()<t: time.sleep(0.01)\n"
    )
    slow = {"id": "slow", "command": [PY, "-c", wait]}
    watch.write([slow])
    with watch.imported():
        watch.watcher.watch(watch.file)
    run_id = watch.engine.run_job("slow")
    watch.qtbot.waitUntil(
        lambda: (watch.engine.store.run(run_id) or {}).get("status") == "running", timeout=WAIT_MS
    )
    with watch.imported():
        watch.write([slow, job("added")])
    assert ids(watch.engine) == ["added", "slow"]
    release.touch()
    assert jobs.wait_final(watch.engine, run_id)["status"] == "success"
