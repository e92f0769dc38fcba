"""The operators' shortcuts for plain values answer as the checked path always did.

The reference operators below are those before the shortcuts (exact-type fast paths for
``eq``, ``in``, ``contains``, ``is_true``/``is_false`` and the size operators).
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rgpd_check.rules.operators import OPERATORS, SCALARS, TypeMismatch, kind


def _need(value: Any, *kinds: str) -> None:
    if kind(value) not in kinds:
        raise TypeMismatch(f"expected {' or '.join(kinds)}, got {kind(value)}")


def _member(item: Any, items: list[Any]) -> bool:
    return any(kind(item) == kind(other) and item == other for other in items)


def ref_eq(a: Any, b: Any) -> bool:
    _need(a, *SCALARS)
    if kind(a) != kind(b):
        raise TypeMismatch(f"cannot compare {kind(a)} with {kind(b)}")
    return bool(a == b)


def ref_in(a: Any, items: Any) -> bool:
    _need(a, *SCALARS)
    _need(items, "list")
    if items and kind(a) not in {kind(i) for i in items}:
        raise TypeMismatch(f"no {kind(a)} in the list to compare with")
    return _member(a, items)


def ref_contains(subject: Any, item: Any) -> bool:
    if kind(subject) == "string" and kind(item) == "string":
        return item in subject
    _need(subject, "list", "string")
    return ref_in(item, subject)


def ref_size(subject: Any) -> int:
    _need(subject, "list", "map", "string")
    return len(subject)


def ref_bool(expected: bool, a: Any) -> bool:
    _need(a, "boolean")
    return a is expected


REFERENCE = {
    "eq": ref_eq,
    "ne": lambda a, b: not ref_eq(a, b),
    "in": ref_in,
    "not_in": lambda a, b: not ref_in(a, b),
    "contains": ref_contains,
    "not_contains": lambda a, b: not ref_contains(a, b),
    "is_true": lambda a, b: ref_bool(True, a),
    "is_false": lambda a, b: ref_bool(False, a),
    "is_empty": lambda a, b: ref_size(a) == 0,
    "not_empty": lambda a, b: ref_size(a) > 0,
}


class Text(str):
    pass


class Whole(int):
    pass


class Listing(list):  # type: ignore[type-arg]
    pass


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([0, 1, 2, 1.0, 0.0, math.nan]),
    st.sampled_from(["", "a", "ab", "1", "True"]),
    st.sampled_from(["a", "1"]).map(Text),
    st.sampled_from([0, 1]).map(Whole),
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=4),
    st.lists(scalars, max_size=3).map(Listing),
    st.dictionaries(st.sampled_from(["a", "b"]), scalars, max_size=2),
    st.lists(scalars, max_size=2).map(tuple),
)


def _outcome(function: Any, a: Any, b: Any) -> tuple[str, Any]:
    try:
        return "ok", function(a, b)
    except TypeMismatch as error:
        return "mismatch", str(error)


@settings(max_examples=400, deadline=None)
@given(name=st.sampled_from(sorted(REFERENCE)), a=values, b=values)
def test_shortcuts_agree_with_the_checked_operators(name: str, a: Any, b: Any) -> None:
    assert _outcome(OPERATORS[name].test, a, b) == _outcome(REFERENCE[name], a, b)
