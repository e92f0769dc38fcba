"""The caching resolver gives what ``resolve`` gives, whatever order paths are asked in."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rgpd_check.facts.paths import Projection, Resolver, resolve

SEGMENTS = ["a", "b", "0", "1", "*", "x.y", "", "10", "²"]
keys = st.one_of(st.sampled_from(["a", "b", "0", "1", "x.y", "", "10"]), st.sampled_from([1, 2]))
docs = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(0, 3), st.sampled_from(["a", ""])),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=3)),
    max_leaves=15,
)
paths = st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=4).map(".".join)


def _shape(projection: Projection) -> tuple[Any, ...]:
    found = [(hit.path, hit.parts, id(hit.value)) for hit in projection.found]
    return found, projection.missing, projection.absent


@settings(max_examples=300, deadline=None)
@given(doc=docs, asked=st.lists(paths, min_size=1, max_size=6))
def test_resolver_agrees_with_resolve(doc: Any, asked: list[str]) -> None:
    resolver = Resolver(doc)
    for path in asked:
        try:
            expected = _shape(resolve(doc, path))
        except ValueError:  # int("²"): a digit that is no number fails alike
            continue
        assert _shape(resolver.resolve(path)) == expected, path
        assert resolver.get(path) == (
            (True, resolve(doc, path).found[0].value) if resolve(doc, path).found else (False, None)
        )


def test_children_then_parents_and_shared_projections() -> None:
    doc = {"h": [{"n": {"a.b": 1}}, {"n": {}}, 3], "": {"k": 2}}
    resolver = Resolver(doc)
    child = resolver.resolve("h.*.n.a.b")
    assert _shape(child) == _shape(resolve(doc, "h.*.n.a.b"))
    assert resolver.resolve("h.*.n") is resolver.resolve("h.*.n")
    assert _shape(resolver.resolve(".k")) == _shape(resolve(doc, ".k"))
    assert resolver.resolve(".k").found[0].path == "k"
    assert _shape(resolver.resolve("h.*.n.*")) == _shape(resolve(doc, "h.*.n.*"))
    assert resolver.resolve("h.*.n.*").found[0].path == 'h.0.n["a.b"]'


def test_memo_is_per_resolver() -> None:
    first, second = Resolver({}), Resolver({})
    first.memo["k"] = 1
    assert second.memo == {}


def test_projections_that_miss_nothing_share_a_read_only_empty_list() -> None:
    resolver = Resolver({"a": {"b": 1, "c": 2}})
    first, second = resolver.resolve("a.b"), resolver.resolve("a.c")
    assert first.missing == [] and first.missing is second.missing
    with pytest.raises(TypeError):
        first.missing.append("x")
    assert second.missing == [] and resolve({"a": {}}, "a.b").missing == ["a.b"]
