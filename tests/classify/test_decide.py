"""The level policy on synthetic findings: reachability, gaps, context, override, actions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rgpd_check.classify import classify, default_policy, parse_policy
from rgpd_check.resources import data_path
from tests.classify.helpers import ADS, AGE, CDN, DPA, JURISDICTION, facts, finding

STANCE = {
    "who": "Ministère (fictif)",
    "what": "Cesser tout usage avec les élèves.",
    "source": "https://www.education.example/position",
    "date": "2020-04-10",
    "level": "a-proscrire",
}


def rules_of(result: object) -> list[str]:
    return [r["rule"] for r in result.reasons]  # type: ignore[attr-defined]


# -- every level is reachable ----------------------------------------------------------------


def test_recommande_needs_a_state_operator() -> None:
    result = classify([finding("SEC-010", "info", kind="safeguard")], facts(operator="state"))
    assert result.level == "recommande"
    assert rules_of(result)[:2] == ["policy:recommended-basis", "SEC-010"]
    assert result.reasons[0]["effect"] == "basis"


def test_without_a_basis_the_best_is_precautions() -> None:
    result = classify([], facts(operator="company"))
    assert result.level == "precautions"
    assert result.reasons == [
        {
            "rule": "policy:recommended-basis",
            "title": default_policy().recommended_basis.explain["fr"],  # type: ignore[union-attr]
            "effect": "ceiling",
        }
    ]


def test_an_education_contract_safeguard_is_a_basis(tmp_path: object) -> None:
    text = data_path("levels.yaml").read_text(encoding="utf-8")
    text = text.replace("    rules: []\n", "    rules: [DPA-099]\n")
    policy = parse_policy(text)
    contract = finding("DPA-099", "info", kind="safeguard")
    assert classify([contract], facts(), policy=policy).level == "recommande"
    assert classify([contract], facts()).level == "precautions"


@pytest.mark.parametrize(
    ("severity", "level"),
    [
        ("minor", "precautions"),
        ("major", "deconseille"),
        ("critical", "deconseille"),
        ("blocker", "a-proscrire"),
    ],
)
def test_severity_gives_the_base_level(severity: str, level: str) -> None:
    result = classify([finding("SEC-001", severity)], facts())
    assert result.level == level
    assert rules_of(result) == ["SEC-001"]
    assert result.reasons[0]["effect"] == "decisive"


def test_info_risks_never_lower_the_level() -> None:
    assert classify([finding("HOST-011", "info")], facts(operator="state")).level == "recommande"


# -- gaps ------------------------------------------------------------------------------------


def test_an_unknown_that_could_worsen_gives_a_verifier_with_the_range() -> None:
    result = classify([finding("HOST-001", "major", "unknown")], facts())
    assert result.level == result.computed_level == "a-verifier"
    assert (result.best_case, result.worst_case) == ("precautions", "deconseille")
    assert rules_of(result) == ["HOST-001", "policy:range"]
    assert "« Utilisable avec précautions » à « Déconseillé »" in result.reasons[-1]["title"]
    assert result.actions[0] == "Vérifier : « Constat HOST-001 » (HOST-001)."


def test_an_unknown_that_cannot_change_the_level_is_no_gap() -> None:
    found = [finding("SEC-002", "minor"), finding("SEC-008", "minor", "unknown")]
    result = classify(found, facts())
    assert result.level == "precautions"


def test_serious_evidence_concludes_despite_gaps() -> None:
    found = [finding("SEC-001", "major"), finding("MIN-004", "blocker", "unknown")]
    result = classify(found, facts())
    assert result.level == "deconseille"
    assert any("MIN-004" in action for action in result.actions)  # still worth checking


def test_unknown_safeguards_and_minor_thresholds() -> None:
    assert (
        classify(
            [finding("DPA-002", "info", "unknown", kind="safeguard")], facts(operator="state")
        ).level
        == "recommande"
    )


def test_a_rule_whose_precondition_failed_does_not_apply() -> None:
    clause = finding("DPA-015", "major", "unknown", reads=(DPA,), precondition_failed=True)
    assert classify([clause], facts()).level == "precautions"
    text = data_path("levels.yaml").read_text(encoding="utf-8")
    strict = parse_policy(
        text.replace("precondition_failed: not_applicable", "precondition_failed: unknown")
    )
    assert classify([clause], facts(), policy=strict).level == "a-verifier"


def test_incomplete_collection() -> None:
    result = classify([], facts(complete=False))
    assert result.level == "a-verifier"
    assert rules_of(result) == ["COLLECTION", "policy:range"]
    assert any("documents que l’audit n’a pas pu lire" in a for a in result.actions)
    assert classify([finding("SEC-001", "major")], facts(complete=False)).level == "deconseille"


def test_an_unreadable_key_document_is_a_gap() -> None:
    assert classify([], facts(unreadable=("privacy_policy",))).level == "a-verifier"
    assert classify([], facts(unreadable=("cookie_policy",))).level == "precautions"


# -- context ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("audience", "level", "explained"),
    [
        ("pupils-accounts", "deconseille", None),
        ("pupils-anonymous", "precautions", "policy:no-pupil-data-contract"),
        ("teachers", "precautions", "policy:no-pupil-data-contract"),
    ],
)
def test_a_missing_contract_weighs_with_pupils_data(
    audience: str, level: str, explained: str | None
) -> None:
    result = classify([finding("DPA-003", "major", reads=(DPA,))], facts(audience))
    assert result.level == level
    if explained:
        assert explained in rules_of(result)
        assert "DPA-003" in rules_of(result)  # still shown as what drives the precautions


def test_age_limit_is_a_precaution_without_accounts() -> None:
    age = finding("MIN-001", "major", reads=(AGE,))
    assert classify([age], facts("pupils-accounts")).level == "deconseille"
    assert classify([age], facts("pupils-anonymous")).level == "precautions"


def test_minors_rules_do_not_apply_to_teachers() -> None:
    result = classify([finding("MIN-003", "major", reads=(AGE,))], facts("teachers"))
    assert result.level == "precautions"
    assert "policy:teachers-only-minors" in rules_of(result)
    assert result.reasons[-1]["effect"] == "not_applicable"


def test_jurisdiction_weighs_with_pupils_data() -> None:
    host = finding("HOST-002", "major", reads=(JURISDICTION,))
    assert classify([host], facts("pupils-accounts")).level == "deconseille"
    assert classify([host], facts("teachers")).level == "precautions"


def test_a_cdn_is_weaker_than_hosting_abroad() -> None:
    assert classify([finding("HOST-003", "major", reads=(CDN,))], facts()).level == "precautions"
    both = finding("HOST-099", "major", reads=(CDN, "hosting.tool_non_eea_countries"))
    assert classify([both], facts()).level == "deconseille"


def test_commercial_exploitation_is_never_capped_and_is_raised_with_pupils() -> None:
    ads = finding("MIN-005", "blocker", reads=(ADS,))
    assert classify([ads], facts("pupils-anonymous")).level == "a-proscrire"
    minor_ads = finding("TRK-099", "minor", reads=(ADS,))
    raised = classify([minor_ads], facts("pupils-anonymous"))
    assert raised.level == "deconseille"
    assert "policy:commercial-with-pupils" in rules_of(raised)
    assert classify([minor_ads], facts("teachers")).level == "precautions"


def test_state_operator_needs_no_vendor_contract_nor_age_of_consent() -> None:
    found = [finding("DPA-003", "major", reads=(DPA,)), finding("MIN-002", "major", reads=(AGE,))]
    state = classify(found, facts("pupils-accounts", "ecole", operator="state"))
    assert state.level == "recommande"
    assert {"policy:state-operator-contract", "policy:state-operator-age"} <= set(rules_of(state))
    assert (
        classify(found, facts("pupils-accounts", "ecole", operator="association")).level
        == "deconseille"
    )


def test_state_operator_does_not_redeem_advertising() -> None:
    ads = finding("TRK-001", "critical", reads=("trackers.advertising",))
    assert classify([ads], facts(operator="state")).level == "deconseille"


def test_groups_are_found_from_the_rule_set_too() -> None:
    from rgpd_check.rules import load_rules

    ruleset = load_rules([])
    rule = ruleset.by_id["DPA-003"]
    bare = finding("DPA-003", "major", reads=())  # no trace: only the rule says what it reads
    assert classify([bare], facts("teachers"), rules=ruleset).level == "precautions"
    assert classify([bare], facts("teachers")).level == "deconseille"
    assert rule.family == "dpa"


# -- override and actions --------------------------------------------------------------------


def test_official_stance_overrides_and_keeps_the_computed_level() -> None:
    result = classify([finding("SEC-002", "minor")], facts(), stance=STANCE)
    assert (result.level, result.computed_level) == ("a-proscrire", "precautions")
    assert result.override == STANCE
    assert result.actions[0].startswith(
        "Respecter la position officielle (Ministère (fictif), 2020-04-10)"
    )
    assert "Ne pas utiliser l’outil avec les élèves" in result.actions[1]


def test_stance_may_come_from_the_facts() -> None:
    document = facts()
    document["context"]["stance"] = STANCE
    assert classify([], document).override == STANCE


def test_actions_are_concrete_and_deduplicated() -> None:
    found = [finding("SEC-002", "minor"), finding("SEC-008", "minor")]
    found.append(finding("SEC-009", "minor"))
    twice = classify(found + found, facts("pupils-anonymous"))
    assert len(twice.actions) == len(set(twice.actions))
    assert twice.actions[0].startswith("Garder les élèves anonymes")
    assert "Action pour SEC-002." in twice.actions


def test_english() -> None:
    result = classify([finding("HOST-001", "major", "unknown")], facts(), "en")
    assert result.actions[0] == "Check: “Finding HOST-001” (HOST-001)."
    assert "“Use with precautions” to “Not recommended”" in result.reasons[-1]["title"]


# -- properties ------------------------------------------------------------------------------

SEVERITIES = st.sampled_from(["info", "minor", "major", "critical", "blocker"])
READS = st.sampled_from([ADS, DPA, AGE, JURISDICTION, CDN, "security.hsts"])
FINDINGS = st.lists(
    st.builds(
        lambda i, sev, res, kind, reads: finding(
            f"SEC-{i:03d}", sev, res, kind=kind, reads=(reads,)
        ),
        st.integers(0, 999),
        SEVERITIES,
        st.sampled_from(["match", "no_match", "unknown"]),
        st.sampled_from(["risk", "risk", "safeguard"]),
        READS,
    ),
    max_size=8,
)
CONTEXTS = st.tuples(
    st.sampled_from(["teachers", "pupils-anonymous", "pupils-accounts"]),
    st.sampled_from(["ecole", "college", "lycee"]),
    st.sampled_from([None, "state", "company"]),
    st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(FINDINGS, CONTEXTS)
def test_unknowns_are_never_green(found: list, context: tuple) -> None:  # type: ignore[type-arg]
    audience, level, operator, complete = context
    result = classify(found, facts(audience, level, operator=operator, complete=complete))
    # Unknowns outside every policy group: nothing may set them aside (a State operator makes
    # contract rules "not applicable", which is no gap).
    blocking = [
        f
        for f in found
        if f.kind == "risk"
        and f.result == "unknown"
        and f.severity != "info"
        and f.trace[0].startswith("security.")
    ]
    if result.level == "recommande":
        assert complete and not blocking
    if not complete:
        assert result.level != "recommande" and result.level != "precautions"
    assert result.computed_level == result.level  # no stance given
    assert result.reasons or result.level == "a-verifier"


@settings(max_examples=200, deadline=None)
@given(FINDINGS, CONTEXTS)
def test_a_new_match_never_improves_the_level(found: list, context: tuple) -> None:  # type: ignore[type-arg]
    """Monotony: adding a matched risk to graded evidence never makes the level better."""
    audience, level, operator, _ = context
    document = facts(audience, level, operator=operator)
    policy = default_policy()
    before = classify(found, document)
    after = classify([*found, finding("SEC-998", "major")], document)
    if before.level != "a-verifier" and after.level != "a-verifier":
        assert policy.rank(after.level) >= policy.rank(before.level)


def test_gaps_only_a_browser_can_fill_say_so() -> None:
    keylogging = finding("TRK-004", "critical", "unknown", reads=("browser.keylogging.detected",))
    static = classify([keylogging], facts())
    assert static.level == "a-verifier"
    assert static.actions[0].startswith("Relancer l’audit avec un navigateur (--browser)")
    ran = facts()
    ran["browser"] = {"ran": True}
    assert classify([keylogging], ran).actions[0].startswith("Vérifier")


def test_actions_of_a_serious_level_are_the_serious_ones() -> None:
    result = classify([finding("SEC-001", "major"), finding("SEC-002", "minor")], facts())
    assert result.level == "deconseille"
    assert "Action pour SEC-001." in result.actions
    assert "Action pour SEC-002." not in result.actions
    assert result.actions[0].startswith("Préférer une alternative")


def test_a_site_never_reached_has_no_range() -> None:
    dead = facts(complete=False)
    dead["crawl"]["entry_reachable"] = False
    result = classify([], dead)
    assert result.level == "a-verifier"
    assert rules_of(result) == ["COLLECTION"]
