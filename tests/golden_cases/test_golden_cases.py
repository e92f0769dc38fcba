"""Golden cases: the level a data-protection officer would give, with the reasons, per context.

Each case (``cases/*.yaml``) is a synthetic fact set modelled on a real tool; it goes through
the real rule set and the real policy. Assertions name the level and the rules that must be
among the reasons — never the full list — so adding rules does not break them unless the
judgement changes. A failure prints what matched, what was unknown and what drove the level.
"""

from __future__ import annotations

import fnmatch
from typing import Any

import pytest

from rgpd_check.classify import Classification, classify, default_policy
from rgpd_check.facts import validate_facts
from rgpd_check.findings import Finding
from rgpd_check.report import build_report
from rgpd_check.rules import RuleSet, evaluate, load_rules
from rgpd_check.schemas import report_errors
from tests.golden_cases.factsets import Case, Expectation, load_cases

CASES = load_cases()
PARAMS = [
    pytest.param(case, exp, id=f"{case.id}:{exp.label}")
    for case in CASES
    for exp in case.expectations
]


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return load_rules([])


def run(
    case: Case, exp: Expectation, ruleset: RuleSet, lang: str = "fr"
) -> tuple[dict[str, Any], list[Finding], Classification]:
    facts = case.facts(exp)
    findings = evaluate(ruleset, facts)
    stance = case.stance if exp.stance else None
    return facts, findings, classify(findings, facts, lang, stance=stance, rules=ruleset)


def explain(findings: list[Finding], result: Classification) -> str:
    matched = sorted(
        f"{f.rule}({f.severity})" for f in findings if f.kind == "risk" and f.result == "match"
    )
    unknown = sorted(
        f"{f.rule}({f.severity})" for f in findings if f.kind == "risk" and f.result == "unknown"
    )
    reasons = [(r["rule"], r.get("effect")) for r in result.reasons]
    return f"\n  matched: {matched}\n  unknown: {unknown}\n  reasons: {reasons}"


def reason_rules(result: Classification, *effects: str) -> list[str]:
    return [r["rule"] for r in result.reasons if not effects or r.get("effect") in effects]


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 10
    levels = {exp.level for case in CASES for exp in case.expectations}
    assert levels == {"recommande", "precautions", "deconseille", "a-proscrire", "a-verifier"}
    assert all(case.modelled_on and exp.why for case in CASES for exp in case.expectations)


@pytest.mark.parametrize(("case", "exp"), PARAMS)
def test_fact_set_is_schema_valid(case: Case, exp: Expectation) -> None:
    assert validate_facts(case.facts(exp)) == []


@pytest.mark.parametrize(("case", "exp"), PARAMS)
def test_level_and_reasons(case: Case, exp: Expectation, ruleset: RuleSet) -> None:
    _, findings, result = run(case, exp, ruleset)
    detail = explain(findings, result)
    assert result.level == exp.level, f"{case.id} ({exp.label}): {exp.why}{detail}"
    if exp.computed_level:
        assert result.computed_level == exp.computed_level, detail
    if exp.stance and case.stance:
        assert result.override is not None and result.override["level"] == case.stance["level"]
    else:
        assert result.override is None and result.level == result.computed_level
    for pattern in exp.reasons:
        found = any(fnmatch.fnmatchcase(rule, pattern) for rule in reason_rules(result))
        assert found, f"{pattern} not among the reasons{detail}"
    for rule in exp.not_reasons:
        assert rule not in reason_rules(result), f"{rule} should not drive the level{detail}"
    for adjustment in exp.policy:
        assert f"policy:{adjustment}" in reason_rules(result), (
            f"adjustment {adjustment} not explained{detail}"
        )
    for text in exp.actions:
        assert any(text in action for action in result.actions), (
            f"no action with {text!r}: {result.actions}"
        )
    if exp.best_case:
        assert result.best_case == exp.best_case
    if exp.worst_case:
        assert result.worst_case == exp.worst_case


@pytest.mark.parametrize(("case", "exp"), PARAMS)
def test_unknowns_are_never_green(case: Case, exp: Expectation, ruleset: RuleSet) -> None:
    """Drop every signal the reader found: the level can only get less certain, never green."""
    facts, findings, result = run(case, exp, ruleset)
    del facts["documents"]
    blind = classify(evaluate(ruleset, facts), facts, "fr", rules=ruleset)
    assert blind.level != "recommande"
    if blind.level not in ("a-verifier",):
        assert blind.level in ("deconseille", "a-proscrire")  # conclusive on observed evidence


@pytest.mark.parametrize(("case", "exp"), PARAMS)
def test_english_reasons_and_report_contract(
    case: Case, exp: Expectation, ruleset: RuleSet
) -> None:
    facts, findings, result = run(case, exp, ruleset, lang="en")
    assert result.reasons and all(r["title"] for r in result.reasons)
    assert "Vérifier" not in " ".join(result.actions)
    report = build_report(
        manifest={
            "started_at": "2026-11-29T18:07:12Z",
            "audit": {"tool": {"id": case.id, "name": case.id, "urls": [case.url()]}},
        },
        facts=facts,
        findings=findings,
        classification=result,
        rules_version=ruleset.version,
        replaced=[],
        policy=default_policy(),
        lang="en",
        context={**{k: exp.context[k] for k in ("audience", "school_level")}, "is_default": False},
        bundle_files=[],
        manifest_sha256=None,
    )
    assert report_errors(report) == []
    assert report["policy_version"] == default_policy().version
