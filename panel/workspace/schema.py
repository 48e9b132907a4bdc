"""The workspace JSON Schema: loading it and turning its errors into (json_path, message).

Every problem is reported, each naming the JSON path of the bad field
(`$.server.port`, `$.server.command[0]`, `$["odd key"]`), sorted by path.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from panel.util.paths import resources_dir
from panel.workspace.errors import Problem
from panel.workspace.server_config import PLACEHOLDERS, unknown_placeholders

FORMAT_VERSION = 1
"""The `version` this code writes and reads in workspace JSON files."""

SCHEMA_FILE = "workspace.schema.json"

if TYPE_CHECKING:  # jsonschema is imported on the first validation, not at start-up
    from jsonschema import Draft202012Validator, ValidationError

_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def schema_path() -> str:
    """Path of the shipped schema file (`resources/schema/workspace.schema.json`)."""
    return str(resources_dir() / "schema" / SCHEMA_FILE)


@cache
def workspace_schema() -> dict[str, Any]:
    """The workspace JSON Schema (Draft 2020-12), read once."""
    with open(schema_path(), encoding="utf-8") as fh:
        schema: dict[str, Any] = json.load(fh)
    return schema


@cache
def _validator(definition: str | None) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    root = workspace_schema()
    if definition is None:
        return Draft202012Validator(root)
    sub = {"$defs": root["$defs"], "$ref": f"#/$defs/{definition}"}
    return Draft202012Validator(sub)


def json_path(parts: Iterable[str | int]) -> str:
    """`$` followed by `.key`, `[index]` or `["odd key"]` for each step of `parts`."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENTIFIER.match(part):
            out += f".{part}"
        else:
            out += f"[{json.dumps(part)}]"
    return out


def validate_workspace_json(data: Any) -> list[Problem]:
    """Every problem of a whole workspace document (empty when it is valid)."""
    problems = _schema_problems(_validator(None), data, ())
    if isinstance(data, dict) and isinstance(data.get("server"), dict):
        problems += _server_problems(data["server"], ("server",))
    if isinstance(data, dict):
        problems += _server_or_services(data, problems)
    if not problems and isinstance(data, dict) and isinstance(data.get("jobs"), list):
        _merged, job_problems = resolve_jobs(data["jobs"])
        problems += job_problems + executor_problems(data["jobs"], data.get("executors") or {})
    return _sorted(problems)


def executor_problems(jobs: list[dict[str, Any]], executors: dict[str, Any]) -> list[Problem]:
    """A job (or template) whose `executor` is neither `local` nor a name of `executors`."""
    problems: list[Problem] = []
    for i, item in enumerate(jobs):
        name = item.get("executor") if isinstance(item, dict) else None
        if isinstance(name, str) and name != "local" and name not in executors:
            known = ", ".join(["local", *sorted(executors)])
            problems.append(
                (json_path(("jobs", i, "executor")), f"unknown executor {name!r} (known: {known})")
            )
    return problems


def validate_jobs_json(jobs: Any) -> list[Problem]:
    """Every problem of a `jobs` array (schema, templates, references, cycles); `$.jobs[i]...`."""
    if isinstance(jobs, list) and not jobs:
        return []  # valid, and a workspace without jobs does not load jsonschema for it
    problems = _schema_problems(
        _validator(None),
        {"version": FORMAT_VERSION, "jobs": jobs},
        (),
    )
    return _sorted(problems or resolve_jobs(jobs)[1])


