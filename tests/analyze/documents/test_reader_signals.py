"""One behaviour per signal, hard cases first: keywords out of context, boilerplate, roles."""

from __future__ import annotations

from typing import Any

import pytest

from rgpd_check.analyze.documents.read import SIGNALS, read_text


def _signals(text: str, lang: str | None = None) -> dict[str, Any]:
    return dict(read_text(text, lang=lang)["signals"])


def test_every_signal_is_present_with_the_contract_shape() -> None:
    result = read_text("Rien à signaler.")
    assert list(result["signals"]) == list(SIGNALS)
    for found in result["signals"].values():
        assert found == {"present": False, "status": "not_found", "value": None,
                         "scope": None, "quotes": []} or set(found) >= {"present", "status"}
        assert found["status"] == "not_found"


@pytest.mark.parametrize("text", [
    "Les cookies publicitaires sont refusés par défaut.",
    "Advertising cookies are refused by default and only set after consent.",
    "Nous vendons des espaces publicitaires à des annonceurs.",
])
def test_advertising_words_out_of_context(text: str) -> None:
    signals = _signals(text)
    assert signals["ads_targeted"]["status"] == "not_found"
    assert signals["data_sale"]["status"] == "not_found"


def test_targeted_ads_fr_and_en() -> None:
    assert _signals("Nous affichons des publicités ciblées en fonction de vos centres "
                    "d'intérêt.")["ads_targeted"]["status"] == "affirmed"
    assert _signals("We show you personalized ads based on your browsing.")[
        "ads_targeted"]["status"] == "affirmed"
    denied = _signals("Ads are based on the page you are viewing, not based on you.")
    assert denied["ads_targeted"]["status"] == "denied"
    assert denied["no_ads_commitment"]["value"] == "targeted"


def test_no_ads_at_all() -> None:
    found = _signals("Nous n'affichons aucune publicité.")["no_ads_commitment"]
    assert found["status"] == "affirmed" and found["value"] == "all"
    assert _signals("Nous n'utilisons aucun cookie publicitaire.")[
        "no_ads_commitment"]["status"] == "not_found"


def test_vendor_is_not_vendre() -> None:
    text = "You may provide your ID to our verification vendor with your personal data."
    assert _signals(text)["data_sale"]["status"] == "not_found"


def test_other_companies_are_not_the_vendor() -> None:
    signals = _signals("Other companies track your data to create detailed profiles about you. "
                       "We don't.")
    assert signals["profiling"]["status"] == "not_found"


def test_rights_context_is_not_profiling() -> None:
    assert _signals("You have the right to object to decisions based on profiling.")[
        "profiling"]["status"] == "not_found"


def test_ai_training() -> None:
    assert _signals("We use your essays to train our AI models.")["ai_training"]["status"] \
        == "affirmed"
    assert _signals("Vos contenus ne sont jamais utilisés pour entraîner des modèles "
                    "d'intelligence artificielle.")["ai_training"]["status"] == "denied"
    assert _signals("We train our teams to protect your data.")["ai_training"]["status"] \
        == "not_found"


def test_roles() -> None:
    signals = _signals("Pour les données des élèves, nous agissons en tant que sous-traitant de "
                       "l'établissement. Nous sommes responsable de traitement pour la "
                       "facturation.")
    assert signals["role_processor"]["status"] == "affirmed"
    assert signals["role_controller"]["status"] == "affirmed"
    own = _signals("Ces prestataires agissent en tant que sous-traitant pour notre compte.")
    assert own["role_processor"]["status"] == "not_found"
    client = _signals("The Client, as the Data Controller, is responsible for its data.")
    assert client["role_controller"]["status"] == "not_found"


def test_dpa_offer_and_paid_plans() -> None:
    signals = _signals("Our Data Processing Addendum is available to customers on our "
                       "Business and Enterprise plans only.")
    assert signals["dpa_offered"]["status"] == "affirmed"
    assert signals["dpa_paid_plans_only"]["status"] == "affirmed"


def test_dpo_contact_and_controller_identity() -> None:
    signals = _signals("Le site est édité par Exemple SAS, 3 rue Lamartine, 33000 Bordeaux. "
                       "Délégué à la protection des données : dpo@exemple.example")
    assert signals["dpo_contact"]["value"] == "dpo@exemple.example"
    identity = signals["controller_identity"]["value"]
    assert identity["name"] == "Exemple SAS"
    assert identity["country"] == "FR"
    generic = _signals("Write to privacy@exemple.example for any question.")
    assert generic["dpo_contact"]["status"] == "not_found"


def test_subprocessors_list_with_names_and_countries() -> None:
    found = _signals("Our sub-processors are:\n\n- Hetzner Online GmbH (Germany) – hosting\n"
                     "- Mailgun Technologies, Inc. (United States) – e-mail\n")[
        "subprocessors_list"]
    assert found["status"] == "affirmed"
    assert "Hetzner Online GmbH" in found["value"]["names"]
    assert set(found["value"]["countries"]) >= {"DE", "US"}


def test_transfer_mechanisms() -> None:
    signals = _signals("Data is transferred to the United States under the Standard Contractual "
                       "Clauses and the EU-U.S. Data Privacy Framework.")
    assert signals["transfer_outside_eea"]["status"] == "affirmed"
    assert signals["scc"]["status"] == "affirmed"
    assert signals["dpf"]["status"] == "affirmed"
    assert _signals("Les données ne quittent jamais l'Union européenne.")[
        "transfer_outside_eea"]["status"] == "denied"
    assert _signals("We take adequate security measures.")["adequacy"]["status"] == "not_found"


def test_retention_and_rights() -> None:
    signals = _signals("Nous conservons vos données pendant trois ans. Vous disposez d'un droit "
                       "d'accès et pouvez introduire une réclamation auprès de la CNIL.")
    assert signals["retention_period"]["value"] == "trois ans"
    assert signals["rights_and_complaint"]["status"] == "affirmed"
    request = _signals("We will delete your data within a reasonable time if you request it.")
    assert request["retention_period"]["status"] == "not_found"


def test_parental_consent() -> None:
    assert _signals("Les élèves de moins de 15 ans doivent obtenir le consentement conjoint de "
                    "leurs parents.")["parental_consent"]["status"] == "affirmed"
    coppa = _signals("We delete data of children under 13 collected without verified parental "
                     "consent.")
    assert coppa["parental_consent"]["status"] == "not_found"
