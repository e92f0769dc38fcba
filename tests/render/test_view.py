"""Grouping and ordering shared by the HTML and Markdown reports."""

from __future__ import annotations

from typing import Any

from rgpd_check.render.view import FAMILIES, build_view, group_findings, status_key


def _finding(rule: str, family: str, kind: str, result: str, severity: str) -> dict[str, Any]:
    return {"rule": rule, "family": family, "kind": kind, "result": result, "severity": severity}


def test_groups_in_family_order_worst_first() -> None:
    findings = [
        _finding("TRK-002", "trackers", "risk", "match", "minor"),
        _finding("HOST-003", "hosting", "risk", "match", "minor"),
        _finding("HOST-002", "hosting", "risk", "match", "blocker"),
        _finding("HOST-009", "hosting", "risk", "unknown", "major"),
        _finding("HOST-004", "hosting", "safeguard", "match", "info"),
        _finding("HOST-001", "hosting", "risk", "no_match", "major"),
        _finding("HOST-005", "hosting", "safeguard", "no_match", "info"),
        _finding("HOST-006", "hosting", "safeguard", "unknown", "info"),
    ]
    families = group_findings(findings)
    assert [f.id for f in families] == list(FAMILIES)
    hosting = families[0]
    assert [f["rule"] for f in hosting.risks] == ["HOST-002", "HOST-003"]
    assert [f["rule"] for f in hosting.unknowns] == ["HOST-009", "HOST-006"]
    assert [f["rule"] for f in hosting.safeguards] == ["HOST-004"]
    assert [f["rule"] for f in hosting.passed] == ["HOST-001", "HOST-005"]
    assert families[1].empty


def test_unknown_family_is_kept_last() -> None:
    families = group_findings([_finding("XYZ-001", "newfamily", "risk", "match", "major")])
    assert families[-1].id == "newfamily" and families[-1].risks


def test_status_keys() -> None:
    assert status_key(_finding("A-001", "dpa", "risk", "match", "x")) == "finding.status_risk_match"
    assert (
        status_key(_finding("A-001", "dpa", "safeguard", "unknown", "x"))
        == "finding.status_unknown"
    )


def test_computed_level_visible_only_when_replaced(
    report: dict[str, Any], override_report: dict[str, Any]
) -> None:
    assert not build_view(report).show_computed
    assert build_view(override_report).show_computed
    assert build_view(override_report).overridden


def test_counts(report: dict[str, Any]) -> None:
    view = build_view(report)
    assert (view.count("risks"), view.count("unknowns"), view.count("safeguards")) == (4, 1, 2)
    assert [f["rule"] for f in view.all_risks] == ["HOST-002", "MIN-001", "TRK-001", "TRK-004"]
