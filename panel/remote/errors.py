"""Why an engine could not be reached: one sentence each, in two kinds."""

from __future__ import annotations


class RemoteError(Exception):
    """Something answered but refused us or cannot be trusted (bad token file,
    host key mismatch, SSH login refused, TLS trouble): `opspanel ctl` exits 1."""


class EngineUnreachable(RemoteError):
    """Nothing to talk to: no engine, host unreachable, no answer: `opspanel ctl` exits 3."""


class EngineRefused(RemoteError):
    """The engine or its host answered but cannot be used: the token refused, the TLS
    certificate or SSH host key not trusted, the SSH login refused, another engine
    version. Like "no engine", `opspanel ctl` exits 3: there is no engine to drive."""
