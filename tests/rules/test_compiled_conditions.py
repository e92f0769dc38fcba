"""Compiled conditions give exactly what the plain evaluator gave: results and trace lines.

The reference below is the evaluator as it was before conditions were compiled and leaf
outcomes shared across the rules of one document: every leaf walks its paths again.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from rgpd_check.facts.paths import Resolver, has_wildcard, resolve
from rgpd_check.rules import RuleSet, load_rules
from rgpd_check.rules.conditions import (
    _rhs,
    _show,
    compile_condition,
    evaluate_leaf,
    evaluate_rule_condition,
    kleene_all,
    kleene_any,
    kleene_not,
)
from rgpd_check.rules.model import (
    MATCH,
    NO_MATCH,
    UNKNOWN,
    AllOf,
    AnyOf,
    Condition,
    Leaf,
    Not,
    Result,
    Rule,
)
from rgpd_check.rules.operators import OPERATORS, TypeMismatch, value_problem
from tests.golden_cases.factsets import load_cases


def reference_leaf(leaf: Leaf, facts: dict[str, Any]) -> tuple[Result, str]:
    op = OPERATORS[leaf.op]
    projection = resolve(facts, leaf.fact)
    wildcard = has_wildcard(leaf.fact)
    values = [hit.value for hit in projection.found]
    shown = _show(values if wildcard else (values[0] if values else None))
    if op.shape == "presence":
        present = bool(values)
        result = MATCH if present == (op.name == "exists") else NO_MATCH
        subject = f"{leaf.fact} = {shown}" if present else f"{leaf.fact} absent"
        return result, f"{subject} {op.name} → {result}"
    if projection.absent:
        return UNKNOWN, f"{leaf.fact} absent → {UNKNOWN}"
    value: Any = leaf.pattern if op.value == "regex" else leaf.value
    if leaf.value_fact:
        other = resolve(facts, leaf.value_fact)
        if not other.found:
            return UNKNOWN, f"{leaf.fact} = {shown} {op.name} {leaf.value_fact} absent → {UNKNOWN}"
        value = other.found[0].value
    line = f"{leaf.fact} = {shown} {op.name}{_rhs(leaf, value)}"
    if leaf.value_fact and (problem := value_problem(op.value, value)):
        return UNKNOWN, f"{line} → {UNKNOWN} (type mismatch: {leaf.value_fact} {problem})"
    notes: list[str] = []
    if op.shape == "element":
        if not projection.found and not projection.missing:
            return NO_MATCH, f"{line} → {NO_MATCH} (empty projection)"
        results: list[Result] = []
        for hit in projection.found:
            try:
                results.append(MATCH if op.test(hit.value, value) else NO_MATCH)
            except TypeMismatch as error:
                results.append(UNKNOWN)
                notes.append(f"type mismatch at {hit.path}: {error}")
        results.extend(UNKNOWN for _ in projection.missing)
        if projection.missing:
            notes.append(f"{len(projection.missing)} element(s) absent")
        if leaf.quantifier == "all":
            line += " (all)"
            result = kleene_all(results)
        else:
            result = kleene_any(results)
    elif projection.missing:
        result = UNKNOWN
        notes.append(f"{len(projection.missing)} element(s) absent")
    else:
        whole = values if wildcard else values[0]
        try:
            result = MATCH if op.test(whole, value) else NO_MATCH
        except TypeMismatch as error:
            result = UNKNOWN
            notes.append(f"type mismatch: {error}")
    suffix = f" ({'; '.join(notes)})" if notes else ""
    return result, f"{line} → {result}{suffix}"


def reference_condition(condition: Condition, facts: dict[str, Any]) -> tuple[Result, list[str]]:
    if isinstance(condition, Leaf):
        result, line = reference_leaf(condition, facts)
        return result, [line]
    if isinstance(condition, Not):
        result, trace = reference_condition(condition.child, facts)
        return kleene_not(result), trace
    outcomes = [reference_condition(child, facts) for child in condition.children]
    trace = [line for _, lines in outcomes for line in lines]
    combine = kleene_all if isinstance(condition, AllOf) else kleene_any
    return combine(result for result, _ in outcomes), trace


def reference_rule(rule: Rule, facts: dict[str, Any]) -> tuple[Result, list[str]]:
    result, trace = reference_condition(rule.when, facts)
    if rule.requires is None:
        return result, trace
    precondition, before = reference_condition(rule.requires, facts)
    trace = [*(f"requires: {line}" for line in before), *trace]
    if precondition != MATCH and result != NO_MATCH:
        trace.append(f"requires → {precondition}: a match cannot be concluded → {UNKNOWN}")
        return UNKNOWN, trace
    return result, trace


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return load_rules([], include_builtin=True)


def _documents(ruleset: RuleSet) -> list[dict[str, Any]]:
    """Golden cases in every context, and every fact set embedded in the rule files."""
    docs = [case.facts(expectation) for case in load_cases() for expectation in case.expectations]
    docs += [test.facts for rule in ruleset.rules for test in rule.tests]
    return docs


def test_every_builtin_rule_on_every_document(ruleset: RuleSet) -> None:
    for facts in _documents(ruleset):
        shared = Resolver(facts)  # one resolver across the rules, as ``evaluate`` does
        for rule in ruleset.rules:
            expected = reference_rule(rule, facts)
            assert evaluate_rule_condition(rule, facts, shared) == expected, rule.id
            assert evaluate_rule_condition(rule, facts) == expected, rule.id


# Leaves alike but for what their outcome depends on: sharing must keep them apart.
DOC = {"n": 1, "z": 0.0, "s": "1", "b": True, "l": ["1", 1, True], "x": "a.b", "m": 1.0}
LOOKALIKES = [
    Leaf(fact="n", op="eq", value=1),
    Leaf(fact="n", op="eq", value=True),
    Leaf(fact="n", op="eq", value=1.0),
    Leaf(fact="n", op="eq", value="1"),
    Leaf(fact="n", op="eq", value=1, value_name="$ONE"),
    Leaf(fact="n", op="eq", value_fact="m"),
    Leaf(fact="n", op="eq", value_fact="s"),
    Leaf(fact="z", op="eq", value=0.0),
    Leaf(fact="z", op="eq", value=-0.0),
    Leaf(fact="b", op="eq", value=True),
    Leaf(fact="b", op="eq", value=1),
    Leaf(fact="l", op="contains", value="1"),
    Leaf(fact="l", op="contains", value=1),
    Leaf(fact="l", op="contains", value=True),
    Leaf(fact="l", op="intersects", value=["1"]),
    Leaf(fact="l", op="intersects", value=[1]),
    Leaf(fact="l", op="intersects", value=[True]),
    Leaf(fact="l.*", op="eq", value="1"),
    Leaf(fact="l.*", op="eq", value="1", quantifier="all"),
    Leaf(fact="x", op="matches", value="a.b", pattern=re.compile("a.b")),
    Leaf(fact="x", op="matches", value="a.b", pattern=re.compile("a.b", re.IGNORECASE)),
    Leaf(fact="x", op="matches", value="A.B", pattern=re.compile("A.B", re.IGNORECASE)),
    Leaf(fact="n", op="in", value={"not": "hashable"}),
    Leaf(fact="n", op="exists"),
    Leaf(fact="n", op="missing"),
]


def test_lookalike_leaves_share_nothing_they_should_not() -> None:
    compiled = compile_condition(AllOf(tuple(LOOKALIKES)))
    result, trace = compiled.run(Resolver(DOC))
    expected = [reference_leaf(leaf, DOC) for leaf in LOOKALIKES]
    assert trace == [line for _, line in expected]
    assert result == kleene_all(r for r, _ in expected)
    for leaf, outcome in zip(LOOKALIKES, expected, strict=True):
        assert evaluate_leaf(leaf, DOC) == outcome


def test_nested_conditions_combine_as_before() -> None:
    leaf_m, leaf_n, leaf_u = (
        Leaf(fact="b", op="is_true"),
        Leaf(fact="b", op="is_false"),
        Leaf(fact="absent", op="is_true"),
    )
    condition = AnyOf(
        (AllOf((leaf_m, Not(leaf_u))), Not(AnyOf((leaf_n, leaf_u, Not(leaf_m)))), leaf_n)
    )
    assert compile_condition(condition).run(Resolver(DOC)) == reference_condition(condition, DOC)


def test_rules_pickle_and_copy_without_their_compiled_form(ruleset: RuleSet) -> None:
    import copy
    import pickle

    rule = ruleset.rules[0]
    facts = _documents(ruleset)[0]
    expected = evaluate_rule_condition(rule, facts)  # compiled now
    assert "compiled" in vars(rule)
    for twin in (pickle.loads(pickle.dumps(rule)), copy.deepcopy(rule), copy.copy(rule)):
        assert twin == rule and "compiled" not in vars(twin)
        assert evaluate_rule_condition(twin, facts) == expected
