"""Property: removing facts can only turn a result into ``unknown``, never flip it.

This is what makes ``unknown`` safe: a rule never claims match or no_match on data it
did not have. (``exists``/``missing`` are excluded: they are about presence itself.)
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from rgpd_check.rules import RuleSet, evaluate, load_rules
from rgpd_check.rules.conditions import evaluate_condition
from rgpd_check.rules.model import RESULTS, UNKNOWN, AllOf, AnyOf, Condition, Leaf, Not

LEAVES = [
    Leaf(fact="a", op="is_true"),
    Leaf(fact="n", op="gt", value=3),
    Leaf(fact="s", op="in", value=["x", "y"]),
    Leaf(fact="l", op="not_empty"),
    Leaf(fact="l", op="contains", value="x"),
    Leaf(fact="items.*.v", op="eq", value=1),
    Leaf(fact="items.*.v", op="ge", value=1, quantifier="all"),
    Leaf(fact="n", op="lt", value_fact="m"),
]

conditions: st.SearchStrategy[Condition] = st.recursive(
    st.sampled_from(LEAVES),
    lambda children: st.one_of(
        st.lists(children, min_size=1, max_size=3).map(lambda c: AllOf(tuple(c))),
        st.lists(children, min_size=1, max_size=3).map(lambda c: AnyOf(tuple(c))),
        children.map(Not),
    ),
    max_leaves=8,
)

facts_docs = st.fixed_dictionaries({
    "a": st.booleans(),
    "n": st.integers(0, 6),
    "m": st.integers(0, 6),
    "s": st.sampled_from(["x", "z"]),
    "l": st.lists(st.sampled_from(["x", "y"]), max_size=2),
    "items": st.lists(st.fixed_dictionaries({"v": st.integers(0, 2)}), max_size=3),
})


def _remove(doc: dict[str, Any], drop: set[str], drop_items: set[int]) -> dict[str, Any]:
    partial = {key: value for key, value in doc.items() if key not in drop}
    if "items" in partial:
        partial["items"] = [{} if i in drop_items else item
                            for i, item in enumerate(partial["items"])]
    return partial


@settings(max_examples=300, deadline=None)
@given(
    condition=conditions,
    doc=facts_docs,
    drop=st.sets(st.sampled_from(["a", "n", "m", "s", "l", "items"])),
    drop_items=st.sets(st.integers(0, 2)),
)
def test_less_data_never_flips_a_result(condition: Condition, doc: dict[str, Any],
                                        drop: set[str], drop_items: set[int]) -> None:
    full, _ = evaluate_condition(condition, doc)
    partial, _ = evaluate_condition(condition, _remove(doc, drop, drop_items))
    assert partial in (full, UNKNOWN)


# -- robustness: facts of the wrong shape never crash an evaluation --------------------

BUILTIN: RuleSet = load_rules()
SAMPLES = [test.facts for rule in BUILTIN.rules for test in rule.tests if test.facts]

junk = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 30) | st.floats(allow_nan=True)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                               max_size=3),
    max_leaves=6,
)


def _paths(node: Any, loc: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [loc]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*loc, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*loc, index))
    return found


@settings(max_examples=200, deadline=None)
@given(data=st.data(), value=junk)
def test_wrongly_typed_facts_give_unknown_not_a_crash(data: st.DataObject, value: Any) -> None:
    facts = copy.deepcopy(data.draw(st.sampled_from(SAMPLES)))
    loc = data.draw(st.sampled_from(_paths(facts)[1:]))
    parent: Any = facts
    for part in loc[:-1]:
        parent = parent[part]
    parent[loc[-1]] = value
    for finding in evaluate(BUILTIN, facts):
        assert finding.result in RESULTS
        assert finding.trace
