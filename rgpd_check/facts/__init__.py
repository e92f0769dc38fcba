"""Facts documents: schema, path checking, validation and path resolution."""

from .paths import Hit, Projection, Resolver, format_path, get, has_wildcard, resolve
from .schema import (
    allowed_values,
    load_facts_schema,
    path_problem,
    schema_at,
    validate_facts,
    value_types,
)

__all__ = [
    "Hit",
    "Projection",
    "Resolver",
    "format_path",
    "allowed_values",
    "get",
    "has_wildcard",
    "load_facts_schema",
    "path_problem",
    "resolve",
    "schema_at",
    "validate_facts",
    "value_types",
]
