"""Negation, conditions and scope, in French and English."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rgpd_check.analyze.documents.clauses import _blank
from rgpd_check.analyze.documents.read import read_text
from rgpd_check.analyze.documents.vocabulary import load_vocabulary


def _status(text: str, signal: str, lang: str | None = None) -> str:
    return str(read_text(text, lang=lang)["signals"][signal]["status"])


@pytest.mark.parametrize("text", [
    "Nous ne vendons jamais vos données.",
    "Nous ne vendons ni ne louons vos données personnelles.",
    "We do not sell your personal information.",
    "We never sell, rent or trade your personal information.",
    "Your personal data will never be sold.",
    "Vos données ne sont jamais vendues.",
    "The Provider shall not: (i) sell or share Personal Data within the meaning of the CCPA.",
])
def test_sale_denied_is_a_no_sale_commitment(text: str) -> None:
    signals = read_text(text)["signals"]
    assert signals["data_sale"]["status"] == "denied"
    assert signals["no_sale_commitment"]["status"] == "affirmed"
    assert signals["no_sale_commitment"]["quotes"][0]["text"]


@pytest.mark.parametrize("text", [
    "Nous pouvons vendre vos données à des partenaires.",
    "We may sell your personal information to data brokers.",
])
def test_sale_affirmed(text: str) -> None:
    assert _status(text, "data_sale") == "affirmed"


def test_ne_que_is_not_a_negation() -> None:
    signals = read_text("Nous ne partageons vos données qu'avec nos partenaires publicitaires.",
                        lang="fr")["signals"]
    assert signals["ads_partners_sharing"]["status"] == "affirmed"


def test_negation_stops_at_but() -> None:
    text = ("We do not sell your personal data, but we share it with our advertising partners "
            "to show you relevant offers.")
    signals = read_text(text)["signals"]
    assert signals["data_sale"]["status"] == "denied"
    assert signals["ads_partners_sharing"]["status"] == "affirmed"


def test_negation_inside_a_condition_is_not_a_denial() -> None:
    text = ("If the destination country does not benefit from an adequacy decision, we sign the "
            "standard contractual clauses.")
    assert _status(text, "adequacy") == "affirmed"
    assert _status("These countries do not benefit from an adequacy decision.",
                   "adequacy") == "denied"


def test_not_limited_to_is_not_a_negation() -> None:
    text = "We share data, including but not limited to identifiers, with advertisers."
    assert _status(text, "ads_partners_sharing") == "affirmed"


def test_negation_after_the_words() -> None:
    assert _status("Targeted advertising is not used on this service.",
                   "ads_targeted") == "denied"


def test_scope_of_a_limited_statement() -> None:
    signals = read_text(
        "If you use the free version, we show you personalised ads based on your activity.\n\n"
        "Pour les utilisateurs situés hors de l'EEE, les données peuvent être transférées aux "
        "États-Unis.")["signals"]
    assert signals["ads_targeted"]["status"] == "affirmed"
    assert "free version" in signals["ads_targeted"]["scope"]
    assert "hors de l'EEE" in signals["transfer_outside_eea"]["scope"]


def test_unlimited_statement_has_no_scope() -> None:
    signals = read_text("We show personalised ads. If you are a student, we show personalised "
                        "ads too.")["signals"]
    assert signals["ads_targeted"]["scope"] is None


@given(st.lists(st.sampled_from([
    "not limited to", "not only", "whether or not", "or not", "no matter", "we do not sell",
    "ne vendons pas", "non seulement", "sans limitation", ", ", "données", "x",
]), max_size=12))
def test_the_quick_check_before_blanking_changes_nothing(words: list[str]) -> None:
    """One joined search stands in for the per-exception passes only when nothing matches."""
    exceptions = tuple(rx.regex for rx in load_vocabulary().cues.negation_exceptions)
    text = " ".join(words)
    expected = text
    for regex in exceptions:
        expected = regex.sub(lambda m: " " * len(m.group()), expected)
    assert _blank(text, exceptions) == expected
