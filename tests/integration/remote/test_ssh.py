"""`opspanel ctl --url ssh://...` against a real sshd and a real engine on this machine."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest
from websockets.asyncio.client import connect

from panel.remote.connect import open_endpoint
from tests.integration.remote.conftest import Engine, run_ctl
from tests.remote_parts import Sshd, keygen, prepare_workspace
from tests.waiting import wait_for

pytestmark = pytest.mark.slow


def _ssh_tunnels(port: int) -> list[psutil.Process]:
    """ssh processes forwarding to the test sshd (`ssh ... -p PORT ... -N -L ...`)."""
    found = []
    for proc in psutil.process_iter(["name", "cmdline"]):
        cmd = proc.info["cmdline"] or []
        if "-N" in cmd and str(port) in cmd and any(part.endswith("ssh") for part in cmd[:4]):
            found.append(proc)
    return found


def test_status_over_ssh_in_the_default_and_a_named_workspace(
    sshd: Sshd, engine: Callable[..., Engine]
) -> None:
    # The remote user's default workspace: $XDG_DATA_HOME/OpsPanel/workspace.
    ws = prepare_workspace(sshd.xdg_data_home / "OpsPanel" / "workspace")
    running = engine(ws)
    config = ["--ssh-config", str(sshd.client_config)]
    done = run_ctl("--url", sshd.url(), *config, "status", "--json")
    assert done.returncode == 0, done.stderr
    status = json.loads(done.stdout)
    assert status["engine"]["pid"] == running.proc.pid
    assert status["engine"]["workspace"] == str(ws)

    named = run_ctl("status", "--url", sshd.url(ws), *config)
    assert named.returncode == 0, named.stderr
    assert f"pid {running.proc.pid}" in named.stdout
    assert _ssh_tunnels(sshd.port) == []  # ctl took its tunnel down on the way out

    env = {"OPSPANEL_URL": sshd.url(ws), "OPSPANEL_SSH_CONFIG": str(sshd.client_config)}
    by_env = run_ctl("server", "status", env=env)
    assert by_env.returncode == 0, by_env.stderr
    assert by_env.stdout.startswith("stopped")


def test_asyncio_client_connects_with_the_endpoint(
    sshd: Sshd, engine: Callable[..., Engine], tmp_path: Path
) -> None:
    ws = prepare_workspace(tmp_path / "ws")
    running = engine(ws)

    async def status() -> dict[str, object]:
        with open_endpoint(sshd.url(ws), ssh_config=sshd.client_config) as endpoint:
            async with connect(endpoint.url, **endpoint.async_connect_kwargs()) as ws_conn:
                await ws_conn.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "status"}))
                return dict(json.loads(await ws_conn.recv()))

    answer = asyncio.run(status())
    assert answer["result"]["engine"]["pid"] == running.proc.pid  # type: ignore[index]
    assert _ssh_tunnels(sshd.port) == []


def test_the_tunnel_dies_with_its_owner(
    sshd: Sshd, engine: Callable[..., Engine], tmp_path: Path
) -> None:
    ws = prepare_workspace(tmp_path / "ws")
    engine(ws)
    code = (
        "import sys, time\n"
        "from panel.remote.connect import open_endpoint\n"
        f"ep = open_endpoint({sshd.url(ws)!r}, ssh_config={str(sshd.client_config)!r})\n"
        "print(ep.dial[1], flush=True)\n"
        "sys.stdin.read()\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as owner:
        try:
            assert owner.stdout is not None
            assert owner.stdout.readline().strip().isdigit()
            tunnels = _ssh_tunnels(sshd.port)
            assert len(tunnels) == 1
            owner.kill()  # no close(): only the parent-death signal can end the tunnel now
            owner.wait(30)
            wait_for(lambda: not tunnels[0].is_running(), 30, "the orphaned tunnel to end")
        finally:
            if owner.poll() is None:
                owner.kill()


def test_host_key_mismatch_is_one_sentence(sshd: Sshd, tmp_path: Path) -> None:
    sshd.trust(keygen(tmp_path / "impostor"))
    done = run_ctl("status", "--url", sshd.url(), "--ssh-config", str(sshd.client_config))
    assert done.returncode == 3
    assert done.stdout == ""
    assert done.stderr.startswith("opspanel ctl: the host key of 127.0.0.1 does not match")
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr


def test_unknown_host_key_is_one_sentence(sshd: Sshd) -> None:
    sshd.known_hosts.write_text("")
    done = run_ctl("status", "--url", sshd.url(), "--ssh-config", str(sshd.client_config))
    assert done.returncode == 3
    assert "the host key of 127.0.0.1 is not known yet" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_login_refused_is_one_sentence(sshd: Sshd) -> None:
    url = f"ssh://nobody@127.0.0.1:{sshd.port}"
    done = run_ctl("status", "--url", url, "--ssh-config", str(sshd.client_config))
    assert done.returncode == 3
    assert "refused the SSH login" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_no_engine_on_the_remote_exits_3(sshd: Sshd, tmp_path: Path) -> None:
    done = run_ctl(
        "status", "--url", sshd.url(tmp_path / "none"), "--ssh-config", str(sshd.client_config)
    )
    assert done.returncode == 3
    assert done.stderr.startswith("opspanel ctl: no engine is running on ssh://")
    assert len(done.stderr.strip().splitlines()) == 1


def test_unreachable_host_exits_3(sshd: Sshd, free_port: int) -> None:
    url = f"ssh://{sshd.user}@127.0.0.1:{free_port}"
    done = run_ctl("status", "--url", url, "--ssh-config", str(sshd.client_config))
    assert done.returncode == 3
    assert done.stderr == f"opspanel ctl: cannot reach {url}: connection refused\n"
