"""The approved-list format: what it accepts, and `file:line:col` for every mistake."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rgpd_check.gate import ApprovedListError, load_approved, parse_approved
from rgpd_check.report import slugify

GOOD = """\
version: 1
academy: Académie d'exemple
defaults:
  context: {audience: pupils-accounts, school_levels: [college]}
tools:
  - id: digipad
    accepted_level: precautions
    context:
      school_levels: [lycee, ecole]
    conditions:
      - "DPA signé le 2025-09-01"
      - comptes enseignants uniquement
    approved_by: DANE — M. Martin
    approved_on: 2025-09-15
    review_by: "2026-09-15"
    waivers:
      - finding: SEC-002
        until: 2026-03-01
        reason: l'éditeur ajoute HSTS (courriel du 2025-09-10)
  - name: Quiz Classe (édition 2)
    url: https://quiz.example/
    accepted_level: recommande
    approved_by: DANE
    approved_on: 2025-10-01
    review_by: 2026-10-01
    baseline:
      pinned_on: 2025-10-01
      audit: 20251001T101500Z
      hosting_countries: null
      hosting_providers: [OVHcloud]
      tracker_domains: []
      third_party_domains: [cdn.example]
      documents:
        - {type: dpa, url: "https://quiz.example/dpa", text_hash: "sha256:ab",
           text_hash_version: "1"}
"""


def parse(text: str) -> object:
    return parse_approved(text, Path("approved.yaml"), "approved.yaml")


def problems(text: str) -> list[str]:
    with pytest.raises(ApprovedListError) as info:
        parse(text)
    return [str(p) for p in info.value.problems]


def test_a_complete_list_is_read_with_lines_and_defaults() -> None:
    approved = parse(GOOD)
    digipad, quiz = approved.tools  # type: ignore[attr-defined]
    assert approved.academy == "Académie d'exemple"  # type: ignore[attr-defined]
    assert digipad.id == digipad.catalog_id == "digipad" and digipad.line == 6
    assert digipad.context.audience == "pupils-accounts"  # from the defaults
    assert digipad.context.school_level == "ecole"  # the youngest pupils
    assert digipad.review_by == dt.date(2026, 9, 15)  # a quoted date is a date too
    assert digipad.conditions == ("DPA signé le 2025-09-01", "comptes enseignants uniquement")
    [waiver] = digipad.waivers
    assert (waiver.finding, waiver.until, waiver.line) == ("SEC-002", dt.date(2026, 3, 1), 17)
    assert digipad.line_of("accepted_level") == 7 and digipad.baseline is None
    # A tool given by URL + name maps to the report folder as `catalog audit` names it.
    assert quiz.id == slugify("Quiz Classe (édition 2)") == "quiz-classe-edition-2"
    assert quiz.catalog_id is None and quiz.urls == ("https://quiz.example/",)
    assert quiz.baseline.hosting_countries is None
    assert quiz.baseline.hosting_providers == ("OVHcloud",)
    assert quiz.baseline.documents[0].line == 34
    assert quiz.baseline.line_of("tracker_domains") == 31


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tools:\n  - id: pad\n    acepted_level: recommande\n",
         "approved.yaml:3:5: tool: unknown key 'acepted_level' (did you mean 'accepted_level'?)"),
        ("tools:\n  - id: pad\n    accepted_level: a-verifier\n",
         "approved.yaml:3:21: accepted_level: 'a-verifier' is not one of recommande, precautions,"
         " deconseille, a-proscrire ('a-verifier' means not yet decided: it cannot be accepted)"),
        ("tools:\n  - id: pad\n    accepted_level: precaution\n",
         "(did you mean 'precautions'?)"),
        ("tools:\n  - id: pad\n    approved_on: 2025-13-01\n",
         "approved.yaml:3:18: impossible date '2025-13-01' (YYYY-MM-DD)"),
        ("tools:\n  - id: pad\n    approved_on: 1 sept. 2025\n",
         "approved.yaml:3:18: approved_on: expected a date YYYY-MM-DD, got '1 sept. 2025'"),
        ("tools:\n  - id: pad\n    approved_on: 2025-09-01 10:00:00\n",
         "approved.yaml:3:18: approved_on: expected a date YYYY-MM-DD, not a date and time"),
        ("tools:\n  - id: pad\n    approved_on: 2025-09-01\n    review_by: 2025-08-01\n",
         "approved.yaml:4:16: review_by: 2025-08-01 is before approved_on 2025-09-01"),
        ("tools:\n  - url: https://x.example/\n",
         "approved.yaml:2:5: tool: a tool given by URL needs a 'name' (it names its reports)"),
        ("tools:\n  - accepted_level: recommande\n",
         "approved.yaml:2:5: tool: give its catalog 'id', or a 'url' and a 'name'"),
        ("tools:\n  - name: X\n    url: ftp://x.example/\n",
         "approved.yaml:3:10: url: expected http(s)://host/…, got 'ftp://x.example/'"),
        ("tools:\n  - id: Digi Pad\n",
         "approved.yaml:2:9: id: 'Digi Pad' is not a catalog id"),
        ("tools:\n  - id: pad\n    waivers:\n      - finding: SEC-002\n        until: 2026-01-01\n",
         "approved.yaml:4:9: waiver: missing key 'reason'"),
        ("tools:\n  - id: pad\n    context: {audience: pupils}\n",
         "approved.yaml:3:25: audience: unknown value 'pupils'"),
        ("tools:\n  - id: pad\n    context: {school_levels: [college, primaire]}\n",
         "approved.yaml:3:40: school_levels: unknown level 'primaire'"),
        ("tools:\n  - id: pad\n    baseline: {documents: [{type: dpa}]}\n",
         "approved.yaml:3:28: document: missing key 'url'"),
        ("tools:\n  - id: pad\n    id: pad2\n",
         "approved.yaml:3:5: duplicate key 'id' (first at line 2)"),
        ("version: 2\ntools: []\n", "approved.yaml:1:10: version: only format 1 is known"),
        ("tools:\n  - id: pad\n   bad: [\n", "YAML syntax error"),
        ("academy: x\n", "approved list: missing key 'tools'"),
    ],
)
def test_each_mistake_is_reported_at_its_position(text: str, expected: str) -> None:
    found = problems(text)
    assert any(expected in p for p in found), found


def test_missing_required_keys_are_all_listed() -> None:
    found = problems("tools:\n  - id: pad\n")
    for key in ("accepted_level", "approved_by", "approved_on", "review_by"):
        assert f"approved.yaml:2:5: tool: missing key '{key}'" in found


def test_a_tool_listed_twice_points_at_both() -> None:
    entry = ("  - id: pad\n    accepted_level: recommande\n    approved_by: x\n"
             "    approved_on: 2025-01-01\n    review_by: 2026-01-01\n")
    found = problems("tools:\n" + entry + entry)
    assert found == ["approved.yaml:7:5: tool 'pad' is listed twice (first at line 2)",]


def test_problems_are_sorted_and_counted_in_the_message(tmp_path: Path) -> None:
    path = tmp_path / "approved.yaml"
    path.write_text("tools:\n  - id: pad\n    accepted_level: nope\n  - id: b\n", "utf-8")
    with pytest.raises(ApprovedListError) as info:
        load_approved(path)
    lines = str(info.value).splitlines()
    assert lines[-1].startswith(f"{len(info.value.problems)} erreur(s)")
    assert lines[:-1] == sorted(lines[:-1], key=lambda line: int(line.split(":")[1]))
    assert info.value.exit_code == 2
