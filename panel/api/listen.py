"""Where the API listens: loopback by default; any other address only with TLS.

Settings (`panel.workspace.known_settings`): ``api.listen`` (an IP address,
default 127.0.0.1), ``api.tlsCert`` and ``api.tlsKey`` (PEM file paths). With both
files the API serves ``wss://``; without them it serves ``ws://`` and only on a
loopback address: `listen_plan` refuses anything else, saying why, and the engine
runs on without an API.

The ``Host`` check (`panel.api.hosts`) then also answers the configured address
and, with TLS, the names in the certificate (a client that verified the
certificate used one of them).
"""

from __future__ import annotations

import ipaddress
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from panel.workspace.known_settings import API_LISTEN, API_TLS_CERT, API_TLS_KEY, DEFAULTS

WILDCARDS = {"0.0.0.0": "127.0.0.1", "::": "::1"}
"""A wildcard address -> where a client on this machine dials it."""


class ListenRefused(Exception):
    """The settings do not allow the API to listen (one sentence)."""


@dataclass(frozen=True)
class ListenPlan:
    """How the API listens: address, TLS context, extra Host names, local URL host."""

    host: str
    ssl_context: ssl.SSLContext | None = None
    host_names: tuple[str, ...] = ()
    local_host: str = "127.0.0.1"
    """The address a client on this machine dials (written to api.json)."""
    cert_file: str | None = None


def listen_plan(setting: Callable[[str, Any], Any]) -> ListenPlan:
    """The plan the settings describe; ListenRefused with the reason otherwise."""
    host = str(setting(API_LISTEN, DEFAULTS[API_LISTEN]) or DEFAULTS[API_LISTEN]).strip()
    cert = str(setting(API_TLS_CERT, "") or "").strip()
    key = str(setting(API_TLS_KEY, "") or "").strip()
    address = _address(host)
    if bool(cert) != bool(key):
        raise ListenRefused("set both api.tlsCert and api.tlsKey for TLS, or neither")
    local = WILDCARDS.get(host, host)
    names: tuple[str, ...] = (_bracketed(host),) if host not in WILDCARDS else ()
    if not cert:
        if not (host == "localhost" or address.is_loopback):
            raise ListenRefused(
                f"api.listen is {host}, not a loopback address: the API listens there only "
                "with TLS (set api.tlsCert and api.tlsKey)"
            )
        return ListenPlan(host, None, names, local)
    context = server_context(Path(cert), Path(key))
    names += certificate_names(Path(cert))
    return ListenPlan(host, context, names, local, str(Path(cert).resolve()))


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    """A TLS 1.2+ server context with `cert` and `key`; ListenRefused if they do not load."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    for path in (cert, key):
        if not path.is_file():
            raise ListenRefused(f"cannot load the TLS files: {path} does not exist")
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        raise ListenRefused(
            f"cannot load the TLS certificate {cert} with key {key}: {_why(exc)}"
        ) from None
    return context


def certificate_names(cert: Path) -> tuple[str, ...]:
    """The DNS names and IP addresses a PEM certificate is for (its subjectAltName)."""
    from cryptography import x509

    try:
        loaded = x509.load_pem_x509_certificate(cert.read_bytes())
        san = loaded.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (OSError, ValueError, x509.ExtensionNotFound):
        return ()
    dns = san.get_values_for_type(x509.DNSName)
    ips = [_bracketed(str(ip)) for ip in san.get_values_for_type(x509.IPAddress)]
    return tuple(name for name in (*dns, *ips) if not name.startswith("*"))


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    if host == "localhost":
        return ipaddress.ip_address("127.0.0.1")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        raise ListenRefused(
            f"api.listen must be an IP address (like 127.0.0.1 or 0.0.0.0), not {host!r}"
        ) from None


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _why(exc: BaseException) -> str:
    return getattr(exc, "reason", None) or getattr(exc, "strerror", None) or str(exc)
