"""Each reason of the gate, from a made-up observation: codes, severities and lines."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from rgpd_check.gate import parse_approved
from rgpd_check.gate.checks import check_tool
from rgpd_check.gate.codes import CODES
from rgpd_check.gate.model import ApprovedTool
from rgpd_check.gate.observe import Observed
from rgpd_check.gate.result import FAIL, INFO, WARN, Reason
from rgpd_check.knowledge import load_countries

LIST = """\
tools:
  - id: pad
    accepted_level: precautions
    approved_by: DANE
    approved_on: 2026-01-01
    review_by: 2027-01-01
    waivers:
      - {finding: SEC-002, until: 2026-06-30, reason: HSTS promis}
    baseline:
      hosting_countries: [FR]
      hosting_providers: [OVHcloud]
      third_party_domains: [cdn-pad.example]
      tracker_domains: [stats.pad.example]
      documents:
        - {type: dpa, url: "https://pad.example/dpa", text_hash: "sha256:1",
           text_hash_version: "1"}
        - {type: privacy_policy, url: "https://pad.example/privacy", text_hash: "sha256:2",
           text_hash_version: "1"}
"""
TODAY = dt.date(2026, 3, 1)
DOCS = (
    {"type": "dpa", "url": "https://pad.example/dpa", "text_hash": "sha256:1",
     "text_hash_version": "1"},
    {"type": "privacy_policy", "url": "https://pad.example/privacy", "text_hash": "sha256:2",
     "text_hash_version": "1"},
)
SAME = Observed(
    level="precautions",
    level_with_waivers="precautions",
    reasons={"fr": (), "en": ()},
    waivable_rules=frozenset({"SEC-002"}),
    waived_rules=(),
    tracker_domains=("stats.pad.example",),
    third_party_domains=("cdn-pad.example",),
    hosting_countries=("FR",),
    seen_countries=("FR",),
    hosting_providers=("OVHcloud",),
    documents=DOCS,
    documents_not_read=frozenset(),
    audited_at="2026-02-28T00:00:00Z",
    collection_complete=True,
)


def tool(text: str = LIST) -> ApprovedTool:
    return parse_approved(text, Path("approved.yaml"), "approved.yaml").tools[0]


def run(seen: Observed | None = SAME, *, today: dt.date = TODAY, strict: bool = False,
        entry: ApprovedTool | None = None) -> list[Reason]:
    return check_tool(entry or tool(), seen, today, strict=strict,
                      is_eea=load_countries().is_eea)


def codes(reasons: list[Reason], severity: str | None = None) -> list[str]:
    return [r.code for r in reasons if severity is None or r.severity == severity]


def changed(**fields: Any) -> Observed:
    return dataclasses.replace(SAME, **fields)


def test_nothing_changed_means_no_reason() -> None:
    assert run() == []


def test_worse_level_fails_on_the_accepted_level_line() -> None:
    seen = changed(level="deconseille", level_with_waivers="deconseille",
                   reasons={"fr": ({"title": "Traceur publicitaire"},),
                            "en": ({"title": "Advertising tracker"},)})
    [reason] = run(seen)
    assert (reason.code, reason.severity, reason.line) == ("level-worse", FAIL, 3)
    assert "Traceur publicitaire" in reason.text("fr")
    assert "Advertising tracker" in reason.text("en") and "« Déconseillé »" in reason.text("fr")


def test_a_better_level_passes() -> None:
    assert run(changed(level="recommande", level_with_waivers="recommande")) == []


def test_a_waiver_shows_the_level_it_hides() -> None:
    seen = changed(level="deconseille", waived_rules=("SEC-002",))
    [reason] = run(seen)
    assert (reason.code, reason.severity) == ("waivers-applied", INFO)
    assert "SEC-002" in reason.text("fr")


def test_a_waiver_with_nothing_to_waive_is_noted() -> None:
    [reason] = run(changed(waivable_rules=frozenset()))
    assert (reason.code, reason.severity, reason.line, reason.subject) == (
        "waiver-unused", INFO, 8, "SEC-002")


@pytest.mark.parametrize(("strict", "severity"), [(False, WARN), (True, FAIL)])
def test_to_be_verified_warns_and_fails_when_strict(strict: bool, severity: str) -> None:
    [reason] = run(changed(level="a-verifier", level_with_waivers="a-verifier"), strict=strict)
    assert (reason.code, reason.severity) == ("level-unknown", severity)


def test_new_tracker_fails_and_is_not_reported_again_as_a_third_party() -> None:
    seen = changed(tracker_domains=("stats.pad.example", "www.googletagmanager.com"),
                   third_party_domains=("cdn-pad.example", "googletagmanager.com",
                                        "fonts.example"))
    reasons = run(seen)
    assert [(r.code, r.severity, r.subject, r.line) for r in reasons] == [
        ("new-tracker", FAIL, "www.googletagmanager.com", 13),
        ("new-third-party", WARN, "fonts.example", 12),
    ]


def test_hosting_outside_the_eea_fails_inside_warns() -> None:
    seen = changed(hosting_countries=("DE", "FR", "US"), seen_countries=("DE", "FR", "US"),
                   hosting_providers=("OVHcloud", "Amazon"))
    reasons = run(seen)
    assert [(r.code, r.severity, r.subject) for r in reasons] == [
        ("hosting-changed", WARN, "DE"),
        ("hosting-non-eea", FAIL, "US"),
        ("provider-changed", WARN, "Amazon"),
    ]
    assert {r.line for r in reasons if r.code.startswith("hosting")} == {10}


def test_a_non_eea_country_fails_even_when_the_full_list_is_unknown() -> None:
    seen = changed(hosting_countries=None, seen_countries=("US",), hosting_providers=None)
    assert codes(run(seen)) == ["hosting-non-eea", "hosting-unknown"]
    assert codes(run(seen), FAIL) == ["hosting-non-eea"]


@pytest.mark.parametrize(("strict", "severity"), [(False, WARN), (True, FAIL)])
def test_hosting_no_longer_known_cannot_be_compared(strict: bool, severity: str) -> None:
    seen = changed(hosting_countries=None, seen_countries=(), hosting_providers=None)
    [reason] = run(seen, strict=strict)
    assert (reason.code, reason.severity) == ("hosting-unknown", severity)


def test_changed_dpa_fails_on_its_pinned_line() -> None:
    docs = (dict(DOCS[0], text_hash="sha256:9"), DOCS[1])
    [reason] = run(changed(documents=docs))
    assert (reason.code, reason.severity, reason.line) == ("document-changed", FAIL, 15)
    assert reason.subject == "dpa https://pad.example/dpa"


def test_a_moved_document_with_the_same_text_is_only_noted() -> None:
    docs = (dict(DOCS[0], url="https://legal.pad.example/dpa"), DOCS[1])
    [reason] = run(changed(documents=docs))
    assert (reason.code, reason.severity) == ("document-moved", INFO)


def test_a_missing_document_fails_an_unread_one_warns() -> None:
    assert codes(run(changed(documents=(DOCS[1],)))) == ["document-missing"]
    seen = changed(documents=(DOCS[1],), documents_not_read=frozenset({DOCS[0]["url"]}))
    assert [(r.code, r.severity) for r in run(seen)] == [("document-unread", WARN)]


def test_a_new_normalisation_version_is_one_reason_not_every_document() -> None:
    docs = tuple(dict(d, text_hash="sha256:new", text_hash_version="2") for d in DOCS)
    [reason] = run(changed(documents=docs))
    assert (reason.code, reason.severity, reason.subject) == ("normalisation-changed", WARN,
                                                              "1->2")
    assert "1 → 2" in reason.text("fr")
    assert run(changed(documents=docs), strict=True)[0].severity == FAIL


def test_a_new_document_type_is_noted() -> None:
    extra = {"type": "terms", "url": "https://pad.example/cgu", "text_hash": "sha256:3",
             "text_hash_version": "1"}
    assert [(r.code, r.severity) for r in run(changed(documents=(*DOCS, extra)))] == [
        ("document-new", INFO)]


def test_expired_approval_and_waiver_fail_on_their_lines() -> None:
    reasons = run(today=dt.date(2027, 1, 2))
    assert [(r.code, r.severity, r.line) for r in reasons] == [
        ("approval-expired", FAIL, 6),
        ("waiver-expired", FAIL, 8),
    ]
    # The last day is still valid; a review coming soon is noted.
    assert [(r.code, r.severity) for r in run(today=dt.date(2026, 12, 20))] == [
        ("approval-due", INFO), ("waiver-expired", FAIL)]


def test_without_a_baseline_only_the_level_and_dates_are_checked() -> None:
    entry = tool(LIST.split("    baseline:")[0])
    [reason] = run(changed(tracker_domains=("ads.example",)), entry=entry)
    assert (reason.code, reason.severity, reason.line) == ("no-baseline", WARN, 2)
    assert run(entry=entry, strict=True)[0].severity == FAIL


def test_no_observation_still_checks_dates() -> None:
    assert codes(run(None, today=dt.date(2027, 2, 1))) == ["approval-expired", "waiver-expired"]


def test_every_code_is_documented() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "ci-gate.md").read_text(encoding="utf-8")
    source = (Path(__file__).parents[2] / "rgpd_check" / "gate").rglob("*.py")
    used = set()
    for path in source:
        text = path.read_text(encoding="utf-8")
        used |= {code for code in CODES if f'"{code}"' in text and path.name != "codes.py"}
    assert used == set(CODES)
    assert [code for code in CODES if f"`{code}`" not in docs] == []
