"""The leaf operators: what each accepts, and how it compares (no type coercion).

A comparison between values of the wrong types raises ``TypeMismatch``; the evaluator
turns it into ``unknown``, never into ``False``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

Shape = Literal["presence", "element", "whole"]
ValueSpec = Literal["none", "scalar", "list", "number", "count", "regex"]

SCALARS = frozenset({"string", "number", "boolean"})


class TypeMismatch(Exception):
    """The fact or the value has a type the operator cannot compare."""


# Exact JSON types, looked up before the isinstance chain (subclasses still take the chain).
_KINDS: dict[type, str] = {
    type(None): "null",
    bool: "boolean",
    int: "number",
    float: "number",
    str: "string",
    list: "list",
    dict: "map",
}


def kind(value: Any) -> str:
    """JSON-ish type name, with bool kept apart from numbers."""
    known = _KINDS.get(type(value))
    if known is not None:
        return known
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "map"
    return type(value).__name__


def _need(value: Any, *kinds: str) -> None:
    if kind(value) not in kinds:
        raise TypeMismatch(f"expected {' or '.join(kinds)}, got {kind(value)}")


def _same(a: Any, b: Any) -> bool:
    """Equality without ``True == 1``."""
    return kind(a) == kind(b) and a == b


def _member(item: Any, items: list[Any]) -> bool:
    return any(_same(item, other) for other in items)


_EXACT_SCALARS = frozenset({str, int, float, bool})


def _eq(a: Any, b: Any) -> bool:
    if type(a) is type(b) and type(a) in _EXACT_SCALARS:
        return bool(a == b)  # same exact scalar type: the checks below pass
    _need(a, *SCALARS)
    if kind(a) != kind(b):
        raise TypeMismatch(f"cannot compare {kind(a)} with {kind(b)}")
    return bool(a == b)


_JUST_STR = frozenset({str})


def _in(a: Any, items: Any) -> bool:
    if type(a) is str and type(items) is list and _JUST_STR.issuperset(map(type, items)):
        return a in items  # plain strings: what the checks and ``_member`` below conclude
    _need(a, *SCALARS)
    _need(items, "list")
    if items and kind(a) not in {kind(i) for i in items}:
        raise TypeMismatch(f"no {kind(a)} in the list to compare with")
    return _member(a, items)


def _order(compare: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def check(a: Any, b: Any) -> bool:
        _need(a, "number")
        _need(b, "number")
        return compare(a, b)

    return check


def _bool(expected: bool) -> Callable[[Any, Any], bool]:
    def check(a: Any, _: Any) -> bool:
        if type(a) is not bool:
            _need(a, "boolean")
        return a is expected

    return check


def _matches(a: Any, pattern: Any) -> bool:
    _need(a, "string")
    return bool(pattern.search(a))


_SIZED = frozenset({list, dict, str})


def _size(subject: Any) -> int:
    if type(subject) in _SIZED:
        return len(subject)
    _need(subject, "list", "map", "string")
    return len(subject)


def _count(compare: Callable[[int, int], bool]) -> Callable[[Any, Any], bool]:
    def check(subject: Any, n: Any) -> bool:
        _need(subject, "list", "map")
        _need(n, "number")
        return compare(len(subject), n)

    return check


def _lists(subject: Any, value: Any) -> tuple[list[Any], list[Any]]:
    _need(subject, "list")
    _need(value, "list")
    return subject, value


def _contains(subject: Any, item: Any) -> bool:
    if type(subject) is list:
        return _in(item, subject)  # what the checks below lead to for a list
    if kind(subject) == "string" and kind(item) == "string":
        return item in subject
    _need(subject, "list", "string")
    return _in(item, subject)


@dataclass(frozen=True)
class Operator:
    name: str
    shape: Shape
    value: ValueSpec
    test: Callable[[Any, Any], bool]
    # JSON Schema types of the fact (per element for "element" operators) it can apply to.
    accepts: frozenset[str]


def _op(
    name: str, shape: Shape, value: ValueSpec, test: Callable[[Any, Any], bool], *accepts: str
) -> Operator:
    return Operator(name, shape, value, test, frozenset(accepts))


_SCALAR_TYPES = ("string", "number", "integer", "boolean")
_NUMBERS = ("number", "integer")

OPERATORS: dict[str, Operator] = {
    op.name: op
    for op in (
        _op("exists", "presence", "none", lambda a, b: True),
        _op("missing", "presence", "none", lambda a, b: False),
        _op("eq", "element", "scalar", _eq, *_SCALAR_TYPES),
        _op("ne", "element", "scalar", lambda a, b: not _eq(a, b), *_SCALAR_TYPES),
        _op("in", "element", "list", _in, *_SCALAR_TYPES),
        _op("not_in", "element", "list", lambda a, b: not _in(a, b), *_SCALAR_TYPES),
        _op("lt", "element", "number", _order(lambda a, b: a < b), *_NUMBERS),
        _op("le", "element", "number", _order(lambda a, b: a <= b), *_NUMBERS),
        _op("gt", "element", "number", _order(lambda a, b: a > b), *_NUMBERS),
        _op("ge", "element", "number", _order(lambda a, b: a >= b), *_NUMBERS),
        _op("matches", "element", "regex", _matches, "string"),
        _op("is_true", "element", "none", _bool(True), "boolean"),
        _op("is_false", "element", "none", _bool(False), "boolean"),
        _op("is_empty", "whole", "none", lambda a, b: _size(a) == 0, "array", "object", "string"),
        _op("not_empty", "whole", "none", lambda a, b: _size(a) > 0, "array", "object", "string"),
        _op("count_ge", "whole", "count", _count(lambda n, m: n >= m), "array", "object"),
        _op("count_le", "whole", "count", _count(lambda n, m: n <= m), "array", "object"),
        _op(
            "intersects",
            "whole",
            "list",
            lambda a, b: any(_member(x, _lists(a, b)[1]) for x in _lists(a, b)[0]),
            "array",
        ),
        _op(
            "subset_of",
            "whole",
            "list",
            lambda a, b: all(_member(x, _lists(a, b)[1]) for x in _lists(a, b)[0]),
            "array",
        ),
        _op("contains", "whole", "scalar", _contains, "array", "string"),
        _op("not_contains", "whole", "scalar", lambda a, b: not _contains(a, b), "array", "string"),
    )
}

# Operators whose match is a statement about something not being there.
ABSENCE_OPERATORS = frozenset({"missing", "is_empty", "not_contains", "count_le"})


def value_problem(spec: ValueSpec, value: Any) -> str | None:
    """Why ``value`` does not suit an operator's value spec (None when it does)."""
    if spec == "scalar" and kind(value) not in SCALARS:
        return f"expects a string, number or boolean value, got {kind(value)}"
    if spec == "list":
        if kind(value) != "list":
            return f"expects a list value, got {kind(value)}"
        kinds = {kind(item) for item in value}
        if not kinds <= SCALARS:
            return "expects a list of strings, numbers or booleans"
        if kinds == {"string", "boolean"}:
            return (
                "expects a list of one type, not strings and booleans (YAML reads "
                "unquoted yes/no/on/off, e.g. NO for Norway, as booleans: quote them)"
            )
    if spec == "number" and kind(value) != "number":
        return f"expects a number value, got {kind(value)}"
    if spec == "count" and (kind(value) != "number" or not isinstance(value, int) or value < 0):
        return f"expects a non-negative integer value, got {value!r}"
    if spec == "regex":
        if kind(value) != "string":
            return f"expects a regular expression string, got {kind(value)}"
        try:
            re.compile(value)
        except re.error as error:
            return f"expects a valid regular expression, {value!r} fails: {error}"
    return None
