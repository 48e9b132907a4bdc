"""A headless engine subprocess: ctl jobs, webhooks, SIGKILL -> runs marked interrupted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from panel.api.client import ApiClient, ApiError
from panel.workspace.server_config import ServerConfig, demo_server_config
from panel.workspace.transfer import export_config, import_config
from panel.workspace.workspace import Workspace
from tests.ctl_output import column
from tests.waiting import terminate_tree, wait_for

STARTUP_S = 30.0


def ctl(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "panel", "--workspace", str(ws), "ctl", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def prepare(ws: Path, jobs: list[dict[str, Any]]) -> None:
    with Workspace.open(ws) as workspace:
        data = export_config(workspace)
        server = ServerConfig.from_json(demo_server_config().to_json() | {"autostart": False})
        import_config(workspace, data | {"server": server.to_json(), "jobs": jobs})


@pytest.fixture
def engine_proc(tmp_path: Path) -> Iterator[Callable[[Path], subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []

    def start(ws: Path) -> subprocess.Popen[str]:
        (ws / "api.json").unlink(missing_ok=True)
        proc = subprocess.Popen(
            [sys.executable, "-m", "panel", "--headless", "--workspace", str(ws)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
        )
        started.append(proc)
        wait_for(
            lambda: (
                ((ws / "api.json").exists() and (ws / "hooks.json").exists())
                or proc.poll() is not None
            ),
            STARTUP_S,
            "api.json",
        )
        assert proc.poll() is None
        return proc

    yield start
    for proc in started:
        terminate_tree(proc, timeout=40)


def _post(url: str, token: str | None, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    if token is not None:
        request.add_header("X-OpsPanel-Token", token)
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, json.loads(reply.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, json.loads(exc.read())


def test_ctl_jobs_and_webhooks(tmp_path: Path, engine_proc: Any) -> None:
    ws = tmp_path / "ws"
    out = tmp_path / "out.txt"
    code = f"import sys; open({str(out)!r},'a').write(repr(sys.argv[1:])+'\\n')"
    prepare(
        ws,
        [
            {"id": "up", "command": [sys.executable, "-c", "pass"]},
            {
                "id": "echo",
                "command": [sys.executable, "-c", code],
                "dependsOn": ["up"],
                "options": [{"flag": "--msg", "type": "string"}],
            },
        ],
    )
    engine_proc(ws)
    listed = ctl(ws, "jobs", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [j["id"] for j in json.loads(listed.stdout)] == ["up", "echo"]
    ran = ctl(ws, "jobs", "run", "echo", "--opt", "--msg=x; rm -rf ~", "--wait", "--json")
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["status"] == "success"
    assert out.read_text() == "['--msg', 'x; rm -rf ~']\n"
    history = ctl(ws, "jobs", "history", "--json")
    runs = json.loads(history.stdout)
    assert [r["job"] for r in runs] == ["echo", "up"]
    for key in ("job", "status", "trigger", "start", "end", "exitCode"):
        assert key in runs[0]
    assert column(ctl(ws, "jobs", "history", "--job", "up").stdout, "JOB") == ["up"]
    assert ctl(ws, "jobs", "run", "nope").returncode == 1

    hooks = json.loads((ws / "hooks.json").read_text())
    assert (ws / "hooks.json").stat().st_mode & 0o777 == 0o600
    assert hooks["port"] == json.loads((ws / "api.json").read_text())["port"]  # the API port
    base = f"http://127.0.0.1:{hooks['port']}/hooks/jobs/"
    assert hooks["url"] == base
    assert _post(base + "echo", "wrong", {})[0] == 401
    assert _post(base + "echo", None, {})[0] == 401
    assert _post(base + "nope", hooks["token"], {})[0] == 404
    good = {"options": {"--msg": "hook"}, "only": True}
    status, body = _post(base + "echo", hooks["token"], good)
    assert status == 202
    wait_for(lambda: "hook" in out.read_text(), 15, "the webhook run")
    runs = json.loads(ctl(ws, "jobs", "history", "--json").stdout)
    assert runs[0]["id"] == body["run"] and runs[0]["trigger"] == "webhook"
    assert ctl(ws, "jobs", "list").returncode == 0  # the WebSocket API on the same port goes on


def test_sigkill_marks_runs_interrupted_and_retries(tmp_path: Path, engine_proc: Any) -> None:
    ws = tmp_path / "ws"
    marker = tmp_path / "started"
    code = (
        "import os,sys,time\n"
        f"first=not os.path.exists({str(marker)!r})\n"
        f"open({str(marker)!r},'a').write('x')\n"
        "time.sleep(60 if first else 0)"
    )
    prepare(
        ws,
        [{"id": "long", "command": [sys.executable, "-c", code], "execution": {"maxRetries": 1}}],
    )
    proc = engine_proc(ws)
    assert ctl(ws, "jobs", "run", "long").returncode == 0
    wait_for(lambda: marker.exists(), 15, "the run to start")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    with Workspace.open(ws) as workspace, workspace.snapshot() as conn:
        rows = conn.execute("SELECT status FROM job_runs").fetchall()
    assert rows == [("running",)]  # the committed row survived the SIGKILL
    engine_proc(ws)
    t0 = time.monotonic()

    def statuses() -> list[str]:
        return [r["status"] for r in json.loads(ctl(ws, "jobs", "history", "--json").stdout)]

    wait_for(lambda: "interrupted" in statuses(), 5, "the interrupted mark")
    assert time.monotonic() - t0 < 5
    wait_for(lambda: statuses() == ["success", "interrupted"], 20, "the retry")
    runs = json.loads(ctl(ws, "jobs", "history", "--json").stdout)
    assert [r["attempt"] for r in runs] == [2, 1]


def test_subscribed_clients_hear_each_state_of_a_run(tmp_path: Path, engine_proc: Any) -> None:
    """Run changes are pushed while someone is subscribed, again after the last one left."""
    ws = tmp_path / "ws"
    prepare(ws, [{"id": "hello", "command": [sys.executable, "-c", "print('hi')"]}])
    engine_proc(ws)
    for _ in range(2):  # the second client subscribes after the first one has gone
        with ApiClient.from_workspace(ws) as client:
            client.call("jobs.subscribe")
            run_id = client.call("jobs.run", {"id": "hello"})["id"]
            heard: list[str] = []
            for note in client.notifications(timeout=15):
                params = note["params"]
                if note["method"] == "jobs.run" and params["id"] == run_id:
                    heard.append(params["status"])
                    if params["status"] == "success":
                        break
        assert heard[-2:] == ["running", "success"]


def py_argv(code: str) -> list[str]:
    """argv running inline Python code."""
    return [sys.executable, "-c", code]


def _wait_release(path: Path) -> str:
    """Python code that waits (bounded) until `path` exists, then exits 0."""
    return (
        "import os,time\n"
        "deadline=time.monotonic()+60\n"
        f"while not os.path.exists({str(path)!r}) and time.monotonic()<deadline:\n"
        "    time.sleep(0.01)\n"
    )


def _refused(client: ApiClient, job: str) -> str:
    """The kind of error `jobs.run` of `job` answers ('' when it ran)."""
    try:
        client.call("jobs.run", {"id": job})
    except ApiError as exc:
        return str(exc.data.get("kind", ""))
    return ""


def test_a_run_that_ends_by_itself_during_shutdown_keeps_its_outcome(
    tmp_path: Path, engine_proc: Any
) -> None:
    """SIGTERM: a run ending by itself in the grace time is `success`; one cut off is
    `interrupted` (even if it handles the stop and exits 0)."""
    ws = tmp_path / "ws"
    release = tmp_path / "release"
    started = {name: tmp_path / f"{name}.started" for name in ("ends", "cut")}
    mark = "open({!r},'w').close()\n"
    cut = (
        "import signal,sys,time\n"
        "signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))\n"
        + mark.format(str(started["cut"]))
        + "time.sleep(60)\n"
    )
    prepare(
        ws,
        [
            {
                "id": "ends",
                "command": py_argv(mark.format(str(started["ends"])) + _wait_release(release)),
            },
            {"id": "cut", "command": py_argv(cut)},
        ],
    )
    with Workspace.open(ws) as workspace:
        workspace.set_setting("jobs.shutdownGraceSecs", 3)
    proc = engine_proc(ws)
    with ApiClient.from_workspace(ws) as client:
        for job in ("ends", "cut"):
            client.call("jobs.run", {"id": job})
        wait_for(lambda: all(p.exists() for p in started.values()), 15, "both runs to start")
        assert _refused(client, "no-such-job") == "not_found"
        proc.send_signal(signal.SIGTERM)
        wait_for(lambda: _refused(client, "no-such-job") == "state", 10, "the shutdown to begin")
    release.touch()  # "ends" now ends by itself, well within the grace time
    assert proc.wait(timeout=30) == 0
    with Workspace.open(ws) as workspace, workspace.snapshot() as conn:
        rows = conn.execute("SELECT job_id, status FROM job_runs").fetchall()
    assert dict(rows) == {"ends": "success", "cut": "interrupted"}


ARGPARSE_TOOL = (
    "import argparse,json,sys\n"
    "p=argparse.ArgumentParser()\n"
    "p.add_argument('--msg')\n"
    "p.add_argument('--version', action='version', version='THE-VERSION-FLAG')\n"
    "p.add_argument('path', nargs='?')\n"
    "args=p.parse_args()\n"
    "open({out!r},'a').write(json.dumps(vars(args))+'\\n')\n"
)


def test_option_values_never_become_flags_nor_hide_danger(tmp_path: Path, engine_proc: Any) -> None:
    """ctl and the webhook: a value starting with `-` stays a value (or is refused), and
    the final argv (options in) is checked for danger. The `wipe` job only looks like
    `rm -rf /` (it runs `python -c pass rm -rf /`)."""
    ws = tmp_path / "ws"
    out = tmp_path / "parsed.jsonl"
    tool = py_argv(ARGPARSE_TOOL.format(out=str(out)))
    prepare(
        ws,
        [
            {"id": "tool", "command": tool, "options": [{"flag": "--msg"}, {"arg": "path"}]},
            {"id": "after_dashes", "command": [*tool, "--"], "options": [{"arg": "path"}]},
            {
                "id": "wipe",
                "command": [sys.executable, "-c", "pass", "rm", "-rf"],
                "options": [{"arg": "path"}],
            },
        ],
    )
    engine_proc(ws)

    def parsed() -> list[dict[str, Any]]:
        return [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []

    flagged = ctl(ws, "jobs", "run", "tool", "--opt=--msg=--version", "--wait", "--json")
    assert flagged.returncode == 0, flagged.stderr
    assert json.loads(flagged.stdout)["status"] == "success"
    assert parsed() == [{"msg": "--version", "path": None}]

    bare = ctl(ws, "jobs", "run", "tool", "--opt", "path=--version", "--wait")
    assert bare.returncode == 1
    assert "path" in bare.stderr and "'--version'" in bare.stderr and "--" in bare.stderr
    behind = ctl(ws, "jobs", "run", "after_dashes", "--opt", "path=--version", "--wait", "--json")
    assert behind.returncode == 0, behind.stderr
    assert parsed()[-1] == {"msg": None, "path": "--version"}

    wipe = ctl(ws, "jobs", "run", "wipe", "--opt", "path=/", "--wait")
    assert wipe.returncode == 1 and "dangerous" in wipe.stderr, wipe.stderr
    assert "recursive delete" in wipe.stderr
    with ApiClient.from_workspace(ws) as client:
        check = client.call("jobs.check", {"id": "wipe", "options": {"path": "/"}})
        assert check["reasons"] == ["recursive delete of / or ~"]
        assert client.call("jobs.check", {"id": "wipe", "options": {"path": "tmp"}}) == {
            "reasons": []
        }
    confirmed = ctl(ws, "jobs", "run", "wipe", "--opt", "path=/", "--confirm", "--wait", "--json")
    assert confirmed.returncode == 0 and json.loads(confirmed.stdout)["status"] == "success"

    hooks = json.loads((ws / "hooks.json").read_text())
    base, token = hooks["url"], hooks["token"]
    status, body = _post(base + "tool", token, {"options": {"path": "--version"}})
    assert status == 400 and "'--version'" in body["error"], body
    assert _post(base + "wipe", token, {"options": {"path": "/"}})[0] == 409
    status, body = _post(base + "tool", token, {"options": {"--msg": "-x"}})
    assert status == 202, body
    wait_for(lambda: len(parsed()) == 3, 15, "the webhook run")
    assert parsed()[-1] == {"msg": "-x", "path": None}
    runs = json.loads(ctl(ws, "jobs", "history", "--json").stdout)
    assert sorted(r["job"] for r in runs) == ["after_dashes", "tool", "tool", "wipe"]


def test_the_api_tells_active_runs_todays_figures_a_runs_log_and_its_end(
    tmp_path: Path, engine_proc: Any
) -> None:
    """What an attached window reads: jobs.active, jobs.dashboard, jobs.log, jobs.finished."""
    gate = tmp_path / "gate"
    talk = "print('one', flush=True)\n" + _wait_release(gate) + "print('two')\n"
    ws = tmp_path / "ws"
    prepare(
        ws,
        [
            {"id": "talk", "command": py_argv(talk)},
            {"id": "bad", "command": py_argv("raise SystemExit(5)")},
            {"id": "nightly", "command": py_argv(""), "schedule": "0 3 * * *"},
        ],
    )
    engine_proc(ws)
    with ApiClient.from_workspace(ws) as client:
        client.call("jobs.subscribe")
        bad = client.call("jobs.run", {"id": "bad", "wait": True})
        assert bad["status"] == "failed"
        run_id = client.call("jobs.run", {"id": "talk"})["id"]
        wait_for(lambda: client.call("jobs.log", {"run": run_id})["text"] == "one\n", 30, "one")
        active = client.call("jobs.active")["runs"]
        assert [(r["id"], r["job"], r["status"]) for r in active] == [(run_id, "talk", "running")]
        figures = client.call("jobs.dashboard")
        assert figures["today"] == {"total": 2, "success": 0, "failed": 1, "running": 1}
        assert [r["run"]["id"] for r in figures["running"]] == [run_id]
        assert figures["running"][0]["elapsed"] >= 0
        assert [n["job"] for n in figures["next"]] == ["nightly"]
        assert [(r["job"], r["exitCode"]) for r in figures["failures"]] == [("bad", 5)]
        first = client.call("jobs.log", {"run": run_id})
        assert (first["exists"], first["offset"], first["end"]) == (True, 0, 4)
        gate.write_text("go")
        finished: list[dict[str, Any]] = []
        for note in client.notifications(timeout=30):
            if note["method"] == "jobs.finished" and note["params"]["id"] == run_id:
                finished.append(note["params"])
                break
        assert finished[0]["status"] == "success"
        rest = client.call("jobs.log", {"run": run_id, "offset": first["end"]})
        assert (rest["text"], rest["offset"]) == ("two\n", 4)
        assert client.call("jobs.active") == {"runs": []}
        with pytest.raises(ApiError) as refused:
            client.call("jobs.log", {"run": 999})
        assert refused.value.message == "no run 999"
