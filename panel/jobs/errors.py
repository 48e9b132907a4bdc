"""Why the job engine refused a request."""

from __future__ import annotations


class JobError(Exception):
    """A job request was refused; `kind` says why (not_found, dangerous, invalid, state)."""

    def __init__(self, kind: str, message: str, data: object = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.data = data
