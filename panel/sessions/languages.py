"""The languages `run_code` knows, and which of them this machine can run. No Qt.

Each language names its toolchain programs (the first found on the PATH a command
sees is used) and how a snippet is laid out and started:

- ``python``: the panel's own interpreter (``python3`` in a frozen build).
- ``nodejs`` (aliases ``node``, ``javascript``): ``node`` (or ``nodejs``) runs the file.
- ``golang`` (alias ``go``): ``go run file.go``, its build cache in the session folder.
- ``dotnet`` (aliases ``csharp``, ``c#``): ``dotnet-script file.csx`` where installed,
  else ``dotnet run`` on a generated project (a ``.csproj`` beside ``Program.cs``).

A language whose toolchain is missing is refused with a sentence naming it.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

CSPROJ = """<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net{version}</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>disable</Nullable>
  </PropertyGroup>
</Project>
"""
"""The project `dotnet run` builds a C# snippet with."""


@dataclass(frozen=True)
class Language:
    """One `run_code` language: its names, its toolchain and its file suffix."""

    name: str
    aliases: tuple[str, ...]
    programs: tuple[str, ...]
    """Toolchain programs tried in order; the language runs when one is found."""
    suffix: str
    package: str
    """What to install when the toolchain is missing (shown in the refusal)."""
    env: dict[str, str] = field(default_factory=dict)
    """Extra environment for the snippet; `{home}` is the session folder as the command sees it."""


LANGUAGES: tuple[Language, ...] = (
    Language("python", ("python3", "py"), ("python3", "python"), ".py", "python3"),
    Language("nodejs", ("node", "javascript", "js"), ("node", "nodejs"), ".js", "nodejs"),
    Language(
        "golang",
        ("go",),
        ("go",),
        ".go",
        "golang-go",
        {
            "GOCACHE": "{home}/.cache/go-build",
            "GOPATH": "{home}/.cache/go",
            "GOTOOLCHAIN": "local",
            "GOFLAGS": "-mod=mod",
            "CGO_ENABLED": "0",
        },
    ),
    Language(
        "dotnet",
        ("csharp", "c#", "cs"),
        ("dotnet-script", "dotnet"),
        ".cs",
        "the .NET SDK (dotnet) or dotnet-script",
        {
            "DOTNET_CLI_HOME": "{home}/.cache/dotnet",
            "DOTNET_NOLOGO": "1",
            "DOTNET_CLI_TELEMETRY_OPTOUT": "1",
            "DOTNET_SKIP_FIRST_TIME_EXPERIENCE": "1",
        },
    ),
)

_BY_NAME = {name: lang for lang in LANGUAGES for name in (lang.name, *lang.aliases)}


class UnknownLanguage(ValueError):
    """A language name `run_code` does not know."""


def language(name: str) -> Language:
    """The language called `name` (or one of its aliases), any case."""
    found = _BY_NAME.get(name.strip().lower())
    if found is None:
        known = ", ".join(lang.name for lang in LANGUAGES)
        raise UnknownLanguage(f"unsupported language {name!r}; supported: {known}")
    return found


def toolchain(lang: Language, which: Callable[[str], str | None]) -> str | None:
    """The program that runs `lang` (found with `which`), None when none is installed."""
    if lang.name == "python" and not getattr(sys, "frozen", False):
        return sys.executable  # the panel's own interpreter: no shim, no surprise version
    for program in lang.programs:
        found = which(program)
        if found:
            return found
    return None


def missing_toolchain(lang: Language) -> str:
    """The sentence refusing `lang` when no toolchain program is installed."""
    return (
        f"{lang.name} cannot run here: its toolchain is missing "
        f"(looked for {', '.join(lang.programs)} on the PATH; install {lang.package})"
    )


def available(which: Callable[[str], str | None] = shutil.which) -> list[str]:
    """The names of the languages whose toolchain `which` finds, in LANGUAGES order."""
    return [lang.name for lang in LANGUAGES if toolchain(lang, which) is not None]


def argv_for(lang: Language, program: str, script: str, project: str | None) -> list[str]:
    """The argv that runs the snippet `script` (or the generated `project` folder)."""
    if lang.name == "golang":
        return [program, "run", script]
    if lang.name == "dotnet":
        if program.endswith("dotnet-script"):
            return [program, script]
        return [program, "run", "--project", project or script]
    return [program, script]


DEFAULT_DOTNET = "8.0"
"""The target framework version when the SDK's own cannot be read."""


def csproj(sdk_version: str = DEFAULT_DOTNET) -> str:
    """The `.csproj` text of a generated C# project for the .NET SDK `sdk_version`."""
    return CSPROJ.replace("{version}", sdk_version)


__all__ = [
    "DEFAULT_DOTNET",
    "LANGUAGES",
    "Language",
    "UnknownLanguage",
    "argv_for",
    "available",
    "csproj",
    "language",
    "missing_toolchain",
    "toolchain",
]
