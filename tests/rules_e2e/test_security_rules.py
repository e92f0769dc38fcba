"""The security family (GDPR art. 32 baseline) on fictional sites: what the site shows."""

from __future__ import annotations

import pytest

from tests.rules_e2e.conftest import AuditFn

M, N, U = "match", "no_match", "unknown"
SECURITY = [f"SEC-{n:03d}" for n in range(1, 11)]

EXPECTED: dict[str, dict[str, str]] = {
    # HTTPS only (HTTP redirects), one-year HSTS, session cookie Secure/HttpOnly/SameSite.
    "bonpad": {"SEC-001": N, "SEC-002": N, "SEC-003": N, "SEC-004": N, "SEC-005": N,
               "SEC-006": N, "SEC-007": N, "SEC-008": N, "SEC-009": N, "SEC-010": M},
    # HTTP served as is, no HSTS, login form and logo over HTTP, cookie without Secure.
    "quizmax": {"SEC-001": M, "SEC-002": M, "SEC-003": N, "SEC-004": N, "SEC-005": N,
                "SEC-006": N, "SEC-007": M, "SEC-008": M, "SEC-009": M, "SEC-010": N},
    # One-day HSTS.
    "planpad": {"SEC-002": N, "SEC-006": M, "SEC-010": N},
}

CASES = [pytest.param(site, rule, expected, id=f"{site}-{rule}")
         for site, rules in EXPECTED.items() for rule, expected in rules.items()]


@pytest.mark.parametrize(("site", "rule", "expected"), CASES)
def test_security_rule_on_fictional_site(audited: AuditFn, site: str, rule: str,
                                         expected: str) -> None:
    audit = audited(site)
    assert audit.result_of(rule) == expected, audit.explain(rule)


def test_expired_certificate(audited: AuditFn) -> None:
    perime = audited("perime")
    security = perime.facts["security"]
    assert security["https"] is False and security["tls_errors"]
    assert perime.result_of("SEC-003") == "match", perime.explain("SEC-003")
    assert perime.result_of("SEC-004") == "match", perime.explain("SEC-004")
    assert perime.result_of("SEC-010") == "no_match"
    assert perime.level not in ("recommande", "precautions")


def test_security_matches_point_to_the_recorded_exchange(audited: AuditFn) -> None:
    finding = audited("quizmax").finding("SEC-002")
    assert finding.evidence and all(ref["type"] == "http" for ref in finding.evidence)
    assert all(ref.get("warc_record_id") for ref in finding.evidence)


def test_every_security_rule_concludes_on_a_healthy_https_site(audited: AuditFn) -> None:
    results = {rule: audited("bonpad").result_of(rule) for rule in SECURITY}
    assert U not in results.values(), results
