"""The engines this window knows: the local workspace first, then saved remote targets.

The list lives in QSettings, as names, targets and file paths only: a token stays
in its file (0600) or behind the SSH agent, never in the settings.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from PySide6.QtCore import QCoreApplication, QObject, QSettings, Signal

from panel.remote.errors import RemoteError
from panel.remote.target import UrlTarget, WorkspaceTarget, parse_target
from panel.viewmodels.remote.endpoint import Endpoint, EndpointError

GROUP = "engines"
SAVED = "saved"
LOCAL_NAME = "localName"
LOCAL_KEY = "local"
MAX_NAME = 60
_SECRET_QUERY = ("token", "access_token", "key", "password", "secret")


class EngineEntryError(ValueError):
    """An entry cannot be added or renamed: one sentence saying why."""


@dataclass(frozen=True)
class EngineEntry:
    """One engine of the list: a name for people and where it runs.

    `target` is a workspace folder on this machine, ``wss://host:port`` (with the
    paths of its token file and of the CA to trust) or ``ssh://[user@]host[/dir]``.
    """

    key: str
    name: str
    target: str
    token_file: str = ""
    tls_ca: str = ""
    ssh_config: str = ""

    @property
    def local(self) -> bool:
        """True for the window's own workspace (always first, never removed)."""
        return self.key == LOCAL_KEY

    @property
    def where(self) -> str:
        """The engine as an endpoint names it (a folder, a URL, ``ssh://host``)."""
        return target_where(self.target)


def target_where(target: str) -> str:
    """How an endpoint names `target`: the resolved folder, the URL, or ``ssh://[user@]host``."""
    try:
        parsed = parse_target(target)
    except RemoteError:
        return target
    if isinstance(parsed, WorkspaceTarget):
        return str(parsed.folder)
    if isinstance(parsed, UrlTarget):
        return parsed.url
    return str(parsed)


def check_target(target: str, token_file: str = "", tls_ca: str = "") -> str:
    """The target as it is stored (a resolved folder, or the URL); EngineEntryError if malformed.

    A URL carrying a password or a token is refused: the list is saved in the clear.
    """
    text = target.strip()
    if not text:
        raise EngineEntryError(
            QCoreApplication.translate(
                "EngineRegistry", "Give the engine's workspace folder or its URL."
            )
        )
    try:
        parsed = parse_target(text)
    except RemoteError as exc:
        raise EngineEntryError(str(exc)) from None
    if isinstance(parsed, WorkspaceTarget):
        if not parsed.folder.is_dir():
            raise EngineEntryError(
                QCoreApplication.translate("EngineRegistry", "There is no folder %1.").replace(
                    "%1", str(parsed.folder)
                )
            )
        return str(parsed.folder)
    parts = urlsplit(text)
    secret_query = any(name.lower() in _SECRET_QUERY for name in parse_qs(parts.query))
    if parts.password is not None or secret_query:
        raise EngineEntryError(
            QCoreApplication.translate(
                "EngineRegistry",
                "Put the token in a token file, not in the URL: the list is saved without secrets.",
            )
        )
    if isinstance(parsed, UrlTarget) and not token_file.strip():
        raise EngineEntryError(
            QCoreApplication.translate(
                "EngineRegistry", "A %1 engine needs its token file."
            ).replace("%1", parts.scheme + "://")
        )
    for path in (token_file, tls_ca):
        if path.strip() and not Path(path).expanduser().is_file():
            raise EngineEntryError(
                QCoreApplication.translate("EngineRegistry", "There is no file %1.").replace(
                    "%1", path
                )
            )
    return text


def entry_endpoint(entry: EngineEntry) -> Endpoint:
    """The endpoint a link reaches `entry` through; EndpointError (one sentence) if it cannot."""
    from panel.viewmodels.remote.reach import remote_endpoint

    return remote_endpoint(
        entry.target,
        token_file=entry.token_file or None,
        tls_ca=entry.tls_ca or None,
        ssh_config=entry.ssh_config or None,
    )


