"""Findings from the built-in rules: result, evidence, cited facts, trace, report shape."""

from __future__ import annotations

from typing import Any

from rgpd_check.rules import evaluate, load_rules

RULES = load_rules()
HTTP = {"type": "http", "url": "http://tool.example/", "warc_record_id": "<urn:uuid:9>"}


def _by_rule(facts: dict[str, Any]) -> dict[str, Any]:
    return {finding.rule: finding for finding in evaluate(RULES, facts)}


def test_one_finding_per_rule_in_order() -> None:
    findings = evaluate(RULES, {})
    assert [f.rule for f in findings] == [r.id for r in RULES.rules]
    assert {f.result for f in findings} == {"unknown"}


def test_match_with_evidence_and_trace() -> None:
    facts = {"security": {"http_redirects_to_https": False, "https": True, "evidence": [HTTP]}}
    finding = _by_rule(facts)["SEC-001"]
    assert finding.result == "match"
    assert finding.evidence == [HTTP]
    assert finding.facts == {"security.http_redirects_to_https": False, "security.https": True}
    assert finding.trace == ["security.http_redirects_to_https = False is_false → match"]


def test_min_age_finding_quotes_the_terms() -> None:
    facts = {
        "context": {"audience": "pupils-accounts", "pupil_age_min": 11},
        "documents": {"signals": {"min_age": {
            "present": True, "status": "affirmed", "value": 16,
            "quotes": [{"text": "16 ans", "start": 3, "end": 9, "url": "https://t.example/cgu"}],
        }}},
    }
    finding = _by_rule(facts)["MIN-001"]
    assert finding.result == "match"
    assert finding.evidence == [{"type": "document", "url": "https://t.example/cgu",
                                 "quote": "16 ans", "start": 3, "end": 9}]
    assert finding.trace == [
        "context.audience = 'pupils-accounts' ne 'teachers' → match",
        "documents.signals.min_age.value = 16 gt context.pupil_age_min (11) → match",
    ]
    assert finding.facts["context.pupil_age_min"] == 11


def test_absence_based_match_without_evidence_is_noted() -> None:
    finding = _by_rule({"crawl": {"complete": True}, "documents": {"types": []}})["DPA-001"]
    assert finding.result == "match" and finding.evidence == []
    assert finding.trace[-1] == "no evidence reference: the match rests on something not found"


def test_match_without_evidence_is_flagged() -> None:
    finding = _by_rule({"security": {"hsts": False}})["SEC-002"]
    assert finding.trace[-1] == "warning: match without any evidence reference"


def test_to_dict_in_both_languages() -> None:
    facts = {"trackers": {"advertising": ["ads"], "advertising_on_pupil_pages": ["ads"]}}
    finding = _by_rule(facts)["TRK-001"]
    shape = finding.to_dict("fr")
    assert list(shape) == ["rule", "family", "kind", "severity", "reliability", "result",
                           "title", "recommendation", "gdpr", "references", "evidence",
                           "facts", "trace"]
    assert shape["title"] == ("Traceurs publicitaires ou de profilage sur les pages que les"
                              " élèves consultent")
    english = finding.to_dict("en")["title"]
    assert english == "Advertising or profiling trackers on pages pupils visit"
    assert finding.to_dict("de")["title"] == shape["title"]  # falls back to French
    assert (shape["result"], shape["severity"], shape["kind"]) == ("match", "critical", "risk")


def test_evidence_truncated_count_in_report() -> None:
    known = [{"id": f"t{i}", "evidence": [{"type": "http", "url": f"https://t{i}.example/"}]}
             for i in range(27)]
    finding = _by_rule({"trackers": {"advertising": ["t0"], "advertising_on_pupil_pages": ["t0"],
                                     "known": known}})["TRK-001"]
    assert len(finding.evidence) == 25 and finding.evidence_truncated == 2
    assert finding.to_dict("fr")["evidence_truncated"] == 2
