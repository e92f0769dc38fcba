"""Published JSON Schemas: the facts document and the report contract."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema
from referencing import Registry, Resource

from rgpd_check.resources import package_file

FACTS_SCHEMA = "facts.schema.json"
REPORT_SCHEMA = "report.schema.json"
REPORT_SCHEMA_VERSION = "1.0"


@cache
def load_schema(name: str) -> dict[str, Any]:
    """Load one of the package's schemas by file name."""
    with package_file(f"schemas/{name}").open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


@cache
def _registry() -> Registry:
    facts = load_schema(FACTS_SCHEMA)
    resource = Resource.from_contents(facts)
    return Registry().with_resources([(FACTS_SCHEMA, resource), (facts["$id"], resource)])


def report_errors(report: dict[str, Any]) -> list[str]:
    """Every way ``report`` breaks the report contract, as readable lines (empty when valid)."""
    validator = jsonschema.Draft202012Validator(
        load_schema(REPORT_SCHEMA),
        registry=_registry(),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '<root>'}: {error.message}"
        for error in sorted(validator.iter_errors(report), key=lambda e: list(map(str, e.path)))
    ]
