"""The per-evaluation caches (paths, cited values, refs) must not change any finding.

The reference below is the evaluator as it was before the caches: every path walked again
for every leaf and every cited path, cited values stripped and capped on every use.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from rgpd_check.facts.paths import Resolver, resolve
from rgpd_check.findings import Finding, Gathered, cap_value, refs_for
from rgpd_check.findings.evidence import MAX_FACTS, MAX_REFS
from rgpd_check.rules import RuleSet, evaluate, evaluate_rule, load_rules
from rgpd_check.rules.conditions import evaluate_rule_condition
from rgpd_check.rules.engine import absence_based
from rgpd_check.rules.model import MATCH
from tests.golden_cases.factsets import load_cases


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return load_rules([], include_builtin=True)


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in ("evidence", "quotes")}
    if isinstance(value, list):
        return [_strip(item) for item in value]
    return value


def _size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, default=str))


def reference_cap(value: Any, limit: int = 1000) -> Any:
    if _size(value) <= limit:
        return value
    if isinstance(value, list):
        kept: list[Any] = []
        for item in value:
            if _size([*kept, item]) > limit:
                break
            kept.append(item)
        return [*kept, f"… ({len(value) - len(kept)} more)"]
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text[:limit] + "…"


def reference_gather(facts: dict[str, Any], paths: list[str]) -> Gathered:
    gathered = Gathered()
    seen: set[str] = set()
    for path in dict.fromkeys(paths):
        for hit in resolve(facts, path).found:
            if hit.path not in gathered.facts and len(gathered.facts) < MAX_FACTS:
                gathered.facts[hit.path] = reference_cap(_strip(hit.value))
            for ref in refs_for(facts, hit.parts):
                key = json.dumps(ref, sort_keys=True, ensure_ascii=False, default=str)
                if key in seen:
                    continue
                seen.add(key)
                if len(gathered.evidence) < MAX_REFS:
                    gathered.evidence.append(ref)
                else:
                    gathered.truncated += 1
    return gathered


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
