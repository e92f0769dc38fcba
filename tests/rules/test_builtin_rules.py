"""The built-in rules load cleanly and pass every embedded test (one case per test)."""

from __future__ import annotations

import pytest

from rgpd_check.rules import load_rules
from rgpd_check.rules.model import FAMILIES, Rule, RuleTest
from rgpd_check.rules.testing import run_test

BUILTIN = load_rules()
CASES = [(rule, test) for rule in BUILTIN.rules for test in rule.tests]


@pytest.mark.parametrize(
    ("rule", "test"), CASES, ids=[f"{rule.id}[{test.name}]" for rule, test in CASES]
)
def test_embedded(rule: Rule, test: RuleTest) -> None:
    outcome = run_test(rule, test)
    if test.todo and not outcome.passed:
        pytest.xfail(f"todo: expected {test.expect}, got {outcome.got}")
    assert outcome.passed, "\n".join([f"{outcome.file}:{outcome.line}", *outcome.trace])


def test_every_family_has_a_rule_and_each_rule_an_unknown_case() -> None:
    assert {rule.family for rule in BUILTIN.rules} == set(FAMILIES)
    for rule in BUILTIN.rules:
        assert {test.expect for test in rule.tests} >= {"match", "no_match", "unknown"}, rule.id


def test_version_and_order() -> None:
    assert BUILTIN.version == "2026.11.29"
    assert BUILTIN.replacements == []
    keys = [(rule.family, rule.id) for rule in BUILTIN.rules]
    assert keys == sorted(keys)


def test_french_texts_use_typographic_apostrophes() -> None:
    for rule in BUILTIN.rules:
        for text in (rule.title["fr"], rule.recommendation["fr"]):
            assert "'" not in text, rule.id
