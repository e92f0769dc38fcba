"""Three-valued evaluation: Kleene logic, every operator, projections, value_fact."""

from __future__ import annotations

import re
from itertools import product
from typing import Any

import pytest

from rgpd_check.rules.conditions import (
    evaluate_condition,
    evaluate_leaf,
    kleene_all,
    kleene_any,
    kleene_not,
)
from rgpd_check.rules.model import MATCH, NO_MATCH, UNKNOWN, AllOf, AnyOf, Leaf, Not, Result

M, N, U = MATCH, NO_MATCH, UNKNOWN


def leaf(fact: str, op: str, value: Any = None, **kw: Any) -> Leaf:
    pattern = re.compile(value) if op == "matches" else None
    return Leaf(fact=fact, op=op, value=value, pattern=pattern, **kw)


def run(condition: Any, facts: dict[str, Any]) -> Result:
    return evaluate_condition(condition, facts)[0]


# -- Kleene truth tables -----------------------------------------------------------

AND = {(M, M): M, (M, N): N, (M, U): U, (N, N): N, (N, U): N, (U, U): U}
OR = {(M, M): M, (M, N): M, (M, U): M, (N, N): N, (N, U): U, (U, U): U}


@pytest.mark.parametrize(("a", "b"), list(product((M, N, U), repeat=2)))
def test_kleene_and_or_tables(a: Result, b: Result) -> None:
    key = (a, b) if (a, b) in AND else (b, a)
    assert kleene_all([a, b]) == AND[key]
    assert kleene_any([a, b]) == OR[key]


def test_kleene_not() -> None:
    assert [kleene_not(r) for r in (M, N, U)] == [N, M, U]


# Leaves with a fixed result, to drive the combinators through real evaluation.
FACTS = {"t": True, "f": False}
LEAF = {M: leaf("t", "is_true"), N: leaf("f", "is_true"), U: leaf("absent", "is_true")}


@pytest.mark.parametrize(("a", "b"), list(product((M, N, U), repeat=2)))
def test_combinators_follow_the_tables(a: Result, b: Result) -> None:
    key = (a, b) if (a, b) in AND else (b, a)
    assert run(AllOf((LEAF[a], LEAF[b])), FACTS) == AND[key]
    assert run(AnyOf((LEAF[a], LEAF[b])), FACTS) == OR[key]
    assert run(Not(LEAF[a]), FACTS) == kleene_not(a)


def test_unknown_is_never_cleared_by_not() -> None:
    assert run(Not(Not(LEAF[U])), FACTS) == U


def test_every_leaf_is_traced_even_when_decided_early() -> None:
    result, trace = evaluate_condition(AllOf((LEAF[N], LEAF[U], LEAF[M])), FACTS)
    assert result == N
    assert trace == ["f = False is_true → no_match", "absent absent → unknown",
                     "t = True is_true → match"]


# -- operators -------------------------------------------------------------------

DOC = {
    "s": "https://tool.example/privacy",
    "n": 16,
    "x": 2.5,
    "b": True,
    "nil": None,
    "l": ["FR", "US"],
    "empty": [],
    "m": {"a": 1},
    "text": "",
}

CASES = [
    # presence: never unknown
    ("s", "exists", None, M), ("absent", "exists", None, N),
    ("absent", "missing", None, M), ("nil", "missing", None, N),
    # equality
    ("s", "eq", "https://tool.example/privacy", M), ("n", "eq", 15, N), ("n", "ne", 15, M),
    ("n", "eq", "16", U), ("b", "eq", 1, U), ("nil", "eq", "x", U), ("l", "eq", "FR", U),
    # membership
    ("s", "in", ["a", "https://tool.example/privacy"], M), ("n", "in", [1, 2], N),
    ("n", "not_in", [1, 2], M), ("n", "in", ["16"], U), ("b", "in", [1], U),
    ("n", "in", [], N), ("n", "not_in", [], M),
    # order
    ("n", "gt", 15, M), ("n", "gt", 16, N), ("n", "ge", 16, M), ("n", "lt", 16, N),
    ("x", "le", 2.5, M), ("s", "gt", 1, U), ("b", "gt", 0, U), ("nil", "lt", 1, U),
    # regex (search)
    ("s", "matches", r"/priva", M), ("s", "matches", r"^http:", N), ("n", "matches", "1", U),
    # booleans
    ("b", "is_true", None, M), ("b", "is_false", None, N), ("n", "is_true", None, U),
    ("nil", "is_false", None, U),
    # whole value
    ("empty", "is_empty", None, M), ("l", "is_empty", None, N), ("text", "is_empty", None, M),
    ("l", "not_empty", None, M), ("m", "not_empty", None, M), ("n", "not_empty", None, U),
    ("l", "count_ge", 2, M), ("l", "count_ge", 3, N), ("l", "count_le", 1, N),
    ("m", "count_le", 1, M), ("s", "count_ge", 1, U),
    ("l", "intersects", ["US", "CN"], M), ("l", "intersects", ["CN"], N),
    ("empty", "intersects", ["CN"], N), ("s", "intersects", ["CN"], U),
    ("l", "subset_of", ["FR", "US", "DE"], M), ("l", "subset_of", ["FR"], N),
    ("empty", "subset_of", ["FR"], M), ("m", "subset_of", ["a"], U),
    ("l", "contains", "US", M), ("l", "contains", "DE", N), ("l", "not_contains", "DE", M),
    ("s", "contains", "privacy", M), ("n", "contains", 1, U), ("l", "contains", 1, U),
    # absent fact: unknown for everything but exists/missing
    ("absent", "eq", 1, U), ("absent", "is_empty", None, U), ("absent", "not_contains", "x", U),
    ("absent", "not_in", ["x"], U), ("absent", "subset_of", ["x"], U),
]


