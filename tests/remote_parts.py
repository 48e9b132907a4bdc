"""Real parts for reaching engines, shared by unit, integration and GUI tests.

A real OpenSSH server on 127.0.0.1 (the `sshd` fixture: import it into a conftest),
fresh SSH keys, a self-signed TLS certificate, a workspace whose server stays stopped.
"""

from __future__ import annotations

import datetime
import getpass
import ipaddress
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from panel.util.ports import ephemeral_port
from panel.workspace.server_config import ServerConfig
from panel.workspace.transfer import export_config, import_config
from panel.workspace.workspace import Workspace
from tests.system_packages import need
from tests.waiting import terminate_tree, wait_for


def keygen(path: Path) -> str:
    """A fresh ed25519 key pair at `path` (no passphrase); the public key line."""
    keygen = need("ssh-keygen")
    argv = [keygen, "-q", "-t", "ed25519", "-N", "", "-C", "opspanel-test", "-f", str(path)]
    subprocess.run(argv, check=True, timeout=30, stdin=subprocess.DEVNULL)
    return path.with_suffix(".pub").read_text().strip()


@dataclass
class Sshd:
    """A running sshd and what a client needs to log in to it."""

    port: int
    user: str
    client_config: Path
    known_hosts: Path
    host_public_key: str
    xdg_data_home: Path
    log: Path

    def url(self, workspace: Path | str | None = None) -> str:
        """``ssh://user@127.0.0.1:port[/workspace]``."""
        path = "" if workspace is None else str(workspace)
        return f"ssh://{self.user}@127.0.0.1:{self.port}{path}"

    def trust(self, public_key: str) -> None:
        """Make known_hosts hold `public_key` for this server (and nothing else)."""
        kind, key = public_key.split()[:2]
        self.known_hosts.write_text(f"[127.0.0.1]:{self.port} {kind} {key}\n")


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[Sshd]:
    """A real OpenSSH server on 127.0.0.1:<free port> that lets a throwaway key in."""
    program = need("sshd")
    folder = tmp_path / "sshd"
    folder.mkdir()
    host_key = folder / "host_ed25519"
    host_public = keygen(host_key)
    client_key = folder / "client_ed25519"
    (folder / "authorized_keys").write_text(keygen(client_key) + "\n")
    xdg = tmp_path / "xdg"
    xdg.mkdir()
    user = getpass.getuser()
    if os.geteuid() == 0:
        # sshd run by root wants its privilege separation folder (systemd makes it at boot).
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    port = ephemeral_port()
    config = folder / "sshd_config"
    config.write_text(
        "\n".join(
            [
                f"Port {port}",
                "ListenAddress 127.0.0.1",
                f"HostKey {host_key}",
                f"PidFile {folder / 'sshd.pid'}",
                f"AuthorizedKeysFile {folder / 'authorized_keys'}",
                "StrictModes no",
                "UsePAM no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes",
                "PermitRootLogin prohibit-password",
                f"AllowUsers {user}",
                "AllowTcpForwarding local",
                f"SetEnv XDG_DATA_HOME={xdg}",
                "LogLevel VERBOSE",
                "",
            ]
        )
    )
    known_hosts = folder / "known_hosts"
    client_config = folder / "ssh_config"
    client_config.write_text(
        "\n".join(
            [
                "Host *",
                f"  IdentityFile {client_key}",
                "  IdentitiesOnly yes",
                "  IdentityAgent none",
                f"  UserKnownHostsFile {known_hosts}",
                "  GlobalKnownHostsFile /dev/null",
                "  StrictHostKeyChecking yes",
                "",
            ]
        )
    )
    log = folder / "sshd.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [program, "-D", "-e", "-f", str(config)], stdout=out, stderr=subprocess.STDOUT
        )
    server = Sshd(port, user, client_config, known_hosts, host_public, xdg, log)
    server.trust(host_public)
    try:
        wait_for(
            lambda: "Server listening" in log.read_text() or proc.poll() is not None,
            30,
            "sshd to listen",
        )
        assert proc.poll() is None, log.read_text()
        yield server
    finally:
        terminate_tree(proc, timeout=10)


def prepare_workspace(ws: Path, settings: dict[str, Any] | None = None) -> Path:
    """A workspace whose server does not start by itself, with `settings` stored."""
    ws.mkdir(parents=True, exist_ok=True)
    with Workspace.open(ws) as workspace:
        data = export_config(workspace)
        server = ServerConfig.from_json(workspace.server_config().to_json() | {"autostart": False})
        import_config(workspace, data | {"server": server.to_json()})
        for key, value in (settings or {}).items():
            workspace.set_setting(key, value)
    return ws


@dataclass(frozen=True)
class Certificate:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key (0600)."""

    cert: Path
    key: Path


def make_certificate(folder: Path, name: str = "api") -> Certificate:
    """Make a self-signed TLS certificate with the `cryptography` package."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "opspanel test")])
    now = datetime.datetime.now(datetime.UTC)
    san = x509.SubjectAlternativeName(
        [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(san, critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / f"{name}.crt", folder / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.touch(mode=0o600)
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Certificate(cert_path, key_path)
