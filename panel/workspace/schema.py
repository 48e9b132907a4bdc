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
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from panel.util.paths import resources_dir
from panel.workspace.errors import Problem
from panel.workspace.server_config import PLACEHOLDERS, unknown_placeholders

FORMAT_VERSION = 1
"""The `version` this code writes and reads in workspace JSON files."""

SCHEMA_FILE = "workspace.schema.json"

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
    return _sorted(problems)


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
    if kind == "pattern" and error.schema_path and "healthUrl" in error.schema_path:
        return f"{_show(instance)} is not an http:// or https:// URL"
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
    if isinstance(server.get("env"), dict):
        places += [((*prefix, "env", key), value) for key, value in server["env"].items()]
    known = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
    for path, text in places:
        if isinstance(text, str):
            for name in unknown_placeholders(text):
                message = f"unknown placeholder {{{name}}}; known: {known}"
                problems.append((json_path(path), message))
    return problems
