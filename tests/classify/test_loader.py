"""The policy file: the built-in one loads, mistakes point at file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from rgpd_check.classify import PolicyError, default_policy, load_policy, parse_policy
from rgpd_check.resources import data_path

BUILTIN = data_path("levels.yaml").read_text(encoding="utf-8")


def broken(old: str, new: str) -> str:
    assert old in BUILTIN, old
    return BUILTIN.replace(old, new, 1)


def errors(text: str) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, "levels.yaml")
    return caught.value.problems


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_builtin_policy() -> None:
    policy = default_policy()
    assert policy.version == "2.0"
    assert policy.order == ("recommande", "precautions", "deconseille", "a-proscrire")
    assert policy.label("a-verifier", "fr") == "À vérifier"
    assert {"commercial", "contract", "account_age", "jurisdiction", "cdn"} <= set(policy.groups)
    assert policy.protected == ("commercial",)
    assert len(policy.adjustments) >= 6
    assert all(a.explain["fr"] and a.explain["en"] for a in policy.adjustments)
    assert (
        policy.recommended_basis is not None and policy.recommended_basis.otherwise == "precautions"
    )


def test_every_knob_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "levels.md").read_text(encoding="utf-8")
    for knob in (
        "risk_levels",
        "conclusive_from",
        "unknown_blocks_from",
        "require_complete_collection",
        "key_documents",
        "precondition_failed",
        "groups",
        "protected",
        "adjustments",
        "recommended_basis",
        "actions",
        "texts",
    ):
        assert f"`{knob}`" in doc, knob
    for adjustment in default_policy().adjustments:
        assert f"`{adjustment.id}`" in doc, adjustment.id


def test_unknown_key_with_a_suggestion() -> None:
    text = broken("conclusive_from: deconseille", "conclusiv_from: deconseille")
    problems = errors(text)
    line = line_of(text, "conclusiv_from")
    hint = "(did you mean 'conclusive_from'?)"
    assert f"levels.yaml:{line}:1: unknown key 'conclusiv_from' in the policy {hint}" in problems
    assert any("missing key 'conclusive_from'" in p for p in problems)


def test_bad_level_points_at_its_value() -> None:
    text = broken("    at_most: precautions\n", "    at_most: precaution\n")
    line = line_of(text, "at_most: precaution")
    levels = "recommande, precautions, deconseille, a-proscrire"
    assert errors(text) == [
        f"levels.yaml:{line}:14: at_most must be one of {levels}, not 'precaution'"
    ]


def test_unknown_group_and_context_value() -> None:
    text = broken("select: {groups: [contract]}", "select: {groups: [contrat]}")
    text = text.replace(
        "when: {audience: [teachers, pupils-anonymous]}", "when: {audience: [teacher]}", 1
    )
    problems = errors(text)
    assert any("unknown group 'contrat' (did you mean 'contract'?)" in p for p in problems)
    assert any("when.audience: 'teacher' is not one of" in p for p in problems)


def test_missing_translation_and_unknown_placeholder() -> None:
    text = broken(
        '    fr: "Vérifier : « {title} » ({rule})."\n', '    fr: "Vérifier : « {titre} »."\n'
    )
    problems = errors(text)
    assert any("texts.check: unknown placeholder {titre}" in p for p in problems)
    text = broken(
        '  recommande: {fr: "Recommandé", en: "Recommended"}', '  recommande: {fr: "Recommandé"}'
    )
    assert any("label of recommande needs a non-empty 'en' text" in p for p in errors(text))


def test_adjustment_needs_one_effect_and_a_unique_id() -> None:
    text = broken("    at_most: precautions\n", "    at_most: precautions\n    ignore: true\n")
    assert any("exactly one of at_most, at_least, ignore" in p for p in errors(text))
    text = broken("  - id: anonymous-pupils-age", "  - id: no-pupil-data-contract")
    assert any("duplicate adjustment id 'no-pupil-data-contract'" in p for p in errors(text))


def test_order_cannot_be_changed() -> None:
    text = broken(
        "order: [recommande, precautions, deconseille, a-proscrire]",
        "order: [recommande, deconseille]",
    )
    order = "[recommande, precautions, deconseille, a-proscrire]"
    line = line_of(text, "order:")
    assert errors(text) == [f"levels.yaml:{line}:8: order must be {order} (a-verifier stays apart)"]


def test_yaml_errors_and_duplicate_keys() -> None:
    assert errors("version: [1\n")[0].startswith("levels.yaml:2:1: YAML syntax error")
    text = broken(
        "conclusive_from: deconseille\n",
        "conclusive_from: deconseille\nconclusive_from: precautions\n",
    )
    assert any("duplicate key 'conclusive_from'" in p for p in errors(text))
    assert errors("") == ["levels.yaml:1:1: empty file"]


def test_load_policy_file(tmp_path: Path) -> None:
    path = tmp_path / "academie.yaml"
    path.write_text(broken('version: "2.0"', 'version: "2.0-academie"'), encoding="utf-8")
    assert load_policy(path).version == "2.0-academie"
    with pytest.raises(PolicyError, match="unreadable policy"):
        load_policy(tmp_path / "missing.yaml")


def test_bad_policy_is_a_usage_error_in_the_cli(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "bad.yaml"
    path.write_text(
        broken("conclusive_from: deconseille", "conclusive_from: jamais"), encoding="utf-8"
    )
    run = subprocess.run(
        [sys.executable, "-m", "rgpd_check", "evaluate", str(tmp_path), "--policy", str(path)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert "bad.yaml:" in run.stderr and "conclusive_from must be one of" in run.stderr
    assert "Traceback" not in run.stderr
