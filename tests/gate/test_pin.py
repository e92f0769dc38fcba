"""Writing baselines into a hand-written list: only `baseline:` blocks change."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from rgpd_check.errors import InputError
from rgpd_check.gate import parse_approved
from rgpd_check.gate.pin import baseline_from, rewrite_baselines

LIST = """\
# Outils approuvés — académie d'exemple
version: 1
tools:
  # Mur collaboratif
  - id: pad
    accepted_level: precautions   # voté en commission
    approved_by: DANE
    approved_on: 2026-01-01
    review_by: 2027-01-01
    baseline:  # ancienne référence
      tracker_domains: [old.example]
      # commentaire dans l'ancienne référence
      documents: []

  # Quiz
  - name: Quiz
    url: https://quiz.example/
    accepted_level: recommande
    approved_by: DANE
    approved_on: 2026-01-01
    review_by: 2027-01-01
# fin de liste"""

BASELINE: dict[str, Any] = {
    "pinned_on": dt.date(2026, 2, 1),
    "audit": "20260201T000000Z",
    "level": "precautions",
    "rules_version": "1.0",
    "rgpd_check_version": "0.1.0",
    "hosting_countries": ["FR"],
    "hosting_providers": None,
    "third_party_domains": [],
    "tracker_domains": ["stats.example"],
    "documents": [{"type": "dpa", "url": "https://quiz.example/dpa", "text_hash": "sha256:ab",
                   "text_hash_version": "1"}],
}


def parse(text: str) -> Any:
    return parse_approved(text, Path("approved.yaml"), "approved.yaml")


def test_replaces_and_adds_baselines_keeping_everything_else() -> None:
    text = rewrite_baselines(LIST, {0: BASELINE, 1: BASELINE}, "approved.yaml")
    pad, quiz = parse(text).tools
    for tool in (pad, quiz):
        assert tool.baseline.tracker_domains == ("stats.example",)
        assert tool.baseline.hosting_countries == ("FR",)
        assert tool.baseline.hosting_providers is None
        assert tool.baseline.documents[0].text_hash_version == "1"
        assert tool.baseline.pinned_on == dt.date(2026, 2, 1)
    assert "old.example" not in text and "commentaire dans l'ancienne" not in text
    for kept in ("# Outils approuvés", "# voté en commission", "  # Quiz\n", "# fin de liste",
                 "  # Mur collaboratif\n"):
        assert kept in text
    # Lines outside the baseline blocks are untouched and in order.
    outside = [line for line in LIST.splitlines() if not line.startswith("      ")
               and "baseline" not in line]
    assert [line for line in text.splitlines() if line in outside] == outside
    # The quiz's baseline comes right after its last key, before the closing comment.
    assert text.index("review_by: 2027-01-01\n    baseline:", text.index("name: Quiz")) > 0


def test_pinning_twice_gives_the_same_text() -> None:
    once = rewrite_baselines(LIST, {0: BASELINE, 1: BASELINE}, "approved.yaml")
    assert rewrite_baselines(once, {0: BASELINE, 1: BASELINE}, "approved.yaml") == once


def test_only_the_chosen_tool_changes() -> None:
    text = rewrite_baselines(LIST, {1: BASELINE}, "approved.yaml")
    assert parse(text).tools[0].baseline.tracker_domains == ("old.example",)


def test_baseline_as_first_key_of_the_entry() -> None:
    text = ("tools:\n  - baseline: {}\n    id: pad\n    accepted_level: recommande\n"
            "    approved_by: x\n    approved_on: 2026-01-01\n    review_by: 2027-01-01\n")
    new = rewrite_baselines(text, {0: BASELINE}, "approved.yaml")
    assert parse(new).tools[0].baseline.audit == "20260201T000000Z"
    assert new.endswith("    review_by: 2027-01-01\n")


def test_a_flow_style_entry_cannot_be_pinned() -> None:
    text = ("tools:\n  - {id: pad, accepted_level: recommande, approved_by: x,"
            " approved_on: 2026-01-01, review_by: 2027-01-01}\n")
    with pytest.raises(InputError, match=r"approved.yaml:2: write this tool as a block mapping"):
        rewrite_baselines(text, {0: BASELINE}, "approved.yaml")


def test_baseline_from_a_report_keeps_unknown_hosting_unknown() -> None:
    report = {
        "computed_level": "a-verifier",
        "rules_version": "2026.1",
        "summary": {
            "hosting_countries": [],
            "third_party_domains": ["b.example", "a.example", "a.example"],
            "tracker_domains": [],
            "documents": [
                {"type": "terms", "url": "https://x/cgu", "text_hash": "h2",
                 "text_hash_version": "1"},
                {"type": "dpa", "url": "https://x/dpa", "text_hash": "h1",
                 "text_hash_version": "1"},
            ],
        },
    }
    baseline = baseline_from(report, {"hosting": {"hosts": []}}, "20260101T000000Z",
                             dt.date(2026, 1, 2))
    assert baseline["hosting_countries"] is None and baseline["hosting_providers"] is None
    assert baseline["third_party_domains"] == ["a.example", "b.example"]
    assert [d["type"] for d in baseline["documents"]] == ["dpa", "terms"]
    located = baseline_from(report, {"hosting": {"tool_countries": ["FR"], "tool_providers": []}},
                            "x", dt.date(2026, 1, 2))
    assert located["hosting_countries"] == ["FR"] and located["hosting_providers"] == []
