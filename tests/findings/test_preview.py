"""Cited values: the capped preview written only as far as the cap is the same value."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rgpd_check.findings.evidence import cap_value, cited_value
from rgpd_check.findings.preview import capped_map, strip


def reference(raw: Any, limit: int) -> Any:
    """What every cited value was: stripped of evidence and quotes, then capped."""
    return cap_value(strip(raw), limit)


class Text(str):
    pass


class Keyed(dict[Any, Any]):
    pass


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(['"quoted"', "\\", "\n\t\x00", "é" * 40, "\u2028"]),
    st.text(max_size=5).map(Text),
)
keys = st.sampled_from(["a", "b", "evidence", "quotes", "value", "é", "x.y", '"'])
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(keys, inner, max_size=5),
        st.dictionaries(keys, inner, max_size=2).map(Keyed),
        st.dictionaries(st.sampled_from([1, 2, None, True]), inner, max_size=2),
    ),
    max_leaves=25,
)
limits = st.sampled_from([0, 1, 2, 3, 5, 10, 40, 100, 1000])


@settings(max_examples=300, deadline=None)
@given(raw=values, limit=limits)
def test_cited_value_is_the_stripped_capped_value(raw: Any, limit: int) -> None:
    expected = reference(raw, limit)
    got = cited_value(raw, limit)
    assert json.dumps(got, default=str) == json.dumps(expected, default=str)
    assert type(got) is type(expected)


@settings(max_examples=200, deadline=None)
@given(raw=st.dictionaries(keys, values, max_size=6), limit=limits)
def test_maps_are_written_as_the_encoder_writes_them(raw: dict[str, Any], limit: int) -> None:
    done, capped = capped_map(raw, limit)
    if done:
        assert json.dumps(capped, default=str) == json.dumps(reference(raw, limit), default=str)


def test_non_string_keys_take_the_plain_path() -> None:
    assert capped_map({1: "x"}, 1000) == (False, None)
    assert cited_value({1: "x", "evidence": []}, 1000) == {1: "x"}


def test_a_long_map_is_cut_without_encoding_the_rest() -> None:
    raw = {"evidence": [{"type": "http"}], "items": [{"n": i, "quotes": ["q"]} for i in range(500)]}
    expected = reference(raw, 100)
    assert isinstance(expected, str) and expected.endswith("…") and len(expected) == 101
    assert cited_value(raw, 100) == expected


def test_strings_lists_and_scalars_that_surely_fit_are_kept() -> None:
    for raw in (None, True, False, "x" * 100, ["a", "b"], [], 0, -5, 1.5, math.nan):
        assert cited_value(raw) == reference(raw, 1000) or raw != raw
    assert cited_value("\x00" * 200) == reference("\x00" * 200, 1000)  # 6 characters each
    assert cited_value(["\x00" * 100] * 3) == reference(["\x00" * 100] * 3, 1000)
    values = ["a"]
    assert cited_value(values) == values and cited_value(values) is not values


@pytest.mark.parametrize("limit", [10, 300, 1000])
def test_every_value_of_a_facts_document(limit: int) -> None:
    """The golden cases' facts documents, every node, as the rules would cite it."""
    from tests.golden_cases.factsets import load_cases

    for case in load_cases()[:4]:
        stack: list[Any] = [case.facts(case.expectations[0])]
        while stack:
            node = stack.pop()
            assert cited_value(node, limit) == reference(node, limit)
            if isinstance(node, dict):
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
