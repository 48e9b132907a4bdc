"""The API over TLS (wss://), its refusals, and ctl --url/--token-file/--tls-ca."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.integration.remote.conftest import Engine, run_ctl
from tests.remote_parts import make_certificate, prepare_workspace
from tests.waiting import wait_for

pytestmark = pytest.mark.slow


def _token_file(folder: Path, token: str, mode: int = 0o600) -> Path:
    path = folder / "engine.token"
    path.touch(mode=0o600)
    path.write_text(token + "\n")
    path.chmod(mode)
    return path


def test_ctl_over_wss_with_the_token_file_and_ca(
    tmp_path: Path, engine: Callable[..., Engine]
) -> None:
    cert = make_certificate(tmp_path)
    settings = {
        "api.listen": "127.0.0.1",
        "api.tlsCert": str(cert.cert),
        "api.tlsKey": str(cert.key),
    }
    ws = prepare_workspace(tmp_path / "ws", settings)
    running = engine(ws)
    info = json.loads((ws / "api.json").read_text())
    url = f"wss://127.0.0.1:{info['port']}"
    assert info["url"] == f"{url}/rpc"

    local = run_ctl("--workspace", str(ws), "status", "--json")  # api.json pins the cert
    assert local.returncode == 0, local.stderr
    assert json.loads(local.stdout)["engine"]["pid"] == running.proc.pid

    token = _token_file(tmp_path, info["token"])
    done = run_ctl("status", "--url", url, "--token-file", str(token), "--tls-ca", str(cert.cert))
    assert done.returncode == 0, done.stderr
    assert f"pid {running.proc.pid}" in done.stdout
    by_name = run_ctl(
        "server", "status", "--url", f"https://localhost:{info['port']}",
        env={"OPSPANEL_TOKEN_FILE": str(token), "OPSPANEL_TLS_CA": str(cert.cert)},
    )  # fmt: skip
    assert by_name.returncode == 0, by_name.stderr

    untrusted = run_ctl("status", "--url", url, "--token-file", str(token))
    assert untrusted.returncode == 3
    assert untrusted.stderr.startswith(f"opspanel ctl: TLS certificate not trusted for {url}/rpc")
    assert "--tls-ca" in untrusted.stderr
    assert len(untrusted.stderr.strip().splitlines()) == 1

    plain = run_ctl("status", "--url", f"ws://127.0.0.1:{info['port']}", "--token-file", str(token))
    assert plain.returncode == 3
    assert "use wss://" in plain.stderr
    assert len(plain.stderr.strip().splitlines()) == 1

    wrong = _token_file(tmp_path / "ws", "not-the-token")
    refused = run_ctl(
        "status", "--url", url, "--token-file", str(wrong), "--tls-ca", str(cert.cert)
    )
    assert refused.returncode == 3
    assert "refused the token (401 unauthorized)" in refused.stderr

    token.chmod(0o644)
    loose = run_ctl("status", "--url", url, "--token-file", str(token), "--tls-ca", str(cert.cert))
    assert loose.returncode == 1
    assert "has permissions 0644, expected 0600" in loose.stderr
    assert running.proc.poll() is None


def test_wss_to_a_plain_port_says_so(tmp_path: Path, engine: Callable[..., Engine]) -> None:
    ws = prepare_workspace(tmp_path / "ws")
    engine(ws)
    info = json.loads((ws / "api.json").read_text())
    token = _token_file(tmp_path, info["token"])
    done = run_ctl("status", "--url", f"wss://127.0.0.1:{info['port']}", "--token-file", str(token))
    assert done.returncode == 3
    assert "does not answer TLS" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_non_loopback_without_tls_is_refused_and_the_engine_runs_on(
    tmp_path: Path, engine: Callable[..., Engine]
) -> None:
    ws = prepare_workspace(tmp_path / "ws", {"api.listen": "0.0.0.0"})
    running = engine(ws, wait_api=False)
    expected = (
        "API not started: api.listen is 0.0.0.0, not a loopback address: the API listens "
        "there only with TLS (set api.tlsCert and api.tlsKey)"
    )
    wait_for(lambda: expected in running.log() or running.proc.poll() is not None, 60, "refusal")
    assert running.proc.poll() is None, running.log()
    assert not (ws / "api.json").exists()
    done = run_ctl("--workspace", str(ws), "status")
    assert done.returncode == 3


def test_half_a_tls_setup_is_refused(tmp_path: Path, engine: Callable[..., Engine]) -> None:
    cert = make_certificate(tmp_path)
    ws = prepare_workspace(tmp_path / "ws", {"api.tlsCert": str(cert.cert)})
    running = engine(ws, wait_api=False)
    expected = "API not started: set both api.tlsCert and api.tlsKey for TLS, or neither"
    wait_for(lambda: expected in running.log() or running.proc.poll() is not None, 60, "refusal")
    assert running.proc.poll() is None


def test_a_token_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    token = _token_file(tmp_path, "x", 0o644)
    done = run_ctl("status", "--url", "wss://127.0.0.1:1", "--token-file", str(token))
    assert done.returncode == 1
    assert done.stderr == (
        f"opspanel ctl: {token} has permissions 0644, expected 0600: its token may have "
        f"leaked; chmod 600 {token} once you know nobody else read it\n"
    )


def test_a_url_needs_a_token_file() -> None:
    env = {"OPSPANEL_TOKEN_FILE": ""}
    done = run_ctl("status", "--url", "wss://127.0.0.1:1", env=env)
    assert done.returncode == 1
    assert "needs the engine's token: pass --token-file FILE" in done.stderr


def test_workspace_and_url_together_is_a_usage_error(tmp_path: Path) -> None:
    done = run_ctl("status", "--url", "wss://127.0.0.1:1", "--workspace", str(tmp_path))
    assert (done.returncode, done.stderr) == (
        2,
        "opspanel ctl: give --workspace or --url, not both\n",
    )


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
def test_plain_ws_to_another_host_is_refused(tmp_path: Path) -> None:
    token = _token_file(tmp_path, "x")
    done = run_ctl("status", "--url", "ws://192.0.2.1:9", "--token-file", str(token))
    assert done.returncode == 1
    assert "refusing to send the token unencrypted to 192.0.2.1" in done.stderr
