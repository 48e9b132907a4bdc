"""A run's argv: the job's command plus its options, each value one argv item.

Option values never pass through a shell: `x; rm -rf ~` given to a string
option stays ONE argv item. Only a job with `shell: true` runs through
``/bin/sh -c``, and then the options are appended as positional parameters
(``sh -c 'cmd "$@"' job opt...``), still never spliced into the script text.
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
        raise OptionError(f"job {job.id!r} has no option {', '.join(map(repr, unknown))}")
    out: list[str] = []
    for option in job.options:
        value = given.get(option.key, option.default)
        out += _one(option, value)
    return out


def _one(option: JobOption, value: Any) -> list[str]:
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
    out: list[str] = []
    for item in values:
        out += [option.flag, item] if option.flag else [item]
    return out


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


def fix_argv(job: JobDef) -> list[str] | None:
    """argv of the job's auto-fix command (a string is split, or run by sh with `shell`)."""
    fix = job.execution.auto_fix
    if not fix:
        return None
    if isinstance(fix, str):
        return ["/bin/sh", "-c", fix] if job.shell else shlex.split(fix)
    return list(fix)
