"""`opspanel import FILE` and `opspanel export FILE`: files, stdout, stderr, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from panel.cli import main
from panel.workspace import Workspace, demo_server_config
from panel.workspace.migrations import LATEST_VERSION
from tests.unit.workspace.examples import PLC_CONNECTION

GOOD: dict[str, Any] = {
    "version": 1,
    "server": {"command": ["{python}", "-m", "plant.api", "--port", "{port}"], "port": 9300},
    "settings": {"logs": {"backups": 3}},
    "connections": [PLC_CONNECTION],
    "jobs": [],
}


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_export_to_a_file_and_to_stdout(
    workspace_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.json"
    assert main(["--workspace", str(workspace_dir), "export", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith('{\n  "version": 1,') and text.endswith("}\n")  # pretty
    assert json.loads(text)["services"] == [_demo_service()]
    capsys.readouterr()
    assert main(["--workspace", str(workspace_dir), "export", "-"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == json.loads(text)
    assert captured.err == ""
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_import_then_export_gives_the_file_back(
    workspace_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = _write(tmp_path / "in.json", GOOD)
    assert main(["--workspace", str(workspace_dir), "import", str(src)]) == 0
    assert "imported" in capsys.readouterr().out
    out = tmp_path / "out.json"
    assert main(["--workspace", str(workspace_dir), "export", str(out)]) == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["services"][0]["port"] == 9300
    assert exported["settings"] == GOOD["settings"]
    assert exported["connections"] == GOOD["connections"]
    with Workspace.open(workspace_dir) as ws:
        assert ws.server_config().command == GOOD["server"]["command"]


def test_invalid_file_lists_every_problem_and_exits_2(
    workspace_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = GOOD | {"server": {"command": [], "port": 70000, "prot": 1}, "extra": True}
    src = _write(tmp_path / "bad.json", bad)
    assert main(["--workspace", str(workspace_dir), "import", str(src)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        f"{src}: $.extra: unknown field; allowed: $schema, version, server, services, "
        "settings, connections, jobs, executors, mqtt",
        f"{src}: $.server.command: must not be empty",
        f"{src}: $.server.port: 70000 is greater than the maximum of 65535",
        f"{src}: $.server.prot: unknown field; did you mean 'port'?",
    ]
    assert not workspace_dir.joinpath("workspace.db").exists()  # nothing created for nothing


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{\n  "version": 1,\n  "server": {"command": ["x"],}\n}', "line 3 column 31"),
        (b"", "line 1 column 1"),
        (b'{"version": NaN}', "NaN is not a JSON value"),
        (b'{"version": 1, "server": "\xff"}', "not UTF-8"),
    ],
)
def test_unreadable_json_gives_line_and_column(
    workspace_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    message: str,
) -> None:
    src = tmp_path / "broken.json"
    src.write_bytes(content)
    assert main(["--workspace", str(workspace_dir), "import", str(src)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{src}: ") and message in err
    assert len(err.splitlines()) == 1


def test_missing_file_exits_2(
    workspace_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.json"
    assert main(["--workspace", str(workspace_dir), "import", str(missing)]) == 2
    assert capsys.readouterr().err == f"{missing}: cannot read: No such file or directory\n"


def test_newer_workspace_exits_1_without_traceback(
    workspace_dir: Path, tmp_path: Path, db: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    Workspace.open(workspace_dir).close()
    db.run_sql(workspace_dir / "workspace.db", "PRAGMA user_version = 9")
    assert main(["--workspace", str(workspace_dir), "export", str(tmp_path / "o.json")]) == 1
    err = capsys.readouterr().err
    assert "schema version 9" in err and "Traceback" not in err
    assert not (tmp_path / "o.json").exists()


def test_unwritable_export_target_exits_1(
    workspace_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "no-such-dir" / "out.json"
    assert main(["--workspace", str(workspace_dir), "export", str(target)]) == 1
    assert capsys.readouterr().err.startswith(f"{target}: cannot write")


def _opspanel(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "panel", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_real_command_imports_while_the_panel_holds_the_workspace_open(
    workspace_dir: Path,
) -> None:
    with Workspace.open(workspace_dir) as panel_side:
        assert panel_side.server_config().port == 8121
        done = _opspanel("--workspace", str(workspace_dir), "import", "-", stdin=json.dumps(GOOD))
        assert (done.returncode, done.stderr) == (0, "")
        assert panel_side.server_config().port == 9300  # another process wrote the DB
        exported = _opspanel("--workspace", str(workspace_dir), "export", "-")
        assert exported.returncode == 0, exported.stderr
        assert json.loads(exported.stdout)["connections"] == GOOD["connections"]
        broken = _opspanel("--workspace", str(workspace_dir), "import", "-", stdin="{oops")
        assert broken.returncode == 2
        assert broken.stderr == "-: invalid JSON at line 1 column 2: " + (
            "Expecting property name enclosed in double quotes\n"
        )
        assert panel_side.server_config().port == 9300


def test_processes_racing_to_create_one_workspace_all_succeed(workspace_dir: Path) -> None:
    fresh = workspace_dir / "new"
    argv = [sys.executable, "-m", "panel", "--workspace", str(fresh), "export", "-"]
    racers = [
        subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    results = [racer.communicate(timeout=60) for racer in racers]
    assert [racer.returncode for racer in racers] == [0, 0, 0, 0], results
    assert all(json.loads(out)["services"] == [_demo_service()] for out, _ in results)
    with Workspace.open(fresh) as ws:
        assert ws.schema_version == LATEST_VERSION


def test_bad_connection_is_refused_with_its_path(
    tmp_path: Path, workspace_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = json.loads(json.dumps(GOOD))
    bad["connections"][0]["blocks"][0]["count"] = 0
    src = tmp_path / "bad-connection.json"
    src.write_text(json.dumps(bad))
    assert main(["--workspace", str(workspace_dir), "import", str(src)]) == 2
    err = capsys.readouterr().err
    assert f"{src}: $.connections[0].blocks[0].count:" in err
    assert not (workspace_dir / "workspace.db").exists()


def _demo_service() -> dict[str, Any]:
    from panel.workspace.service_config import ServiceConfig

    return ServiceConfig.from_server(demo_server_config()).to_json()
