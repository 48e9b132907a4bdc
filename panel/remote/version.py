"""Whether an engine's version and ours may talk: the same major.minor."""

from __future__ import annotations

from panel.remote.errors import EngineRefused


def check_version(engine: str | None, ours: str, client: str = "ctl") -> None:
    """EngineRefused when the engine's major.minor differs from ours (None: not said).

    `client` names what we are in the sentence: ``ctl``, ``window``.
    """
    if engine is not None and _major_minor(engine) != _major_minor(ours):
        raise EngineRefused(
            f"engine version {engine}, this {client} {ours}: use a {client} of the same version "
            "(major.minor) as the engine"
        )


def _major_minor(version: str) -> tuple[str, ...]:
    return tuple(version.split(".")[:2])
