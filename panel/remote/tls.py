"""The client side of TLS: which certificates to trust, and what a failure means."""

from __future__ import annotations

import ssl
from pathlib import Path

from panel.remote.errors import EngineRefused, EngineUnreachable, RemoteError


def client_context(ca_file: Path | str | None = None) -> ssl.SSLContext:
    """Verify the engine with the system's trusted CAs, or with `ca_file` only.

    `ca_file` may be the engine's own self-signed certificate or the CA that signed
    it. RemoteError when it cannot be read.
    """
    if ca_file is None:
        return ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    try:
        return ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=str(ca_file))
    except (OSError, ssl.SSLError) as exc:
        raise RemoteError(f"cannot use {ca_file} as a TLS CA file: {_why(exc)}") from None


def pinned_context(cert_file: Path | str) -> ssl.SSLContext:
    """Trust exactly the certificate in `cert_file`, whatever names it carries.

    For a client on the engine's own machine (api.json names the certificate): it
    dials 127.0.0.1, which the certificate need not name; the pin is stronger.
    """
    context = client_context(cert_file)
    context.check_hostname = False
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    return context


def tls_failure(exc: BaseException, url: str) -> RemoteError | None:
    """The sentence for a TLS error while connecting to `url` (None: not a TLS error)."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        reason = exc.verify_message or _why(exc)
        return EngineRefused(
            f"TLS certificate not trusted for {url} ({reason}): pass --tls-ca FILE "
            "(or set OPSPANEL_TLS_CA) with the engine's certificate or its CA"
        )
    if isinstance(exc, ssl.SSLError):
        reason = exc.reason or _why(exc)
        if reason in ("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "PACKET_LENGTH_TOO_LONG"):
            return EngineRefused(
                f"{url} does not answer TLS ({reason}): if the engine serves plain ws:// "
                "on loopback, reach it through its workspace or over ssh://"
            )
        return EngineUnreachable(f"TLS failed with {url}: {reason}")
    return None


def _why(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
