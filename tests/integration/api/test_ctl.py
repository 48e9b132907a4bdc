"""`opspanel ctl` against a real ApiServer answering with a toy engine."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from panel.api import ctl
from panel.api.apifile import write_api_file
from panel.api.ctl import format_log_line
from panel.util.ports import ephemeral_port

Popen = subprocess.Popen[str]
REPO = Path(__file__).resolve().parents[3]


def run_ctl(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """ctl.main in-process; returns (exit code, stdout, stderr)."""
    code = ctl.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def wait_until(condition: Callable[[], object], timeout: float = 10.0, what: str = "") -> None:
    """Poll `condition` until it holds, failing after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)  # poll interval of a bounded condition wait


# -- in-process ------------------------------------------------------------------------


def test_server_status_human_and_json(toy_api: Any, capsys: pytest.CaptureFixture[str]) -> None:
    ws = str(toy_api.workspace)
    code, out, err = run_ctl(capsys, "--workspace", ws, "server", "status")
    assert (code, err) == (0, "")
    assert out == "running  pid 1234  port 8121  up 0:03:12  restarts 0\n"
    code, out, _ = run_ctl(capsys, "server", "status", "--json", "--workspace", ws)
    assert code == 0
    assert json.loads(out) == toy_api.engine.server_state


def test_status_shows_engine_and_server(toy_api: Any, capsys: pytest.CaptureFixture[str]) -> None:
    toy_api.engine.server_state.update(
        status="error", pid=None, uptime=None, restarts=3, lastError="exited with code 1"
    )
    code, out, _ = run_ctl(capsys, "status", "--workspace", str(toy_api.workspace))
    assert code == 0
    assert out.splitlines() == [
        "engine   pid 4321  version 0.1.0  up 1:00:00  workspace /ws",
        "server   error  pid -  port 8121  up -  restarts 3  error: exited with code 1",
    ]
    code, out, _ = run_ctl(capsys, "--workspace", str(toy_api.workspace), "status", "--json")
    assert json.loads(out)["engine"]["pid"] == 4321


@pytest.mark.parametrize("action", ["start", "stop", "restart"])
def test_server_actions_pass_wait(
    toy_api: Any, capsys: pytest.CaptureFixture[str], action: str
) -> None:
    ws = str(toy_api.workspace)
    assert run_ctl(capsys, "--workspace", ws, "server", action)[0] == 0
    code, out, _ = run_ctl(capsys, "--workspace", ws, "server", action, "--wait")
    assert code == 0
    assert out.startswith("running  pid 1234")
    assert toy_api.engine.calls[-2:] == [
        (f"server.{action}", {"wait": False}),
        (f"server.{action}", {"wait": True}),
    ]


