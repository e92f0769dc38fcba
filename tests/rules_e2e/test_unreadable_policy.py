"""A privacy policy that could not be read (robots.txt, HTTP 500) never yields "compliant".

The rules that need the policy are unknown, never no_match, and the level is "à vérifier".
"""

from __future__ import annotations

import pytest

from rgpd_check.rules import RuleSet
from rgpd_check.rules.model import Rule, leaves
from tests.rules_e2e.conftest import READER, Audited, AuditFn

# Absence-based rules whose answer is in the privacy policy.
NEED_POLICY = ["DPA-001", "DPA-003", "DPA-017", "DPA-018", "DPA-019", "DPA-022", "MIN-002",
               "MIN-007"]


@pytest.fixture(params=["robots", "error"])
def discret(request: pytest.FixtureRequest, audited: AuditFn) -> Audited:
    return audited(f"discret-{request.param}")


def test_the_policy_is_recorded_as_unreadable(discret: Audited) -> None:
    facts = discret.facts
    assert facts["crawl"]["complete"] is False
    assert facts["documents"]["types_unreadable"] == ["privacy_policy"]
    assert "privacy_policy" not in facts["documents"]["types"]


@pytest.mark.parametrize("rule", NEED_POLICY)
def test_rules_needing_the_policy_are_unknown(discret: Audited, rule: str) -> None:
    assert discret.result_of(rule) == "unknown", discret.explain(rule)


# Rules guarded by the policy (or a complete crawl) that may still conclude no_match here,
# because what they need was found elsewhere.
EXPLAINED_NO_MATCH = {
    "DPA-004": "pupils have accounts: DPA-003 is the rule for this context",
    "DPA-016": "the legal notice names the publisher",
    "DPA-021": "the documents that could be read are in French",
}


def _guarded_by_the_policy(rule: Rule) -> bool:
    if rule.requires is None or rule.family not in ("dpa", "minors"):
        return False
    return any(leaf.fact == "crawl.complete" or leaf.value == "privacy_policy"
               for leaf in leaves(rule.requires))


def test_every_rule_guarded_by_the_policy_is_unknown_or_explained(
    discret: Audited, builtin_rules: RuleSet
) -> None:
    guarded = [rule.id for rule in builtin_rules.rules if _guarded_by_the_policy(rule)]
    assert set(NEED_POLICY) <= set(guarded)
    for rule in guarded:
        result = discret.result_of(rule)
        assert result == "unknown" or (result == "no_match" and rule in EXPLAINED_NO_MATCH), (
            discret.explain(rule))
    if READER:
        assert discret.result_of("DPA-016") == "no_match"


def test_level_is_never_green(discret: Audited) -> None:
    assert discret.level == "a-verifier"
