"""The per-evaluation caches (paths, cited values, refs) must not change any finding.

The reference below is the evaluator as it was before the caches: every path walked again
for every leaf and every cited path, cited values stripped and capped on every use.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from rgpd_check.facts.paths import Resolver
from rgpd_check.findings import Finding, cap_value
from rgpd_check.rules import RuleSet, evaluate, evaluate_rule, load_rules
from rgpd_check.rules.conditions import evaluate_rule_condition
from rgpd_check.rules.engine import absence_based
from rgpd_check.rules.model import MATCH
from tests.findings.reference import reference_cap, reference_gather
from tests.golden_cases.factsets import load_cases


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return load_rules([], include_builtin=True)




def reference_evaluate(ruleset: RuleSet, facts: dict[str, Any]) -> list[dict[str, Any]]:
    shapes = []
    for rule in sorted(ruleset.rules, key=lambda rule: (rule.family, rule.id)):
        result, trace = evaluate_rule_condition(rule, facts, Resolver(facts))
        read = [path for leaf in rule.leaves() for path in (leaf.fact, leaf.value_fact) if path]
        gathered = reference_gather(facts, [*rule.evidence, *read])
        if result == MATCH and not gathered.evidence:
            trace.append(
                "no evidence reference: the match rests on something not found"
                if absence_based(rule)
                else "warning: match without any evidence reference"
            )
        finding = Finding(
            rule=rule.id, family=rule.family, kind=rule.kind, severity=rule.severity,
            reliability=rule.reliability, result=result, title=dict(rule.title),
            recommendation=dict(rule.recommendation), gdpr=list(rule.gdpr),
            references=list(rule.references), evidence=gathered.evidence,
            facts=gathered.facts, trace=trace, source_file=rule.source_file,
            evidence_truncated=gathered.truncated,
        )
        shapes.append(finding.to_dict("fr") | {"en": finding.to_dict("en")})
    return shapes


def _rich_facts() -> list[dict[str, Any]]:
    """Every golden case in its first context: documents, signals, hosting, trackers."""
    return [case.facts(case.expectations[0]) for case in load_cases()]


def test_cached_evaluate_gives_exactly_the_reference_findings(ruleset: RuleSet) -> None:
    documents = _rich_facts()
    assert any(len(doc.get("documents", {}).get("items", [])) > 1 for doc in documents)
    for facts in documents:
        before = json.dumps(facts, sort_keys=True)
        cached = [f.to_dict("fr") | {"en": f.to_dict("en")} for f in evaluate(ruleset, facts)]
        assert cached == reference_evaluate(ruleset, facts)
        # One rule alone (its own caches) agrees too, and nothing mutated the facts.
        first = min(ruleset.rules, key=lambda rule: (rule.family, rule.id))
        alone = evaluate_rule(first, facts).to_dict("fr")
        assert alone == {key: value for key, value in cached[0].items() if key != "en"}
        assert json.dumps(facts, sort_keys=True) == before


def test_findings_do_not_share_mutable_cited_values(ruleset: RuleSet) -> None:
    facts = _rich_facts()[0]
    findings = evaluate(ruleset, facts)
    snapshot = copy.deepcopy([f.to_dict() for f in findings])
    for finding in findings[::2]:
        for value in finding.facts.values():
            if isinstance(value, dict | list):
                value.clear()
        for ref in finding.evidence:
            ref.clear()
    assert [f.to_dict() for f in findings[1::2]] == snapshot[1::2]
    assert [f.to_dict() for f in evaluate(ruleset, facts)] == snapshot


@pytest.mark.parametrize("limit", [0, 1, 2, 3, 5, 12, 40])
def test_cap_value_matches_the_reference(limit: int) -> None:
    values: list[Any] = [
        [], [1], ["abc", "défi", None, True, 1.5], list(range(30)), {"a": [1, 2, {"b": "c"}]},
        "x" * 50, "é" * 7, 12345678, [["nested", "list"], {"k": "v"}, "tail"],
    ]
    for value in values:
        assert cap_value(value, limit) == reference_cap(value, limit)
