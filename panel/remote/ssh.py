"""Reaching an engine on another machine with the system's OpenSSH client.

Cockpit's model: nothing to install or open on the remote machine beyond sshd
and the engine itself, whose API stays on the remote loopback.

1. ``ssh HOST cat WORKSPACE/api.json`` reads the remote engine's port and token
   (the token only ever travels inside SSH). Without a workspace in the target,
   WORKSPACE is the remote user's default workspace on Linux,
   ``${XDG_DATA_HOME:-$HOME/.local/share}/OpsPanel/workspace``; any other
   (another folder, a macOS or Windows remote) must be named in the target:
   ``ssh://host/srv/panel`` or ``ssh://host/~/panel`` (home-relative).
2. ``ssh -N -L 127.0.0.1:LOCAL:127.0.0.1:REMOTE HOST`` forwards a free local port
   to the remote API; the endpoint is ready once ssh listens on it.

ssh runs as an argv list with ``BatchMode=yes`` (it never prompts: keys or an
agent only) and ``ExitOnForwardFailure=yes``; host keys are checked as the user's
ssh configuration says (known_hosts). The tunnel dies with us: `close()` ends it,
and on Linux ``setpriv --pdeathsig`` sends it SIGTERM should we die first.
"""

from __future__ import annotations

import contextlib
import shlex
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import psutil

from panel.remote.apifile import ApiInfo, parse_api_file
from panel.remote.errors import EngineRefused, EngineUnreachable, RemoteError
from panel.remote.target import SshTarget
from panel.supervise.pdeathsig import setpriv_prefix
from panel.util.ports import ephemeral_port

DEFAULT_REMOTE_WORKSPACE = '"${XDG_DATA_HOME:-$HOME/.local/share}"/OpsPanel/workspace'
"""The remote user's default workspace (Linux), as a remote shell word."""

CONNECT_TIMEOUT_S = 10
OPTIONS = (
    "-o", "BatchMode=yes",
    "-o", "ExitOnForwardFailure=yes",
    "-o", f"ConnectTimeout={CONNECT_TIMEOUT_S}",
    "-o", "ServerAliveInterval=15",
    "-o", "ServerAliveCountMax=3",
    "-o", "LogLevel=ERROR",
)  # fmt: skip
"""Options of every ssh we run: never prompt, fail when the forward fails, notice a dead link."""

FORWARD_ATTEMPTS = 3
POLL_S = 0.02
STOP_TIMEOUT_S = 5.0


def ssh_argv(
    target: SshTarget, *, program: str = "ssh", config: Path | str | None = None
) -> list[str]:
    """``ssh [-F CONFIG] OPTIONS [-p PORT]`` for `target` (the destination comes last)."""
    argv = [program]
    if config is not None:
        argv += ["-F", str(config)]
    argv += list(OPTIONS)
    if target.port:
        argv += ["-p", str(target.port)]
    return argv


def remote_api_file_word(workspace: str | None) -> str:
    """The remote path of api.json as one word of the remote shell."""
    if workspace is None:
        return f"{DEFAULT_REMOTE_WORKSPACE}/api.json"
    folder = workspace.rstrip("/") or "/"
    if folder == "~":
        return '"$HOME"/api.json'
    if folder.startswith("~/"):
        return '"$HOME"/' + shlex.quote(f"{folder[2:]}/api.json")
    return shlex.quote(f"{folder}/api.json")


def read_remote_api_file(
    target: SshTarget, base: Sequence[str], timeout: float = 2.0 * CONNECT_TIMEOUT_S
) -> ApiInfo:
    """The remote engine's api.json; EngineUnreachable / RemoteError in one sentence."""
    word = remote_api_file_word(target.workspace)
    where = f"{target}" + (f" workspace {target.workspace}" if target.workspace else "")
    argv = [*base, "--", target.destination, f"cat -- {word}"]
    try:
        done = subprocess.run(
            argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, check=False
        )
    except FileNotFoundError:
        raise RemoteError(f"cannot reach {target}: no ssh client ({base[0]}) here") from None
    except subprocess.TimeoutExpired:
        raise EngineUnreachable(f"{target} did not answer within {timeout:g} s") from None
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode == 255:
        raise ssh_failure(target, stderr)
    if done.returncode != 0:
        if "No such file" in stderr:
            raise EngineUnreachable(
                f"no engine is running on {where} (no api.json there; "
                "name the workspace in the URL, ssh://host/PATH, if it is not the default)"
            )
        raise RemoteError(f"cannot read the API file on {where}: {_last_line(stderr)}")
    return parse_api_file(done.stdout, Path(word), where=f"api.json on {where}")


