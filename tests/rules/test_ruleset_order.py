"""``RuleSet.ordered``: the evaluation order is kept between calls, and follows changes."""

from __future__ import annotations

import dataclasses

from rgpd_check.rules import RuleSet, load_rules


def _plain_order(ruleset: RuleSet) -> list[str]:
    return [rule.id for rule in sorted(ruleset.rules, key=lambda rule: (rule.family, rule.id))]


def test_order_is_family_then_id_and_kept() -> None:
    ruleset = load_rules([], include_builtin=True)
    first = ruleset.ordered()
    assert [rule.id for rule in first] == _plain_order(ruleset)
    assert ruleset.ordered() is first


def test_order_follows_added_removed_and_replaced_rules() -> None:
    ruleset = load_rules([], include_builtin=True)
    ruleset.ordered()
    removed = ruleset.rules.pop(0)
    assert [rule.id for rule in ruleset.ordered()] == _plain_order(ruleset)
    ruleset.rules.insert(3, removed)
    assert [rule.id for rule in ruleset.ordered()] == _plain_order(ruleset)
    # An equal copy replacing a rule: the copy is what gets evaluated.
    twin = dataclasses.replace(ruleset.rules[5])
    ruleset.rules[5] = twin
    assert any(rule is twin for rule in ruleset.ordered())
    assert [rule.id for rule in ruleset.ordered()] == _plain_order(ruleset)


def test_the_kept_order_is_not_part_of_the_rule_set() -> None:
    one, two = load_rules([], include_builtin=True), load_rules([], include_builtin=True)
    one.ordered()
    assert one == two
    assert "_ordered" not in repr(one)
