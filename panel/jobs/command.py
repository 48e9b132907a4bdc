"""A run's argv: the job's command plus its options, each value one argv item.

Option values never pass through a shell: `x; rm -rf ~` given to a string
option stays ONE argv item. Only a job with `shell: true` runs through
``/bin/sh -c``, and then the options are appended as positional parameters
(``sh -c 'cmd "$@"' job opt...``), still never spliced into the script text.

Nor does a value become a flag: a value beginning with `-` is joined to its
option's flag (``--name=--version``, ``-n-5``), and one given to a positional
option is refused unless the job's command ends with ``--`` (after which the
program reads every item as an operand). The job's own defaults and `select`
choices are the job author's words and are not refused.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any

from panel.jobs.model import JobDef, JobOption
from panel.util.paths import python_executable


class OptionError(ValueError):
    """A run was given an unknown option or a value of the wrong type."""


def option_argv(job: JobDef, given: Mapping[str, Any]) -> list[str]:
    """argv items for the options: each option's value, or its default when not given."""
    known = {o.key: o for o in job.options}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise OptionError(f"no option {', '.join(map(repr, unknown))}")
    operands_only = _ends_with_dashes(job)
    out: list[str] = []
    for option in job.options:
        value = given.get(option.key, option.default)
        out += _one(option, value, checked=option.key in given and not operands_only)
    return out


def _ends_with_dashes(job: JobDef) -> bool:
    """True when the job's command ends with `--`: the options all come after it."""
    if isinstance(job.command, str):
        try:
            words = shlex.split(job.command)
        except ValueError:
            return False
    else:
        words = list(job.command)
    return bool(words) and words[-1] == "--"


def _one(option: JobOption, value: Any, checked: bool) -> list[str]:
    if value is None:
        return []
    if option.type == "boolean":
        if isinstance(value, str):
            value = value.lower() in ("1", "true", "yes", "on")
        if not isinstance(value, bool):
            raise OptionError(f"option {option.key!r} expects true or false")
        return [option.flag] if value and option.flag else []
    values = _as_list(option, value)
    if option.type == "select" and option.choices:
        bad = [v for v in values if v not in option.choices]
        if bad:
            raise OptionError(f"option {option.key!r}: {bad[0]!r} is not one of {option.choices}")
    checked = checked and option.type != "select"  # a choice is the author's own text
    out: list[str] = []
    for item in values:
        if not item.startswith("-"):
            out += [option.flag, item] if option.flag else [item]
        elif option.flag:
            out += _joined(option, item, checked)
        elif checked:
            raise OptionError(
                f"option {option.key!r}: {item!r} begins with '-' and would be read as a flag;"
                " only a job whose command ends with '--' takes such a value"
            )
        else:
            out.append(item)
    return out


def _joined(option: JobOption, item: str, checked: bool) -> list[str]:
    """A value beginning with `-` as part of its flag's own argv item, so that it
    cannot be read as a flag of its own: `--name=--version`, `-n-5`."""
    flag = str(option.flag)
    if flag.startswith("--"):
        return [f"{flag}={item}"]
    if len(flag) == 2 and flag.startswith("-"):
        return [flag + item]
    if checked:
        raise OptionError(
            f"option {option.key!r}: {item!r} begins with '-' and the flag {flag!r} cannot"
            " be joined to it (only '--name=value' and '-nvalue' can)"
        )
    return [flag, item]


def _as_list(option: JobOption, value: Any) -> list[str]:
    if option.type == "array":
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list):
            raise OptionError(f"option {option.key!r} expects a list")
        return [str(v) for v in value]
    if isinstance(value, list | dict):
        raise OptionError(f"option {option.key!r} expects a single value")
    return [str(value)]


PYTHON_PLACEHOLDER = "{python}"


def run_argv(job: JobDef, given: Mapping[str, Any]) -> list[str]:
    """The whole argv of a run of `job` with options `given`.

    `{python}` in the command stands for the panel's own interpreter (the bundle's
    executable when frozen), as in the server command.
    """
    options = option_argv(job, given)
    if job.shell:
        script = job.command if isinstance(job.command, str) else shlex.join(job.command)
        if options:
            script += ' "$@"'
        return ["/bin/sh", "-c", script, job.id, *options]
    base = shlex.split(job.command) if isinstance(job.command, str) else list(job.command)
    python = python_executable()
    return [item.replace(PYTHON_PLACEHOLDER, python) for item in base] + options


def run_text(job: JobDef, given: Mapping[str, Any]) -> str:
    """The command line a run of `job` with options `given` runs, as one line: for the
    safety check (what would run, not just the job's command) and for display."""
    if job.shell:
        script = job.command if isinstance(job.command, str) else shlex.join(job.command)
        return " ".join([script, *map(shlex.quote, option_argv(job, given))])
    return shlex.join(run_argv(job, given))


def fix_argv(job: JobDef) -> list[str] | None:
    """argv of the job's auto-fix command (a string is split, or run by sh with `shell`)."""
    fix = job.execution.auto_fix
    if not fix:
        return None
    if isinstance(fix, str):
        return ["/bin/sh", "-c", fix] if job.shell else shlex.split(fix)
    return list(fix)
