"""Citations shared across rules give exactly what a plain gather gave, one path at a time.

The reference is ``gather`` as it was before citations were kept per path: every hit of
every path walked, refs built from ``refs_for`` and deduplicated on their JSON text.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rgpd_check.facts.paths import resolve
from rgpd_check.findings import Citations, Gathered, gather
from rgpd_check.findings.evidence import MAX_FACTS, MAX_REFS
from tests.findings.reference import reference_gather


def _exact(gathered: Gathered) -> str:
    """Byte-level view: key order of every ref and value included."""
    return json.dumps(
        [gathered.evidence, gathered.truncated, list(gathered.facts.items())], default=repr
    )


# A few refs, written in different key orders: equal texts must be merged, first one kept.
REFS = [
    {"type": "http", "url": "https://t.example/"},
    {"url": "https://t.example/", "type": "http"},
    {"type": "dns", "host": "t.example"},
    {"type": "document", "url": "https://t.example/p", "quote": "q", "start": 1, "end": 2},
    {"end": 2, "quote": "q", "start": 1, "type": "document", "url": "https://t.example/p"},
    {"type": "http", "status": 200, "ok": True},
    {"type": "http", "status": 200, "ok": 1},
]
QUOTES = [
    {"text": "q", "start": 1, "end": 2, "url": "https://t.example/p"},
    {"text": "q", "start": 1, "end": 2},
    {"start": 3, "text": "r"},
]
leaf = st.one_of(st.none(), st.booleans(), st.integers(0, 3), st.sampled_from(["a", "b" * 40]))


def _node(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    plain = st.dictionaries(st.sampled_from(["a", "b", "c", "x.y"]), children, max_size=3)
    extra = st.fixed_dictionaries(
        {},
        optional={
            "evidence": st.one_of(
                st.lists(st.sampled_from(REFS).map(dict), max_size=4), st.just("not a list")
            ),
            "quotes": st.lists(st.sampled_from(QUOTES).map(dict), max_size=3),
        },
    )
    return st.one_of(
        st.lists(children, max_size=4),
        st.tuples(plain, extra).map(lambda pair: {**pair[0], **pair[1]}),
    )


docs = st.recursive(leaf, _node, max_leaves=30).filter(lambda doc: isinstance(doc, dict))
paths = st.lists(
    st.sampled_from(["a", "b", "c", "x.y", "*", "0", "1", "evidence"]), min_size=1, max_size=4
).map(".".join)


@settings(max_examples=300, deadline=None)
@given(facts=docs, rules=st.lists(st.lists(paths, min_size=1, max_size=4), max_size=5))
def test_shared_citations_agree_with_the_plain_gather(
    facts: dict[str, Any], rules: list[list[str]]
) -> None:
    before = json.dumps(facts, sort_keys=True, default=repr)
    shared = Citations(facts)
    for cited in rules:
        expected = _exact(reference_gather(facts, cited))
        assert _exact(gather(facts, cited, shared)) == expected
        assert _exact(gather(facts, cited)) == expected
    assert json.dumps(facts, sort_keys=True, default=repr) == before


def test_caps_on_refs_and_values() -> None:
    facts = {"t": [{"n": i, "evidence": [{"type": "http", "i": i % 40}]} for i in range(80)]}
    cited = ["t.0", "t.*.n", "t.*"]
    gathered = gather(facts, cited, Citations(facts))
    assert len(gathered.facts) == MAX_FACTS and len(gathered.evidence) == MAX_REFS
    assert gathered.truncated == 15
    assert _exact(gathered) == _exact(reference_gather(facts, cited))


def test_the_same_ref_twice_on_one_value_and_unreached_paths() -> None:
    ref = {"type": "http", "url": "u"}
    facts = {"a": {"evidence": [ref, dict(ref), {"url": "u", "type": "http"}], "b": [1]}}
    for cited in (["a"], ["a.b.0"], ["a.b.5", "a.c", "a.b.*"], ["a.b.0.x"]):
        assert _exact(gather(facts, cited, Citations(facts))) == _exact(
            reference_gather(facts, cited)
        )
    assert gather(facts, ["a"]).evidence == [ref]


def test_values_beyond_the_cap_are_made_when_a_finding_still_has_room() -> None:
    # Display paths that coincide ('x.a["b.c"]' twice) leave room past MAX_FACTS hits.
    many = {f"k{i}": i for i in range(MAX_FACTS + 5)}
    facts = {"x": {"a": {"b.c": 1}, 'a["b': {'c"]': 2}, "m": many}}
    cited = ["x.*.*", "x.m.*"]
    assert resolve(facts, "x.*.*").found[0].path == resolve(facts, "x.*.*").found[1].path
    gathered = gather(facts, cited, Citations(facts))
    assert "x.m.k48" in gathered.facts  # the 51st hit, past the values made in advance
    assert _exact(gathered) == _exact(reference_gather(facts, cited))