@pytest.mark.parametrize(("fact", "op", "value", "expected"), CASES)
def test_operator(fact: str, op: str, value: Any, expected: Result) -> None:
    assert evaluate_leaf(leaf(fact, op, value), DOC)[0] == expected


def test_type_mismatch_is_explained_in_the_trace() -> None:
    result, line = evaluate_leaf(leaf("s", "gt", 1), DOC)
    assert result == U
    assert line == ("s = 'https://tool.example/privacy' gt 1 → unknown "
                    "(type mismatch at s: expected number, got string)")


def test_trace_lines() -> None:
    facts = {"hosting": {"tool_non_eea_countries": ["US"]}}
    line = evaluate_leaf(leaf("hosting.tool_non_eea_countries", "not_empty"), facts)[1]
    assert line == "hosting.tool_non_eea_countries = ['US'] not_empty → match"
    line = evaluate_leaf(leaf("documents.signals.min_age.value", "gt", 15), facts)[1]
    assert line == "documents.signals.min_age.value absent → unknown"
    named = Leaf(fact="hosting.tool_non_eea_countries", op="subset_of", value=["CH"],
                 value_name="$adequacy")
    line = evaluate_leaf(named, facts)[1]
    assert line == "hosting.tool_non_eea_countries = ['US'] subset_of $adequacy → no_match"


# -- projections -----------------------------------------------------------------

HOSTING = {
    "hosting": {
        "hosts": [
            {"host": "a", "ips": [{"country": "FR"}, {"country": "US"}]},
            {"host": "b", "ips": [{"country": "DE"}]},
            {"host": "c", "ips": []},
        ]
    },
    "dns": {"hosts": {"a.example": {"a": ["192.0.2.1"]}, "b.example": {"a": []}}},
}
COUNTRIES = "hosting.hosts.*.ips.*.country"


@pytest.mark.parametrize(
    ("quantifier", "value", "expected"),
    [("any", ["US"], M), ("all", ["US"], N), ("all", ["FR", "US", "DE"], M), ("any", ["CN"], N)],
)
def test_list_projection_with_quantifier(quantifier: str, value: list[str],
                                         expected: Result) -> None:
    condition = leaf(COUNTRIES, "in", value, quantifier=quantifier)
    assert run(condition, HOSTING) == expected


def test_map_projection() -> None:
    # A whole-value operator on a projection sees the list of projected values.
    assert run(leaf("dns.hosts.*.a", "not_empty"), HOSTING) == M
    assert run(leaf("dns.hosts.*.a.*", "eq", "192.0.2.1"), HOSTING) == M
    assert run(leaf("dns.hosts.*.a", "count_ge", 2), HOSTING) == M  # two hosts projected


def test_empty_projection_is_no_match_not_vacuous_truth() -> None:
    facts = {"hosting": {"hosts": []}}
    assert run(leaf("hosting.hosts.*.host", "eq", "a", quantifier="all"), facts) == N
    assert run(leaf("hosting.hosts.*.host", "ne", "a", quantifier="all"), facts) == N
    assert run(leaf("hosting.hosts.*.host", "exists"), facts) == N
    assert run(leaf("hosting.hosts.*.host", "is_empty"), facts) == M
    result, trace = evaluate_condition(leaf("hosting.hosts.*.host", "eq", "a"), facts)
    assert trace[0].endswith("(empty projection)")