def ssh_failure(target: SshTarget, stderr: str) -> RemoteError:
    """What ssh's exit 255 means, from its stderr: one sentence."""
    text = stderr.lower()
    host = target.host
    if "remote host identification has changed" in text or "host key for" in text:
        return EngineRefused(
            f"the host key of {host} does not match the one in known_hosts: someone may be "
            f"intercepting the connection, or the host was reinstalled (then check its new key "
            f"and remove the old one with ssh-keygen -R {host})"
        )
    if "host key verification failed" in text:
        return EngineRefused(
            f"the host key of {host} is not known yet: connect once with "
            f"`ssh {target.destination}` to check and accept it"
        )
    if "permission denied" in text or "too many authentication failures" in text:
        return EngineRefused(
            f"{target} refused the SSH login ({_last_line(stderr)}): ctl logs in with keys or "
            "an agent only; check the user name and that your key is authorized there"
        )
    if "could not resolve hostname" in text:
        return EngineUnreachable(f"cannot reach {target}: unknown host name {host}")
    for reason in (
        "connection refused",
        "connection timed out",
        "operation timed out",
        "no route to host",
        "network is unreachable",
        "connection closed",
        "connection reset",
    ):
        if reason in text:
            return EngineUnreachable(f"cannot reach {target}: {reason}")
    return EngineUnreachable(f"cannot reach {target}: {_last_line(stderr) or 'ssh failed'}")


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1].rstrip(".") if lines else ""


class SshTunnel:
    """``ssh -N -L`` from a free port on 127.0.0.1 to the remote API; `close()` ends it."""

    def __init__(
        self, target: SshTarget, base: Sequence[str], remote_host: str, remote_port: int
    ) -> None:
        self.target = target
        self._base = list(base)
        self._remote = f"{_bracketed(remote_host)}:{remote_port}"
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the tunnel)
        self.local_port = 0

    def open(self, timeout: float = 2.0 * CONNECT_TIMEOUT_S) -> int:
        """Start ssh and wait until its forward listens; the local port."""
        for attempt in range(FORWARD_ATTEMPTS):
            port = ephemeral_port()
            if self._start(port, timeout):
                self.local_port = port
                return port
            stderr = self._read_stderr()
            if "address already in use" in stderr.lower() and attempt + 1 < FORWARD_ATTEMPTS:
                continue  # another program took the free port first: take another
            raise ssh_failure(self.target, stderr)
        raise EngineUnreachable(f"no free local port to forward {self.target}")  # pragma: no cover

    def _start(self, port: int, timeout: float) -> bool:
        forward = f"127.0.0.1:{port}:{self._remote}"
        argv = [*setpriv_prefix(), *self._base, "-N", "-L", forward, "--", self.target.destination]
        self._stderr.seek(0)
        self._stderr.truncate()
        self._proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._stderr
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                return False
            if _listens(self._proc.pid, port):
                return True
            time.sleep(POLL_S)  # polling ssh until its forward listens (bounded)
        self.close()
        raise EngineUnreachable(f"{self.target} did not open the tunnel within {timeout:g} s")

    def _read_stderr(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")

    @property
    def pid(self) -> int | None:
        """The ssh process, while it runs."""
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    def close(self) -> None:
        """End the tunnel (SIGTERM, then SIGKILL after a few seconds)."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        with contextlib.suppress(OSError):
            self._stderr.close()


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def _listens(pid: int, port: int) -> bool:
    """True when process `pid` listens on 127.0.0.1:`port`."""
    try:
        conns = psutil.Process(pid).net_connections(kind="tcp4")
    except psutil.Error:
        return False
    return any(c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == port for c in conns)
