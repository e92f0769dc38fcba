"""What ``rgpd-check diff`` finds between two reports of the same tool."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from rgpd_check.diff import compare, render_diff
from tests.render.conftest import load_fixture


@pytest.fixture
def old() -> dict[str, Any]:
    return load_fixture("deconseille")


@pytest.fixture
def new(old: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(old)


def finding(report: dict[str, Any], rule: str) -> dict[str, Any]:
    return next(f for f in report["findings"] if f["rule"] == rule)


def test_same_report_is_unchanged(old: dict[str, Any], new: dict[str, Any]) -> None:
    diff = compare(old, new)
    assert diff.unchanged and diff.level.direction == "same"
    assert "Aucun changement entre les deux audits." in render_diff(diff, "text", "fr")
    assert "No change between the two audits." in render_diff(diff, "md", "en")


@pytest.mark.parametrize(
    ("before", "after", "direction"),
    [
        ("precautions", "deconseille", "worse"),
        ("a-proscrire", "recommande", "better"),
        ("a-verifier", "deconseille", "not_comparable"),
        ("precautions", "a-verifier", "not_comparable"),
    ],
)
def test_level_direction(
    old: dict[str, Any], new: dict[str, Any], before: str, after: str, direction: str
) -> None:
    old["level"] = old["computed_level"] = before
    new["level"] = new["computed_level"] = after
    diff = compare(old, new)
    assert diff.level.direction == direction
    assert not diff.unchanged


def test_findings_that_changed(old: dict[str, Any], new: dict[str, Any]) -> None:
    finding(new, "HOST-001")["result"] = "match"  # was no_match: a new risk
    finding(new, "TRK-001")["result"] = "no_match"  # was match: cleared
    finding(new, "DPA-002")["result"] = "no_match"  # was unknown: settled
    finding(new, "MIN-001")["result"] = "unknown"  # was match: now to verify
    finding(new, "HOST-006")["result"] = "no_match"  # safeguard lost
    added = copy.deepcopy(finding(new, "TRK-001"))
    added.update(rule="TRK-099", result="match", title="Pixel publicitaire")
    new["findings"].append(added)
    quiet = copy.deepcopy(added)
    quiet.update(rule="TRK-098", result="no_match")
    new["findings"].append(quiet)  # a new rule that raised nothing is not news
    changes = {c.rule: (c.change, c.rule_status) for c in compare(old, new).findings}
    assert changes == {
        "HOST-001": ("new_risk", None),
        "TRK-099": ("new_risk", "added"),
        "HOST-006": ("lost_safeguard", None),
        "MIN-001": ("now_unknown", None),
        "TRK-001": ("resolved", None),
        "DPA-002": ("settled", None),
    }
    text = render_diff(compare(old, new), "text", "fr")
    assert "+ Nouveau risque (règle nouvelle)\u202f: [Majeur] TRK-099 Pixel publicitaire" in text
    assert text.index("HOST-001") < text.index("TRK-001")  # new risks first


def test_trackers_hosting_and_documents(old: dict[str, Any], new: dict[str, Any]) -> None:
    new["summary"]["tracker_domains"] = ["ads.tracker.example", "pixel.example"]
    new["summary"]["hosting_countries"] = ["FR"]
    docs = new["summary"]["documents"]
    docs[0]["text_hash"] = "sha256:" + "0" * 64
    docs.append(
        {
            "type": "dpa",
            "url": "https://quiz.example/dpa",
            "text_hash": "sha256:1",
            "text_hash_version": "1",
        }
    )
    diff = compare(old, new)
    assert diff.trackers.added == ["pixel.example"]
    assert diff.hosting_countries.added == ["FR"] and diff.hosting_countries.removed == ["US"]
    assert [(d.url.rsplit("/", 1)[-1], d.change) for d in diff.documents] == [
        ("dpa", "added"),
        ("privacy", "changed"),
    ]
    md = render_diff(diff, "md", "fr")
    assert "Politique de confidentialité <https://quiz.example/privacy>\u202f: texte modifié" in md
    assert "+ `pixel.example`" in md
    assert "− `US`" in md


def test_a_new_normalisation_is_not_a_change_of_text(
    old: dict[str, Any], new: dict[str, Any]
) -> None:
    doc = new["summary"]["documents"][0]
    doc.update(text_hash="sha256:other", text_hash_version="2")
    assert [d.change for d in compare(old, new).documents] == ["not_comparable"]


def test_notes_explain_other_causes(old: dict[str, Any], new: dict[str, Any]) -> None:
    new["context"]["audience"] = "teachers"
    new["rules_version"] = "2026.12"
    new["scope"]["browser"] = False
    new["tool"]["id"] = "autre-outil"
    kinds = [n["kind"] for n in compare(old, new).notes]
    assert kinds == ["other_tool", "context_audience", "rules_version", "browser"]
    text = render_diff(compare(old, new), "text", "fr")
    assert "Le public n’est pas le même (élèves avec comptes → enseignants seulement" in text
    assert "Le premier audit a utilisé un navigateur, pas le second" in text


def test_override_change(old: dict[str, Any], new: dict[str, Any]) -> None:
    override = load_fixture("override")["override"]
    new["override"], new["level"] = override, override["level"]
    diff = compare(old, new)
    assert diff.override == {"old": None, "new": override}
    text = render_diff(diff, "text", "en")
    assert "Official stance: official stance added" in text
    assert "Level: Not recommended → Prohibited (more severe)" in text


def test_json_is_complete_and_stable(old: dict[str, Any], new: dict[str, Any]) -> None:
    finding(new, "HOST-001")["result"] = "match"
    text = render_diff(compare(old, new), "json")
    data = json.loads(text)
    assert data["format"] == "rgpd-check-diff" and data["version"] == "1"
    assert data["level"] == {"old": "deconseille", "new": "deconseille", "direction": "same"}
    assert data["findings"][0]["rule"] == "HOST-001" and data["unchanged"] is False
    assert text == render_diff(compare(old, new), "json")


def test_markdown_escapes_report_text(old: dict[str, Any], new: dict[str, Any]) -> None:
    finding(new, "HOST-001").update(result="match", title="<script>alert(1)</script> | x")
    new["summary"]["tracker_domains"].append("`evil`")
    md = render_diff(compare(old, new), "md", "fr")
    assert "<script>" not in md and "\\<script\\>" in md
    assert "\\| x" in md


def test_unknown_format(old: dict[str, Any]) -> None:
    from rgpd_check.render import RenderError

    with pytest.raises(RenderError, match="unknown diff format"):
        render_diff(compare(old, old), "pdf")