def test_start_wait_that_ends_in_error_exits_1(
    toy_api: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    toy_api.engine.start_result = {
        "status": "error",
        "pid": None,
        "port": 8121,
        "uptime": None,
        "restarts": 0,
        "lastError": "port 8121 is taken by nginx",
    }
    ws = str(toy_api.workspace)
    code, out, err = run_ctl(capsys, "--workspace", ws, "server", "start", "--wait")
    assert code == 1
    assert out.startswith("error  pid -")
    assert "port 8121 is taken by nginx" in err


def test_logs_tail(toy_api: Any, capsys: pytest.CaptureFixture[str]) -> None:
    ws = str(toy_api.workspace)
    code, out, _ = run_ctl(capsys, "logs", "-n", "2", "--workspace", ws)
    assert code == 0
    assert out.splitlines() == [format_log_line(line) for line in toy_api.engine.lines[-2:]]
    assert toy_api.engine.calls[-1] == ("logs.tail", {"n": 2})
    code, out, _ = run_ctl(capsys, "logs", "--source", "server", "--json", "--workspace", ws)
    assert [json.loads(text)["seq"] for text in out.splitlines()] == [1, 3]


def test_log_line_format(make_line: Callable[..., dict[str, Any]]) -> None:
    from datetime import datetime

    line = make_line(1, 1_700_000_000.123, "server", "stdout", "warning", "hello")
    stamp = datetime.fromtimestamp(1_700_000_000.123).strftime("%H:%M:%S")
    assert format_log_line(line) == f"{stamp}.123 server [WARNING] hello"


def test_logs_follow_in_process(toy_api: Any, capsys: pytest.CaptureFixture[str]) -> None:
    result: list[int] = []
    ws = str(toy_api.workspace)
    argv = ["--workspace", ws, "logs", "--follow", "--source", "server", "-n", "1"]
    follower = threading.Thread(target=lambda: result.append(ctl.main(argv)))
    follower.start()
    try:
        wait_until(lambda: ("logs.tail", {"n": 1, "source": "server"}) in toy_api.engine.calls)
        new = [
            toy_api.engine.lines[-1] | {"seq": 3},  # already printed by the tail: skipped
            _line(toy_api, 4, "app", "not mine"),
            _line(toy_api, 5, "server", "fresh line"),
        ]
        toy_api.push(new)
        printed: list[str] = []

        def got_fresh() -> bool:
            printed.extend(capsys.readouterr().out.splitlines())
            return any("fresh line" in text for text in printed)

        wait_until(got_fresh, what="the followed line")
    finally:
        toy_api.st.run(toy_api.st.server.close())  # the engine goes away: follow ends
        follower.join(10)
    assert result == [3]
    assert [text.split(" ", 1)[1] for text in printed] == [
        "server [ERROR] request failed",
        "server [INFO] fresh line",
    ]
    assert "closed the connection" in capsys.readouterr().err


def _line(toy_api: Any, seq: int, source: str, text: str) -> dict[str, Any]:
    return {
        "seq": seq,
        "ts": 1_700_000_010.0,
        "source": source,
        "stream": "stdout",
        "level": "info",
        "text": text,
    }


def test_api_error_exits_1(toy_api: Any, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_ctl(capsys, "--workspace", str(toy_api.workspace), "logs", "--source", "x")
    assert (code, out) == (1, "")
    assert err.startswith("opspanel ctl: no log source named 'x'")
    assert err.count("\n") == 1


def test_engine_not_running_exits_3(
    workspace_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_ctl(capsys, "--workspace", str(workspace_dir), "status")
    assert code == 3
    assert "not running" in err and str(workspace_dir) in err and "api.json" in err
    # A stale api.json pointing at a port nobody listens on.
    write_api_file(workspace_dir / "api.json", ephemeral_port(), "tok", 2**22 + 12345)
    code, _, err = run_ctl(capsys, "--workspace", str(workspace_dir), "server", "status")
    assert code == 3
    assert "connection refused" in err and str(workspace_dir) in err


def test_wrong_token_exits_3_like_no_engine(
    toy_api: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    path = toy_api.workspace / "api.json"
    write_api_file(path, toy_api.st.port, "not-the-token", os.getpid())
    code, _, err = run_ctl(capsys, "--workspace", str(toy_api.workspace), "status")
    assert code == 3  # no engine this ctl can drive
    assert "refused the token" in err


def test_loose_api_file_is_refused(toy_api: Any, capsys: pytest.CaptureFixture[str]) -> None:
    (toy_api.workspace / "api.json").chmod(0o644)
    code, _, err = run_ctl(capsys, "--workspace", str(toy_api.workspace), "status")
    assert code == 1
    assert "0644" in err and "expected 0600" in err


USAGE_ERRORS = [[], ["bogus"], ["server"], ["server", "jump"], ["logs", "-n", "x"]]


@pytest.mark.parametrize("argv", USAGE_ERRORS)
def test_usage_errors_exit_2(
    workspace_dir: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, out, err = run_ctl(capsys, "--workspace", str(workspace_dir), *argv)
    assert code == 2
    assert out == ""
    assert "usage: opspanel ctl" in err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_ctl(capsys, "server", "--help")
    assert code == 0 and "start" in out


# -- real subprocesses -------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _opspanel(*argv: str) -> list[str]:
    return [sys.executable, "-m", "panel", *argv]


def test_subprocess_status_and_errors(toy_api: Any, workspace_dir: Path, tmp_path: Path) -> None:
    ws = str(toy_api.workspace)
    done = subprocess.run(
        _opspanel("--workspace", ws, "ctl", "server", "status"),
        capture_output=True,
        text=True,
        timeout=30,
        env=_env(),
        cwd=tmp_path,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == "running  pid 1234  port 8121  up 0:03:12  restarts 0\n"
    empty = tmp_path / "empty"
    empty.mkdir()
    done = subprocess.run(
        _opspanel("ctl", "status", "--json", "--workspace", str(empty)),
        capture_output=True,
        text=True,
        timeout=30,
        env=_env(),
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 3
    assert done.stdout == ""
    assert done.stderr.startswith("opspanel ctl: the engine is not running for workspace")


@pytest.fixture
def popen_reader() -> Iterator[Callable[[list[str]], tuple[Popen, queue.Queue[str]]]]:
    """Start a process whose stdout lines arrive on a queue; killed and reaped at the end."""
    started: list[tuple[subprocess.Popen[str], threading.Thread]] = []

    def start(argv: list[str]) -> tuple[subprocess.Popen[str], queue.Queue[str]]:
        proc = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env()
        )
        lines: queue.Queue[str] = queue.Queue()

        def pump() -> None:
            assert proc.stdout is not None
            for text in proc.stdout:
                lines.put(text)

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        started.append((proc, reader))
        return proc, lines

    yield start
    for proc, reader in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
        reader.join(10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def test_subprocess_follow(toy_api: Any, popen_reader: Any) -> None:
    ws = str(toy_api.workspace)
    proc, lines = popen_reader(_opspanel("ctl", "logs", "-f", "-n", "0", "--workspace", ws))
    wait_until(lambda: toy_api.st.server.has_subscribers("logs"), timeout=30, what="subscribe")
    toy_api.push([_line(toy_api, 10, "server", "live one")])
    assert lines.get(timeout=10).rstrip("\n").endswith("server [INFO] live one")
    toy_api.st.run(toy_api.st.server.close())
    assert proc.wait(10) == 3
    assert proc.stderr is not None and "closed the connection" in proc.stderr.read()