class EngineRegistry(QObject):
    """The list of engines, read from and written to QSettings at once on every change."""

    sig_changed = Signal()
    """Entries were added, removed or renamed: re-read `entries()`."""

    def __init__(
        self,
        local_workspace: Path,
        settings: QSettings | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings if settings is not None else QSettings()
        self._local = Path(local_workspace)
        self._entries = self._read()

    # ----------------------------------------------------------------- reading

    def entries(self) -> list[EngineEntry]:
        """The local workspace first, then the saved engines in the order they were added."""
        return list(self._entries)

    def entry(self, key: str) -> EngineEntry | None:
        """The entry of `key`, None when there is none."""
        return next((e for e in self._entries if e.key == key), None)

    # ----------------------------------------------------------------- changes

    def add(
        self, name: str, target: str, token_file: str = "", tls_ca: str = "", ssh_config: str = ""
    ) -> EngineEntry:
        """Add an engine; EngineEntryError (one sentence) for a bad name or target."""
        clean = self._check_name(name)
        stored = check_target(target, token_file, tls_ca)
        twin = next((e for e in self._entries if e.where == target_where(stored)), None)
        if twin is not None:
            raise EngineEntryError(
                QCoreApplication.translate(
                    "EngineRegistry", "That engine is already in the list as %1."
                ).replace("%1", twin.name)
            )
        entry = EngineEntry(
            uuid.uuid4().hex[:12],
            clean,
            stored,
            _absolute(token_file),
            _absolute(tls_ca),
            _absolute(ssh_config),
        )
        self._entries.append(entry)
        self._write()
        return entry

    def remove(self, key: str) -> None:
        """Forget an engine (the engine itself is not touched); the local one stays."""
        if key == LOCAL_KEY:
            raise EngineEntryError(
                QCoreApplication.translate(
                    "EngineRegistry", "This computer's workspace is always in the list."
                )
            )
        self._entries = [e for e in self._entries if e.key != key]
        self._write()

    def rename(self, key: str, name: str) -> None:
        """Give an engine another name; EngineEntryError when it is empty or taken."""
        clean = self._check_name(name, but=key)
        self._entries = [replace(e, name=clean) if e.key == key else e for e in self._entries]
        self._write()

    # --------------------------------------------------------------- internals

    def _check_name(self, name: str, but: str | None = None) -> str:
        clean = " ".join(name.split())
        if not clean:
            raise EngineEntryError(
                QCoreApplication.translate("EngineRegistry", "Give the engine a name.")
            )
        if len(clean) > MAX_NAME:
            raise EngineEntryError(
                QCoreApplication.translate(
                    "EngineRegistry", "A name has at most %1 characters."
                ).replace("%1", str(MAX_NAME))
            )
        if any(e.name.casefold() == clean.casefold() and e.key != but for e in self._entries):
            raise EngineEntryError(
                QCoreApplication.translate(
                    "EngineRegistry", "There is already an engine named %1."
                ).replace("%1", clean)
            )
        return clean

    def _read(self) -> list[EngineEntry]:
        s = self._settings
        s.beginGroup(GROUP)
        local_name = str(s.value(LOCAL_NAME, "") or "") or QCoreApplication.translate(
            "EngineRegistry", "This computer"
        )
        entries = [EngineEntry(LOCAL_KEY, local_name, str(self._local))]
        count = s.beginReadArray(SAVED)
        for i in range(count):
            s.setArrayIndex(i)
            key, name, target = (str(s.value(k, "") or "") for k in ("key", "name", "target"))
            if key and name and target and key != LOCAL_KEY:
                entries.append(
                    EngineEntry(
                        key,
                        name,
                        target,
                        str(s.value("tokenFile", "") or ""),
                        str(s.value("tlsCa", "") or ""),
                        str(s.value("sshConfig", "") or ""),
                    )
                )
        s.endArray()
        s.endGroup()
        return entries

    def _write(self) -> None:
        s = self._settings
        s.beginGroup(GROUP)
        local_name = self._entries[0].name
        default = QCoreApplication.translate("EngineRegistry", "This computer")
        s.setValue(LOCAL_NAME, "" if local_name == default else local_name)
        s.remove(SAVED)
        s.beginWriteArray(SAVED, len(self._entries) - 1)
        for i, entry in enumerate(self._entries[1:]):
            s.setArrayIndex(i)
            s.setValue("key", entry.key)
            s.setValue("name", entry.name)
            s.setValue("target", entry.target)
            s.setValue("tokenFile", entry.token_file)
            s.setValue("tlsCa", entry.tls_ca)
            s.setValue("sshConfig", entry.ssh_config)
        s.endArray()
        s.endGroup()
        s.sync()
        self.sig_changed.emit()


def _absolute(path: str) -> str:
    return str(Path(path).expanduser().resolve()) if path.strip() else ""


__all__ = [
    "EndpointError",
    "EngineEntry",
    "EngineEntryError",
    "EngineRegistry",
    "check_target",
    "entry_endpoint",
]
