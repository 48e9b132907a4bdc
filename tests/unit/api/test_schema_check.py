"""The quick params check says yes exactly when jsonschema does."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import panel.api
from panel.api.schema_check import compile_check

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 700_000),
    st.sampled_from([0.0, 1.0, 2.5, -1.0, 600_000.0, 600_001.0]),
    st.text(max_size=4),
    st.sampled_from(["a", "all", "server", "shell", "text", ""]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=6,
)


def _api_schemas() -> list[tuple[str, dict[str, Any]]]:
    """Every module-level params schema of the API's methods."""
    found = []
    for info in pkgutil.iter_modules(panel.api.__path__):
        module = importlib.import_module(f"panel.api.{info.name}")
        for name, value in vars(module).items():
            if name.lstrip("_").isupper() and isinstance(value, dict) and "type" in value:
                found.append((f"{info.name}.{name}", value))
    return found


API_SCHEMAS = _api_schemas()


def _params_for(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects using the schema's own property names (and sometimes others)."""
    names = sorted(schema.get("properties", {})) or ["x"]
    keys = st.sampled_from([*names, "other"])
    return st.dictionaries(keys, VALUES, max_size=4)


def _agrees(schema: dict[str, Any], params: Any) -> None:
    check = compile_check(schema)
    assert check is not None
    expected = jsonschema.validators.validator_for(schema)(schema).is_valid(params)
    assert check(params) is expected, (schema, params)


def test_the_api_schemas_are_mostly_compiled() -> None:
    compiled = [name for name, schema in API_SCHEMAS if compile_check(schema) is not None]
    assert len(API_SCHEMAS) >= 20
    assert len(compiled) >= len(API_SCHEMAS) - 3


@pytest.mark.parametrize(
    ("name", "schema"),
    [(name, schema) for name, schema in API_SCHEMAS if compile_check(schema) is not None],
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_api_schema_checks_agree_with_jsonschema(
    name: str, schema: dict[str, Any], data: st.DataObject
) -> None:
    _agrees(schema, data.draw(_params_for(schema)))


def _leaf_schemas() -> st.SearchStrategy[dict[str, Any]]:
    kinds = st.sampled_from(["object", "array", "string", "boolean", "null", "number", "integer"])
    bound = st.sampled_from([0, 1, 2, 2.5, 600_000])
    return st.fixed_dictionaries(
        {},
        optional={
            "type": kinds | st.lists(kinds, min_size=1, max_size=2, unique=True),
            "minimum": bound,
            "maximum": bound,
            "exclusiveMinimum": bound,
            "exclusiveMaximum": bound,
            "minLength": st.integers(0, 2),
            "maxLength": st.integers(0, 2),
            "minItems": st.integers(0, 2),
            "maxItems": st.integers(0, 2),
            "enum": st.lists(st.sampled_from(["a", "all", ""]), min_size=1, max_size=2),
            "const": st.sampled_from(["a", "server"]),
            "description": st.just("a note"),
        },
    )


SCHEMAS = st.recursive(
    _leaf_schemas() | st.booleans(),
    lambda inner: (
        st.fixed_dictionaries(
            {"type": st.just("object")},
            optional={
                "properties": st.dictionaries(
                    st.sampled_from(["a", "all", "x"]), inner, max_size=3
                ),
                "additionalProperties": inner,
                "required": st.lists(st.sampled_from(["a", "x"]), unique=True, max_size=2),
                "minProperties": st.integers(0, 2),
                "maxProperties": st.integers(0, 3),
            },
        )
        | st.fixed_dictionaries({"type": st.just("array"), "items": inner})
        | st.fixed_dictionaries({"oneOf": st.lists(inner, min_size=1, max_size=3)})
        | st.fixed_dictionaries({"anyOf": st.lists(inner, min_size=1, max_size=3)})
    ),
    max_leaves=5,
)


@settings(max_examples=300, deadline=None)
@given(schema=SCHEMAS.filter(lambda s: isinstance(s, dict)), value=VALUES)
def test_generated_schema_checks_agree_with_jsonschema(schema: dict[str, Any], value: Any) -> None:
    _agrees(schema, value)


@settings(max_examples=300, deadline=None)
@given(schema=SCHEMAS.filter(lambda s: isinstance(s, dict)), data=st.data())
def test_generated_object_checks_agree_with_jsonschema(
    schema: dict[str, Any], data: st.DataObject
) -> None:
    _agrees(schema, data.draw(_params_for(schema)))


@pytest.mark.parametrize(
    "schema",
    [
        {"allOf": [{"if": {"required": ["a"]}, "then": {"required": ["b"]}}]},
        {"type": "string", "pattern": "^a"},
        {"type": "string", "format": "date"},
        {"$ref": "#/$defs/x", "$defs": {"x": {"type": "object"}}},
        {"type": "integer", "enum": [1, 2]},
        {"$schema": "http://json-schema.org/draft-04/schema#", "type": "object"},
        {"type": "object", "patternProperties": {"^a": {"type": "string"}}},
    ],
)
def test_other_keywords_are_left_to_jsonschema(schema: dict[str, Any]) -> None:
    assert compile_check(schema) is None


def test_integral_floats_are_integers_and_booleans_are_not_numbers() -> None:
    check = compile_check({"type": "integer", "minimum": 1})
    assert check is not None
    assert check(1.0) and check(3) and not check(True) and not check(1.5) and not check(0)
