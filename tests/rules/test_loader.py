"""User rules: replacement by id, --no-default-rules, version, data constants."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rgpd_check.rules import Replacement, evaluate, load_rules

GOOD = Path(__file__).parent / "fixtures" / "good"


def test_user_rule_replaces_builtin_and_adds_new(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOOD)
    ruleset = load_rules([Path("user")])
    [replacement] = ruleset.replacements
    assert isinstance(replacement, Replacement)
    assert replacement.rule_id == "HOST-001"
    assert Path(replacement.builtin_file).name == "hosting.yaml"
    assert replacement.builtin_file != replacement.user_file == "user/hosting.yaml"
    host = ruleset.by_id["HOST-001"]
    assert host.severity == "critical" and host.source_file == "user/hosting.yaml"
    assert "HOST-901" in ruleset.by_id and "SEC-001" in ruleset.by_id
    assert re.fullmatch(r"2026\.11\.29\+local\.[0-9a-f]{8}", ruleset.version)


def test_only_user_rules() -> None:
    ruleset = load_rules([GOOD / "user" / "hosting.yaml"], include_builtin=False)
    assert [rule.id for rule in ruleset.rules] == ["HOST-001", "HOST-901"]
    assert ruleset.replacements == []
    assert ruleset.version.startswith("0+local.")


def test_version_changes_with_user_rule_content(tmp_path: Path) -> None:
    copy = tmp_path / "hosting.yaml"
    copy.write_text((GOOD / "user" / "hosting.yaml").read_text(encoding="utf-8"),
                    encoding="utf-8")
    (tmp_path / "data").mkdir()
    data = (GOOD / "user" / "data" / "countries.yaml").read_text(encoding="utf-8")
    (tmp_path / "data" / "countries.yaml").write_text(data, encoding="utf-8")
    first = load_rules([tmp_path], include_builtin=False).version
    copy.write_text(copy.read_text(encoding="utf-8").replace("critical", "blocker"),
                    encoding="utf-8")
    assert load_rules([tmp_path], include_builtin=False).version != first


def test_data_constants_with_where_and_select() -> None:
    ruleset = load_rules([GOOD / "user"], include_builtin=False)
    leaf = ruleset.by_id["HOST-901"].when
    assert getattr(leaf, "value", None) == ["CH"]
    findings = evaluate(ruleset, {"hosting": {"tool_countries": ["NO"],
                                              "tool_non_eea_countries": ["CH"]}})
    assert [(f.rule, f.result) for f in findings] == [("HOST-001", "no_match"),
                                                      ("HOST-901", "match")]


def test_data_folder_is_not_read_as_rules() -> None:
    ruleset = load_rules([GOOD / "user"], include_builtin=False)
    assert [path.name for path in ruleset.files] == ["hosting.yaml"]


def test_empty_user_folder(tmp_path: Path) -> None:
    ruleset = load_rules([tmp_path])
    assert ruleset.version == "2026.11.29"
    assert len(ruleset.rules) == len(load_rules().rules)


def test_empty_rule_list_and_file_named_twice(tmp_path: Path) -> None:
    (tmp_path / "dpa.yaml").write_text("family: dpa\nrules: []\n", encoding="utf-8")
    ruleset = load_rules([tmp_path, tmp_path / "dpa.yaml"], include_builtin=False)
    assert ruleset.rules == [] and len(ruleset.files) == 1


def test_requires_is_validated_like_when(tmp_path: Path) -> None:
    from rgpd_check.rules import RuleLoadError

    text = (GOOD / "selftest" / "security.yaml").read_text(encoding="utf-8").replace(
        "    when:", "    requires: {fact: security.https, op: is_ture}\n    when:")
    (tmp_path / "security.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(RuleLoadError) as caught:
        load_rules([tmp_path], include_builtin=False)
    assert [e.message for e in caught.value.errors] == [
        "SEC-901: requires.op: unknown operator 'is_ture' (did you mean 'is_true'?)"]
