"""``rules test``: outcomes and the PASS/FAIL/XFAIL report."""

from __future__ import annotations

from pathlib import Path

import pytest

from rgpd_check.rules import format_test_report, load_rules, run_tests

SELFTEST = Path(__file__).parent / "fixtures" / "good" / "selftest"


def test_outcomes_and_report(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(SELFTEST.parent)
    outcomes = run_tests(load_rules([Path("selftest")], include_builtin=False))
    assert [(o.name, o.status, o.got) for o in outcomes] == [
        ("no HSTS", "PASS", "match"),
        ("wrong on purpose", "FAIL", "no_match"),
        ("not yet", "XFAIL", "unknown"),
        ("HSTS", "PASS", "no_match"),
    ]
    assert outcomes[1].file == "selftest/security.yaml" and outcomes[1].line == 15
    assert format_test_report(outcomes).splitlines() == [
        "PASS SEC-901 [no HSTS] expected match, got match",
        "FAIL SEC-901 [wrong on purpose] expected match, got no_match",
        "    at selftest/security.yaml:15",
        "    security.hsts = True is_false → no_match",
        "XFAIL SEC-901 [not yet] expected match, got unknown",
        "PASS SEC-901 [HSTS] expected no_match, got no_match",
        "2 passed, 1 failed, 1 xfail",
    ]


def test_report_without_xfail() -> None:
    outcomes = [o for o in run_tests(load_rules()) if not o.todo]
    assert format_test_report(outcomes).splitlines()[-1] == f"{len(outcomes)} passed, 0 failed"