def resolve_jobs(items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Merge each item over its `extends` chain (dicts deep, the rest replaced); check the graph.

    Returns the merged jobs that are not templates, and the problems found: duplicate
    ids, unknown or cyclic `extends`, unknown ids in `dependsOn`/`onSuccess`/`onFailure`,
    a missing `command`, a bad cron expression or time zone, and a `dependsOn`
    cycle, named in full (`a -> b -> a`).
    """
    problems: list[Problem] = []
    index: dict[str, int] = {}
    for i, item in enumerate(items):
        if item["id"] in index:
            problems.append((json_path(("jobs", i, "id")), f"duplicate job id {item['id']!r}"))
        index.setdefault(item["id"], i)
    merged: dict[str, dict[str, Any]] = {}
    for i, item in enumerate(items):
        found = _merge_chain(items, index, i, problems)
        if found is not None and not item.get("template"):
            merged[item["id"]] = found
    for job_id, job in merged.items():
        problems += _job_problems(job, index[job_id], merged)
    if not problems:
        problems += _cycle_problems(merged, index)
    return list(merged.values()), problems


def _merge_chain(
    items: list[dict[str, Any]], index: dict[str, int], i: int, problems: list[Problem]
) -> dict[str, Any] | None:
    chain = [items[i]]
    seen = {items[i]["id"]}
    while "extends" in chain[-1]:
        base = chain[-1]["extends"]
        if base not in index:
            problems.append(
                (json_path(("jobs", i, "extends")), f"unknown job or template {base!r}")
            )
            return None
        if base in seen:
            names = " -> ".join([*(c["id"] for c in chain), base])
            problems.append((json_path(("jobs", i, "extends")), f"extends cycle: {names}"))
            return None
        seen.add(base)
        chain.append(items[index[base]])
    out: dict[str, Any] = {}
    for layer in reversed(chain):
        out = deep_merge(out, layer)
    out.pop("template", None)
    out.pop("extends", None)
    out["id"] = items[i]["id"]
    return out


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`over` laid on `base`: nested objects merged key by key, anything else replaced."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _job_problems(job: dict[str, Any], i: int, jobs: dict[str, Any]) -> list[Problem]:
    from zoneinfo import ZoneInfo

    from croniter import croniter

    problems: list[Problem] = []
    if "command" not in job:
        problems.append((json_path(("jobs", i, "command")), "required field is missing"))
    for key in ("dependsOn", "onSuccess", "onFailure"):
        for k, ref in enumerate(job.get(key, [])):
            if ref not in jobs:
                problems.append((json_path(("jobs", i, key, k)), f"unknown job {ref!r}"))
    schedule = job.get("schedule")
    if schedule and not croniter.is_valid(schedule):
        problems.append(
            (json_path(("jobs", i, "schedule")), f"not a cron expression: {schedule!r}")
        )
    if job.get("timezone"):
        try:
            ZoneInfo(job["timezone"])
        except (ValueError, KeyError, OSError):
            message = f"unknown time zone {job['timezone']!r}"
            problems.append((json_path(("jobs", i, "timezone")), message))
    return problems


def _cycle_problems(jobs: dict[str, dict[str, Any]], index: dict[str, int]) -> list[Problem]:
    from graphlib import CycleError, TopologicalSorter

    graph = {job_id: list(job.get("dependsOn", [])) for job_id, job in jobs.items()}
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as exc:
        cycle = list(reversed(exc.args[1]))  # graphlib lists it against the arrows
        where = json_path(("jobs", index[cycle[0]], "dependsOn"))
        return [(where, "dependency cycle: " + " -> ".join(cycle))]
    return []


def validate_services_json(services: Any) -> list[Problem]:
    """Every problem of a `services` array (schema, placeholders, names, `after`, cycles,
    the service named `server`); paths start with `$.services`."""
    problems = _schema_problems(
        _validator(None), {"version": FORMAT_VERSION, "services": services}, ()
    )
    if not problems:
        problems += _services_problems(services)
    return _sorted(problems)


def _server_or_services(data: dict[str, Any], found: list[Problem]) -> list[Problem]:
    if "server" not in data and "services" not in data:
        return [("$.services", "required field is missing")]
    if "services" in data and not found:
        return _services_problems(data["services"])
    return []


def _services_problems(services: list[dict[str, Any]]) -> list[Problem]:
    from panel.workspace.service_config import SERVER_SERVICE

    problems: list[Problem] = []
    index: dict[str, int] = {}
    for i, service in enumerate(services):
        problems += _server_problems(service, ("services", i))
        if service["name"] in index:
            message = f"duplicate service name {service['name']!r}"
            problems.append((json_path(("services", i, "name")), message))
        index.setdefault(service["name"], i)
        if service.get("port") is None and any("{port}" in a for a in service["command"]):
            message = "uses {port} but the service has no port"
            problems.append((json_path(("services", i, "command")), message))
        problems += _log_regex_problems(service, i)
    for i, service in enumerate(services):
        for k, ref in enumerate(service.get("after", [])):
            if ref not in index:
                problems.append(
                    (json_path(("services", i, "after", k)), f"unknown service {ref!r}")
                )
    if SERVER_SERVICE not in index:
        message = (
            f"a service named {SERVER_SERVICE!r} is required"
            " (the Server page, `ctl server` and `server.*` drive it)"
        )
        problems.append(("$.services", message))
    if not problems:
        problems += _after_cycle(services, index)
    return problems


def _log_regex_problems(service: dict[str, Any], i: int) -> list[Problem]:
    readiness = service.get("readiness")
    if not isinstance(readiness, dict) or "log" not in readiness:
        return []
    try:
        re.compile(readiness["log"])
    except re.error as exc:
        return [
            (json_path(("services", i, "readiness", "log")), f"not a regular expression: {exc}")
        ]
    return []


def _after_cycle(services: list[dict[str, Any]], index: dict[str, int]) -> list[Problem]:
    from graphlib import CycleError, TopologicalSorter

    graph = {s["name"]: list(s.get("after", [])) for s in services}
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as exc:
        cycle = list(reversed(exc.args[1]))
        where = json_path(("services", index[cycle[0]], "after"))
        return [(where, "start order cycle: " + " -> ".join(cycle))]
    return []


def validate_server_json(data: Any) -> list[Problem]:
    """Every problem of a `server` block; paths start with `$.server`."""
    problems = _schema_problems(_validator("server"), data, ("server",))
    if isinstance(data, dict):
        problems += _server_problems(data, ("server",))
    return _sorted(problems)


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(set(problems), key=lambda p: (p[0], p[1]))


def _schema_problems(
    validator: Draft202012Validator, data: Any, prefix: Sequence[str | int]
) -> list[Problem]:
    problems: list[Problem] = []
    for error in validator.iter_errors(data):
        problems.extend(_explain(error, tuple(prefix) + tuple(error.absolute_path)))
    return problems


def _explain(error: ValidationError, path: tuple[str | int, ...]) -> list[Problem]:
    """Readable problems for one schema error (some errors name several fields)."""
    kind = error.validator
    schema: Any = error.schema
    required: Any = error.validator_value
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(schema.get("properties", {}))
        extras = [k for k in error.instance if k not in allowed]
        if allowed:  # an object of known fields: a typo, most likely
            return [(json_path((*path, key)), _unknown_field(key, allowed)) for key in extras]
    if kind == "required" and isinstance(error.instance, dict):
        missing = [k for k in required if k not in error.instance]
        return [(json_path((*path, key)), "required field is missing") for key in missing]
    if "propertyNames" in error.schema_path and path[:1] == ("executors",):
        message = (
            "`local` is this machine's own executor; name a cluster executor otherwise"
            if error.instance == "local"
            else "not an executor name (letters, digits, '.', '_', '-')"
        )
        return [(json_path((*path, str(error.instance))), message)]
    if "propertyNames" in error.schema_path and isinstance(error.instance, str):
        message = "not a valid variable name (letters, digits and _, not starting with a digit)"
        return [(json_path((*path, error.instance)), message)]
    return [(json_path(path), _message(error))]


def _message(error: ValidationError) -> str:
    kind, instance = error.validator, error.instance
    value: Any = error.validator_value
    if kind == "type":
        wanted = " or ".join(_article(t) for t in ([value] if isinstance(value, str) else value))
        return f"expected {wanted}, got {_show(instance)}"
    if kind == "const" and list(error.absolute_path) == ["version"] and _newer(instance, value):
        return f"format version {instance} is newer than this OpsPanel understands ({value})"
    if kind == "const":
        return f"expected {_show(value)}, got {_show(instance)}"
    if kind == "enum":
        return f"{_show(instance)} is not one of " + ", ".join(_show(v) for v in value)
    if kind == "minLength" and value == 1:
        return "must not be empty"
    if kind == "minItems" and value == 1:
        return "must not be empty"
    if kind == "oneOf" and error.absolute_path and error.absolute_path[-1] == "readiness":
        return 'expected "none", {"http": URL}, {"tcp": PORT} or {"log": REGEX}'
    if kind == "oneOf" and error.absolute_path and error.absolute_path[-1] == "liveness":
        return 'expected null, {"http": URL} or {"tcp": PORT}'
    if kind == "pattern" and error.absolute_path and error.absolute_path[-1] == "name":
        return f"{_show(instance)} is not a service name (letters, digits, '.', '_', '-')"
    if kind == "pattern" and error.schema_path and "healthUrl" in error.schema_path:
        return f"{_show(instance)} is not an http:// or https:// URL"
    if kind == "pattern" and list(error.absolute_path) == ["mqtt", "url"]:
        return f"{_show(instance)} is not an mqtt://host:port or mqtts://host:port URL"
    if kind == "pattern" and error.absolute_path and error.absolute_path[0] == "executors":
        return f"{_show(instance)} is not a redis:// or rediss:// URL"
    if kind == "pattern" and list(error.absolute_path) == ["mqtt", "baseTopic"]:
        return f"{_show(instance)}: a topic prefix has no + or # and does not end with /"
    return str(error.message)


def _newer(found: Any, known: Any) -> bool:
    numbers = (int, float)
    return (
        isinstance(found, numbers)
        and not isinstance(found, bool)
        and isinstance(known, numbers)
        and found > known
    )


def _unknown_field(key: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}?" if close else "allowed: " + ", ".join(allowed)
    return f"unknown field; {hint}"


def _article(type_name: str) -> str:
    names = {"integer": "an integer", "object": "an object", "array": "an array"}
    return names.get(type_name, f"a {type_name}" if type_name != "null" else "null")


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= 60 else text[:57] + "..."


def _server_problems(server: dict[str, Any], prefix: tuple[str | int, ...]) -> list[Problem]:
    """Checks the schema cannot express: unknown `{placeholders}` in strings."""
    problems: list[Problem] = []
    places: list[tuple[tuple[str | int, ...], Any]] = []
    if isinstance(server.get("command"), list):
        places += [((*prefix, "command", i), arg) for i, arg in enumerate(server["command"])]
    places.append(((*prefix, "cwd"), server.get("cwd")))
    places.append(((*prefix, "healthUrl"), server.get("healthUrl")))
    for key in ("readiness", "liveness"):
        probe = server.get(key)
        if isinstance(probe, dict) and "http" in probe:
            places.append(((*prefix, key, "http"), probe["http"]))
    if isinstance(server.get("env"), dict):
        places += [((*prefix, "env", key), value) for key, value in server["env"].items()]
    known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    for path, text in places:
        if isinstance(text, str):
            for name in unknown_placeholders(text):
                message = f"unknown placeholder {{{name}}}; known: {known}"
                problems.append((json_path(path), message))
    return problems
