"""A quick yes/no params check compiled from a JSON Schema, for the common keywords.

jsonschema walks a schema on every call (10-20 us for a small object here),
which was a large part of an API round trip. Most method schemas use only a few
plain keywords, so `compile_check` turns such a schema into nested closures that
answer "valid or not" in about a microsecond, with jsonschema's own rules
(draft 2020-12: `1.0` is an integer, `True` is not a number). A schema with any
other keyword (`allOf`, `if`, `$ref`, `pattern`, `format`...) or its own `$schema` is
not compiled: the caller keeps using jsonschema. A "no" is still explained by
jsonschema, so the error messages do not change; the check only decides faster.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sized
from typing import Any

Check = Callable[[Any], bool]
"""True when the value is valid against the schema it was compiled from."""

ANNOTATIONS = frozenset({"description", "title", "default", "examples", "$comment", "deprecated"})
"""Keywords that never make a value invalid."""


class _Unsupported(Exception):
    """The schema uses something `compile_check` does not compile."""


def compile_check(schema: Any) -> Check | None:
    """A quick check for `schema` (already checked by jsonschema), or None when it
    uses a keyword this module does not compile."""
    if not isinstance(schema, dict) or "$schema" in schema:
        return None
    try:
        return _compile(schema)
    except _Unsupported:
        return None


def _always(value: Any) -> bool:
    return True


def _never(value: Any) -> bool:
    return False


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


TYPES: dict[str, Check] = {
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    "number": _is_number,
    "integer": _is_integer,
}


def _compile(schema: Any) -> Check:
    if schema is True:
        return _always
    if schema is False:
        return _never
    if not isinstance(schema, dict):
        raise _Unsupported
    unknown = schema.keys() - _KEYWORDS.keys() - ANNOTATIONS
    if unknown:
        raise _Unsupported
    checks = [_KEYWORDS[key](schema[key], schema) for key in schema if key in _KEYWORDS]
    checks = [check for check in checks if check is not _always]
    return _all_of(checks)


def _all_of(checks: list[Check]) -> Check:
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    group = tuple(checks)

    def all_of(value: Any) -> bool:
        for check in group:  # noqa: SIM110 - a loop: no generator on every call
            if not check(value):
                return False
        return True

    return all_of


def _type(types: Any, schema: dict[str, Any]) -> Check:
    names = [types] if isinstance(types, str) else types
    if not isinstance(names, list) or not names or not all(n in TYPES for n in names):
        raise _Unsupported
    tests = tuple(TYPES[n] for n in names)
    if len(tests) == 1:
        return tests[0]
    return lambda value: any(test(value) for test in tests)


def _bound(name: str) -> Callable[[Any, dict[str, Any]], Check]:
    def compile_bound(limit: Any, schema: dict[str, Any]) -> Check:
        if not _is_number(limit):
            raise _Unsupported
        if name == "minimum":
            return lambda value: not _is_number(value) or value >= limit
        if name == "maximum":
            return lambda value: not _is_number(value) or value <= limit
        if name == "exclusiveMinimum":
            return lambda value: not _is_number(value) or value > limit
        return lambda value: not _is_number(value) or value < limit

    return compile_bound


def _size(kind: type[Sized], at_least: bool) -> Callable[[Any, dict[str, Any]], Check]:
    def compile_size(limit: Any, schema: dict[str, Any]) -> Check:
        if not isinstance(limit, int) or isinstance(limit, bool):
            raise _Unsupported
        if at_least:
            return lambda value: not isinstance(value, kind) or len(value) >= limit
        return lambda value: not isinstance(value, kind) or len(value) <= limit

    return compile_size


def _required(names: Any, schema: dict[str, Any]) -> Check:
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise _Unsupported
    wanted = frozenset(names)
    if not wanted:
        return _always
    return lambda value: not isinstance(value, dict) or value.keys() >= wanted


def _properties(properties: Any, schema: dict[str, Any]) -> Check:
    if not isinstance(properties, dict):
        raise _Unsupported
    subs = tuple((name, _compile(sub)) for name, sub in properties.items())
    subs = tuple((name, check) for name, check in subs if check is not _always)
    if not subs:
        return _always

    def properties_check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        for name, check in subs:  # noqa: SIM110 - a loop: no generator on every call
            if name in value and not check(value[name]):
                return False
        return True

    return properties_check


def _additional(additional: Any, schema: dict[str, Any]) -> Check:
    known = frozenset(schema.get("properties", ()))
    check = _compile(additional)
    if check is _always:
        return _always
    if check is _never:
        return lambda value: not isinstance(value, dict) or known.issuperset(value)

    def additional_check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        return all(check(value[name]) for name in value.keys() - known)

    return additional_check


def _items(items: Any, schema: dict[str, Any]) -> Check:
    check = _compile(items)  # the array form is `prefixItems` in 2020-12 (not compiled)
    if check is _always:
        return _always
    return lambda value: not isinstance(value, list) or all(check(item) for item in value)


def _one_of(options: Any, schema: dict[str, Any]) -> Check:
    if not isinstance(options, list) or not options:
        raise _Unsupported
    subs = tuple(_compile(option) for option in options)

    def one_of(value: Any) -> bool:
        matched = 0
        for check in subs:
            if check(value):
                matched += 1
                if matched > 1:
                    return False
        return matched == 1

    return one_of


def _any_of(options: Any, schema: dict[str, Any]) -> Check:
    if not isinstance(options, list) or not options:
        raise _Unsupported
    subs = tuple(_compile(option) for option in options)
    return lambda value: any(check(value) for check in subs)


def _enum(members: Any, schema: dict[str, Any]) -> Check:
    if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
        raise _Unsupported  # jsonschema's equality of numbers, booleans, lists: not here
    allowed = frozenset(members)
    return lambda value: isinstance(value, str) and value in allowed


def _const(constant: Any, schema: dict[str, Any]) -> Check:
    if not isinstance(constant, str):
        raise _Unsupported
    return lambda value: isinstance(value, str) and value == constant


_KEYWORDS: dict[str, Callable[[Any, dict[str, Any]], Check]] = {
    "type": _type,
    "minimum": _bound("minimum"),
    "maximum": _bound("maximum"),
    "exclusiveMinimum": _bound("exclusiveMinimum"),
    "exclusiveMaximum": _bound("exclusiveMaximum"),
    "minLength": _size(str, True),
    "maxLength": _size(str, False),
    "minItems": _size(list, True),
    "maxItems": _size(list, False),
    "minProperties": _size(dict, True),
    "maxProperties": _size(dict, False),
    "required": _required,
    "properties": _properties,
    "additionalProperties": _additional,
    "items": _items,
    "enum": _enum,
    "const": _const,
    "oneOf": _one_of,
    "anyOf": _any_of,
}