def test_projection_over_absent_container_is_unknown() -> None:
    assert run(leaf(COUNTRIES, "eq", "US"), {"hosting": {}}) == U


def test_projection_with_some_elements_absent() -> None:
    facts = {"hosting": {"hosts": [{"host": "a", "ips": [{"country": "FR"}, {"ip": "x"}]}]}}
    # any: FR is not US, the other is absent → unknown; all in EEA: FR yes, other unknown.
    assert run(leaf(COUNTRIES, "eq", "US"), facts) == U
    assert run(leaf(COUNTRIES, "eq", "FR"), facts) == M
    assert run(leaf(COUNTRIES, "in", ["FR"], quantifier="all"), facts) == U
    assert run(leaf(COUNTRIES, "in", ["DE"], quantifier="all"), facts) == N
    assert run(leaf(COUNTRIES, "intersects", ["FR"]), facts) == U
    line = evaluate_condition(leaf(COUNTRIES, "eq", "US"), facts)[1][0]
    assert line.endswith("→ unknown (1 element(s) absent)")


def test_whole_operator_on_projection_sees_the_projected_list() -> None:
    facts = {"hosting": {"hosts": [{"host": "a", "countries": ["FR"]},
                                   {"host": "b", "countries": ["US"]}]}}
    assert run(leaf("hosting.hosts.*.host", "subset_of", ["a", "b"]), facts) == M
    assert run(leaf("hosting.hosts.*.host", "contains", "b"), facts) == M
    assert run(leaf("hosting.hosts.*.host", "count_ge", 3), facts) == N


def test_list_index_segment() -> None:
    assert run(leaf("hosting.hosts.1.ips.0.country", "eq", "DE"), HOSTING) == M
    assert run(leaf("hosting.hosts.9.host", "eq", "a"), HOSTING) == U


# -- value_fact --------------------------------------------------------------------

def _min_age(value: Any, pupil_age_min: Any = None) -> dict[str, Any]:
    facts: dict[str, Any] = {"documents": {"signals": {"min_age": {"value": value}}}}
    if pupil_age_min is not None:
        facts["context"] = {"pupil_age_min": pupil_age_min}
    return facts


AGE = Leaf(fact="documents.signals.min_age.value", op="gt", value_fact="context.pupil_age_min")


@pytest.mark.parametrize(
    ("facts", "expected"),
    [(_min_age(16, 11), M), (_min_age(13, 15), N), (_min_age(16), U),
     (_min_age("16", 11), U), (_min_age(16, "11"), U), ({"context": {"pupil_age_min": 11}}, U)],
)
def test_value_fact(facts: dict[str, Any], expected: Result) -> None:
    assert run(AGE, facts) == expected


def test_value_fact_trace() -> None:
    assert evaluate_leaf(AGE, _min_age(16, 11))[1] == (
        "documents.signals.min_age.value = 16 gt context.pupil_age_min (11) → match")
    assert evaluate_leaf(AGE, _min_age(16))[1] == (
        "documents.signals.min_age.value = 16 gt context.pupil_age_min absent → unknown")
    assert "type mismatch" in evaluate_leaf(AGE, _min_age(16, "11"))[1]


# -- requires: a precondition of a match ---------------------------------------------

def _rule_with_requires(requires: Leaf, when: Leaf) -> Any:
    from rgpd_check.rules.model import Rule

    return Rule(id="DPA-900", family="dpa", kind="risk", severity="major",
                reliability="observed", title={}, recommendation={}, gdpr=[], references=[],
                when=when, evidence=[], tests=[], source_file="x", requires=requires)


@pytest.mark.parametrize(("pre", "when", "expected"), [
    (M, M, M), (M, N, N), (M, U, U),
    (N, M, U), (N, N, N), (N, U, U),
    (U, M, U), (U, N, N), (U, U, U),
])
def test_requires_table(pre: Result, when: Result, expected: Result) -> None:
    from rgpd_check.rules.conditions import evaluate_rule_condition

    rule = _rule_with_requires(LEAF[pre], LEAF[when])
    result, trace = evaluate_rule_condition(rule, FACTS)
    assert result == expected
    assert trace[0].startswith("requires: ")
    if pre != M and when != N:
        assert trace[-1] == f"requires → {pre}: a match cannot be concluded → unknown"
