"""DPA/transparency and minors' rules on fictional sites of the test web, through the real audit.

Each site is built to exercise a set of rules (see ``sites.py`` and ``docs/``); we assert the
result of each rule, with its trace on failure.
"""

from __future__ import annotations

import pytest

from rgpd_check import api
from rgpd_check.analyze.facts import context_facts
from rgpd_check.rules import RuleSet, evaluate
from tests.rules_e2e.conftest import Audited, AuditFn, needs_reader

M, N, U = "match", "no_match", "unknown"
CLAUSES = {letter: f"DPA-{7 + i:03d}" for i, letter in enumerate("abcdefgh")}

EXPECTED: dict[str, dict[str, str]] = {
    # Careful French vendor: every DPA/minors risk is no_match, the safeguards match.
    "bonpad": {
        "DPA-001": N, "DPA-002": M, "DPA-003": N, "DPA-004": N, "DPA-005": N, "DPA-006": N,
        **dict.fromkeys(CLAUSES.values(), N), "DPA-015": N,
        "DPA-016": N, "DPA-017": N, "DPA-018": N, "DPA-019": N, "DPA-020": N, "DPA-021": N,
        "DPA-022": N, "DPA-023": M, "DPA-024": M,
        "MIN-001": N, "MIN-002": N, "MIN-003": N, "MIN-004": N, "MIN-005": N, "MIN-006": N,
        "MIN-007": N, "MIN-008": M, "MIN-009": M,
    },
    # English-only controller with ads and profiling, no DPA, 13+ "in accordance with COPPA".
    "quizmax": {
        "DPA-001": N, "DPA-002": N, "DPA-003": M, "DPA-005": N, "DPA-006": M,
        # No DPA was read: its clauses cannot be judged.
        **dict.fromkeys(CLAUSES.values(), U), "DPA-015": U, "DPA-023": N,
        "DPA-016": N, "DPA-017": M, "DPA-018": M, "DPA-019": M, "DPA-020": M, "DPA-021": M,
        "DPA-022": M, "DPA-024": N,
        "MIN-001": M, "MIN-002": M, "MIN-003": M, "MIN-004": M, "MIN-005": M, "MIN-006": M,
        "MIN-007": N, "MIN-008": N, "MIN-009": N,
    },
    # French policy; English DPA for the paid plan only, without clauses (b), (e) and (h);
    # per-country age table with France at 15; transfers under standard contractual clauses.
    "planpad": {
        "DPA-001": N, "DPA-002": M, "DPA-003": N, "DPA-005": M, "DPA-006": N,
        CLAUSES["a"]: N, CLAUSES["b"]: M, CLAUSES["c"]: N, CLAUSES["d"]: N,
        CLAUSES["e"]: M, CLAUSES["f"]: N, CLAUSES["g"]: N, CLAUSES["h"]: M,
        "DPA-015": M, "DPA-016": N, "DPA-017": N, "DPA-018": N, "DPA-019": N, "DPA-020": N,
        "DPA-021": N, "DPA-023": N, "DPA-024": M,
        "MIN-001": M, "MIN-002": N, "MIN-006": N, "MIN-007": N,
    },
}

# Rules that only read document types, languages and the crawl: they hold without the reader.
READER_FREE = {"DPA-001", "DPA-021", "MIN-008"}

CASES = [
    pytest.param(site, rule, expected, id=f"{site}-{rule}",
                 marks=() if rule in READER_FREE else needs_reader)
    for site, rules in EXPECTED.items()
    for rule, expected in rules.items()
]


@pytest.mark.parametrize(("site", "rule", "expected"), CASES)
def test_rule_result_on_fictional_site(audited: AuditFn, site: str, rule: str,
                                       expected: str) -> None:
    audit = audited(site)
    assert audit.result_of(rule) == expected, audit.explain(rule)


def test_documents_are_found_and_typed(audited: AuditFn) -> None:
    bonpad = audited("bonpad").facts["documents"]
    assert set(bonpad["types"]) == {"privacy_policy", "children_privacy", "terms", "legal_notice",
                                    "dpa", "subprocessors"}
    assert bonpad["types_unreadable"] == [] and bonpad["languages"] == ["fr"]
    assert audited("quizmax").facts["documents"]["languages"] == ["en"]
    assert set(audited("planpad").facts["documents"]["languages"]) == {"en", "fr"}
    assert audited("quizmax").facts["crawl"]["complete"] is True


@needs_reader
def test_matches_cite_the_vendor_s_own_words(audited: AuditFn) -> None:
    quizmax = audited("quizmax")
    quotes = [ref.get("quote", "") for ref in quizmax.finding("MIN-004").evidence
              if ref["type"] == "document"]
    assert any("profiles" in quote for quote in quotes)
    ages = [ref for ref in quizmax.finding("MIN-003").evidence if ref["type"] == "document"]
    assert ages and all("COPPA" in ref["quote"] and ref["url"].endswith("/terms") for ref in ages)


@needs_reader
def test_a_careful_vendor_has_no_dpa_or_minors_risk(audited: AuditFn) -> None:
    findings = audited("bonpad").result.findings
    risks = [f.rule for f in findings
             if f.family in ("dpa", "minors") and f.kind == "risk" and f.result != "no_match"]
    assert risks == []


@needs_reader
def test_blockers_decide_the_level_and_safeguards_hide_nothing(audited: AuditFn) -> None:
    quizmax = audited("quizmax")
    assert quizmax.level == "a-proscrire"
    decisive = {reason["rule"] for reason in quizmax.result.classification.reasons}
    assert {"MIN-004", "MIN-005"} <= decisive
    # PlanPad has safeguards (no-sale commitment, processor role) and still its risks count.
    planpad = audited("planpad")
    assert planpad.result_of("DPA-002") == "match" and planpad.result_of("DPA-005") == "match"
    assert planpad.level not in ("recommande", "precautions")


def _reevaluate(audit: Audited, rules: RuleSet, **context: str) -> dict[str, str]:
    """The rules on the same facts in another context (what ``evaluate --audience`` does)."""
    merged = {"audience": "pupils-accounts", "school_level": "college", **context}
    facts = {**audit.facts, "context": context_facts(merged["audience"], merged["school_level"])}
    return {finding.rule: finding.result for finding in evaluate(rules, facts)}


@needs_reader
def test_context_decides_the_minors_rules(audited: AuditFn, builtin_rules: RuleSet) -> None:
    teachers = _reevaluate(audited("quizmax"), builtin_rules, audience="teachers")
    assert {rule: teachers[rule] for rule in ("MIN-001", "MIN-004", "MIN-005", "DPA-006")} == {
        "MIN-001": "no_match", "MIN-004": "no_match", "MIN-005": "no_match", "DPA-006": "no_match"}
    # Without pupil accounts, the missing DPA is a precaution (minor), not a major risk.
    assert (teachers["DPA-003"], teachers["DPA-004"]) == ("no_match", "match")
    lycee = _reevaluate(audited("planpad"), builtin_rules, school_level="lycee")
    assert lycee["MIN-001"] == "no_match"  # France's age is 15; lycée pupils are 15 and over


def test_evaluate_offline_gives_the_same_findings(audited: AuditFn) -> None:
    """The stored evidence alone reproduces the DPA, minors and security findings."""
    planpad = audited("planpad")
    again = api.evaluate(planpad.result.out_dir, api.AuditOptions(formats=("json",)))
    before = {f.rule: f.result for f in planpad.result.findings}
    assert {f.rule: f.result for f in again.findings} == before
