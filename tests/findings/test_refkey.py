"""Ref dedup keys: equal exactly when the JSON texts the old key was made of are equal."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rgpd_check.findings.refkey import ref_key


def json_key(ref: dict[Any, Any]) -> str:
    """The key refs were deduplicated on before."""
    return json.dumps(ref, sort_keys=True, ensure_ascii=False, default=str)


class Text(str):
    """A string subclass: the encoder writes its characters."""


class Number(int):
    """An int subclass with its own repr: the encoder still writes the number."""

    def __repr__(self) -> str:
        return "Number!"


class Decimalish(float):
    def __repr__(self) -> str:
        return "Decimalish!"


class Thing:
    """Not JSON: ``default=str`` writes ``str(thing)``."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text


# Few distinct values, so that equal texts come up often.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([0, 1, 2, -1, 10**20]),
    st.sampled_from([0.0, -0.0, 1.0, 1.5, math.inf, -math.inf, math.nan, 1e16]),
    st.sampled_from(["", "1", "1.0", "true", "null", "a", "é", "a\nb", '"', "NaN"]),
    st.sampled_from(["1", "a", "true"]).map(Text),
    st.sampled_from([0, 1, 2]).map(Number),
    st.sampled_from([1.0, 1.5]).map(Decimalish),
    st.sampled_from(["1", "a", "true", "[1]"]).map(Thing),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.sampled_from(["a", "b", "1"]), inner, max_size=3),
    ),
    max_leaves=6,
)
keys = st.sampled_from(["type", "url", "quote", "start", "end", "1", "true"])
odd_keys = st.one_of(keys, st.sampled_from([1, 2, True, None, 1.5]))
refs = st.dictionaries(keys, values, max_size=4)
flat_refs = st.dictionaries(
    keys, st.one_of(st.none(), st.sampled_from([1, 2, "1", "a"])), max_size=4
)


def _outcome(function: Any, ref: dict[Any, Any]) -> tuple[str, Any]:
    try:
        return "ok", function(ref)
    except (TypeError, ValueError) as error:
        return "error", type(error)


@settings(max_examples=200, deadline=None)
@given(a=st.one_of(refs, flat_refs), b=st.one_of(refs, flat_refs))
def test_keys_are_equal_exactly_when_the_json_texts_are(
    a: dict[str, Any], b: dict[str, Any]
) -> None:
    assert (ref_key(a) == ref_key(b)) == (json_key(a) == json_key(b))


@settings(max_examples=150, deadline=None)
@given(ref=refs, data=st.data())
def test_the_same_ref_written_otherwise_has_the_same_key(
    ref: dict[str, Any], data: st.DataObject
) -> None:
    shuffled = dict(data.draw(st.permutations(list(ref.items()))))
    assert ref_key(shuffled) == ref_key(ref)
    # The same text through subclasses and objects that print the same.
    disguised = {
        key: Text(v) if type(v) is str else Number(v) if type(v) is int else v
        for key, v in ref.items()
    }
    assert (ref_key(disguised) == ref_key(ref)) == (json_key(disguised) == json_key(ref))


@settings(max_examples=150, deadline=None)
@given(
    a=st.dictionaries(odd_keys, scalars, max_size=3),
    b=st.dictionaries(odd_keys, scalars, max_size=3),
)
def test_keys_the_encoder_converts_or_refuses(a: dict[Any, Any], b: dict[Any, Any]) -> None:
    first, second = _outcome(ref_key, a), _outcome(ref_key, b)
    assert first[0] == _outcome(json_key, a)[0]
    if first[0] == "error":
        assert first[1] == _outcome(json_key, a)[1]
    if first[0] == second[0] == "ok":
        assert (first[1] == second[1]) == (json_key(a) == json_key(b))


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ({"n": 1}, {"n": True}, False),
        ({"n": 1}, {"n": 1.0}, False),
        ({"n": 0.0}, {"n": -0.0}, False),
        ({"n": "1"}, {"n": 1}, False),
        ({"n": math.nan}, {"n": float("nan")}, True),
        ({"n": None}, {"n": "null"}, False),
        ({"1": "x"}, {1: "x"}, True),
        ({"true": "x"}, {True: "x"}, True),
        ({"n": Thing("a")}, {"n": "a"}, True),
        ({"n": [1, 2]}, {"n": (1, 2)}, True),
        ({"a": 1, "b": 2}, {"b": 2, "a": 1}, True),
    ],
)
def test_known_pairs(a: dict[Any, Any], b: dict[Any, Any], same: bool) -> None:
    assert (json_key(a) == json_key(b)) is same
    assert (ref_key(a) == ref_key(b)) is same


def test_a_cycle_fails_as_the_encoder_does() -> None:
    looped: dict[str, Any] = {"a": []}
    looped["a"].append(looped)
    with pytest.raises(ValueError):
        json_key(looped)
    with pytest.raises(ValueError):
        ref_key(looped)
