"""Minimum age in digits and words, consent thresholds, COPPA sentences, per-country tables."""

from __future__ import annotations

import pytest

from rgpd_check.analyze.documents.read import read_text


def _age(text: str) -> dict[str, object]:
    return dict(read_text(text)["signals"]["min_age"])


@pytest.mark.parametrize(("text", "age"), [
    ("You must be at least 13 years old to use the Service.", 13),
    ("You must be at least thirteen years old to use the Service.", 13),
    ("L'inscription est réservée aux personnes âgées d'au moins quinze ans.", 15),
    ("Le service est réservé aux utilisateurs de 16 ans révolus.", 16),
    ("Any use or access by anyone under the age of 13 is prohibited.", 13),
    ("Les enfants de moins de quinze ans ne peuvent pas utiliser le service.", 15),
    ("The Service is not intended for children under sixteen.", 16),
    ("The user must be a natural person of full age.", 18),
    ("Le service est réservé aux personnes majeures.", 18),
    ("Users aged 18 may register; users aged 16 may register with a parent's consent.", 16),
])
def test_minimum_age(text: str, age: int) -> None:
    found = _age(text)
    assert found["status"] == "affirmed"
    assert found["value"] == age


@pytest.mark.parametrize("text", [
    "We do not knowingly collect personal information from children under 13.",
    "Students under 18 must be registered by a parent or a school official.",
    "Les moins de 15 ans ne peuvent s'inscrire qu'avec l'accord de leurs parents.",
    "Nous conservons vos données pendant 13 mois.",
    "C'est un enjeu majeur pour nous.",
])
def test_not_a_minimum_age(text: str) -> None:
    assert _age(text)["status"] == "not_found"


def test_country_table_gives_france_and_keeps_the_table() -> None:
    text = ("Minimum age by country:\n\n| Country | Minimum age |\n| Belgium | 13 |\n"
            "| France | 15 |\n| Germany | 16 |\n| All other countries | 16 |\n")
    found = _age(text)
    assert found["value"] == 15
    assert found["table"] == {"BE": 13, "FR": 15, "DE": 16, "default": 16}
    assert "France" in found["quotes"][0]["text"]


def test_inline_country_list() -> None:
    found = _age("L'âge du consentement est de 13 ans en Belgique, 15 ans en France et 16 ans "
                 "en Allemagne.")
    assert found["value"] == 15
    assert found["table"] == {"BE": 13, "FR": 15, "DE": 16}


def test_table_without_france_uses_the_default_row() -> None:
    found = _age("Minimum age to consent:\n\nSpain | 14\nItaly | 14\nOther countries | 16\n")
    assert found["value"] == 16
