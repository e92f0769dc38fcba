"""The facts JSON Schema: loading, path checking and document validation.

Rules and their embedded tests are checked against this schema at load time, so a
typo in a fact path or in test data is caught before any evaluation.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from rgpd_check.resources import package_file

from .paths import WILDCARD, split

SCHEMA_FILE = "schemas/facts.schema.json"
Schema = dict[str, Any]


@cache
def load_facts_schema() -> Schema:
    """The facts schema shipped with the package (read once)."""
    with package_file(SCHEMA_FILE).open(encoding="utf-8") as handle:
        schema: Schema = json.load(handle)
    return schema


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(load_facts_schema())


def _deref(schema: Schema) -> Schema:
    root = load_facts_schema()
    seen = 0
    while "$ref" in schema and seen < 20:
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            return {}
        node: Any = root
        for part in ref[2:].split("/"):
            node = node[part]
        schema = node
        seen += 1
    return schema


def _is_open(schema: Schema) -> bool:
    """True for ``{}`` or an untyped object/array: any sub-path is accepted."""
    types = _types(schema)
    if not types:
        return not any(k in schema for k in ("properties", "items", "additionalProperties"))
    if "object" in types:
        return "properties" not in schema and "additionalProperties" not in schema
    if "array" in types:
        return "items" not in schema
    return False


def _types(schema: Schema) -> set[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return set(declared)
    return set()


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _step(schema: Schema, segment: str, where: str) -> tuple[Schema | None, str | None]:
    """Schema of one child segment, or an error message."""
    if _is_open(schema):
        return {}, None
    types = _types(schema)
    if "items" in schema and (segment == WILDCARD or segment.isdigit()):
        return _deref(schema["items"]), None
    extra = schema.get("additionalProperties")
    if segment == WILDCARD:
        if isinstance(extra, dict):
            return _deref(extra), None
        return None, f"'{where}' is not a list or a map, '*' does not apply"
    properties = schema.get("properties", {})
    if segment in properties:
        return _deref(properties[segment]), None
    if isinstance(extra, dict):
        return _deref(extra), None
    if properties:
        hint = _suggest(segment, sorted(properties))
        return None, f"no '{segment}' in '{where or 'facts'}'{hint}"
    kind = " or ".join(sorted(types)) or "value"
    article = "an" if kind[0] in "aeiou" else "a"
    return None, f"'{where}' is {article} {kind}, it has no '{segment}'"


def schema_at(path: str) -> tuple[Schema | None, str | None]:
    """The (dereferenced) schema of the values at ``path``, or why the path is invalid."""
    schema = _deref(load_facts_schema())
    walked: list[str] = []
    for segment in split(path):
        if not segment:
            return None, f"empty segment in '{path}'"
        child, problem = _step(schema, segment, ".".join(walked))
        if child is None:
            return None, problem
        schema = child
        walked.append(segment)
    return schema, None


def path_problem(path: str) -> str | None:
    """None when ``path`` exists in the facts schema, else a message with a did-you-mean."""
    _, problem = schema_at(path)
    if problem is None:
        return None
    return f"unknown fact path '{path}': {problem}"


def value_types(path: str) -> set[str] | None:
    """JSON types the schema allows at ``path`` (None: unconstrained or invalid path)."""
    schema, problem = schema_at(path)
    if problem is not None or schema is None:
        return None
    types = _types(schema)
    if not types and "enum" in schema:
        types = {_json_type(v) for v in schema["enum"]}
    return types or None


def allowed_values(path: str) -> list[Any] | None:
    """The enum at ``path`` (or of its list items), for did-you-mean on rule literals."""
    schema, problem = schema_at(path)
    if problem is not None or schema is None:
        return None
    if "enum" in schema:
        return list(schema["enum"])
    items = schema.get("items")
    if isinstance(items, dict) and "enum" in _deref(items):
        return list(_deref(items)["enum"])
    return None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _location(parts: Any) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"


def validate_facts(doc: Any) -> list[str]:
    """Every schema violation in ``doc`` as ``location: message``, sorted."""
    errors = _validator().iter_errors(doc)
    return sorted(f"{_location(e.absolute_path)}: {e.message}" for e in errors)
