"""Hosting locations: countries, cities, cloud regions; addresses are not locations."""

from __future__ import annotations

import pytest

from rgpd_check.analyze.documents.read import read_text


def _where(text: str) -> object:
    found = read_text(text)["signals"]["hosting_location"]
    return found["value"] if found["status"] == "affirmed" else None


@pytest.mark.parametrize(("text", "codes"), [
    ("Your data is stored in the AWS eu-west-3 region.", ["FR"]),
    ("Your data is stored in the AWS us-east-1 region.", ["US"]),
    ("Backups are stored with Google Cloud in the europe-west1 region.", ["BE"]),
    ("Data is hosted on Microsoft Azure in the westeurope region.", ["NL"]),
    ("Les données sont stockées par Outscale dans sa région eu-west-2.", ["FR"]),
    ("Data is stored by AWS in its eu-west-2 region.", ["GB"]),
    ("Our servers are located in Frankfurt.", ["DE"]),
    ("Les données sont hébergées en France.", ["FR"]),
    ("Les serveurs sont situés à Strasbourg.", ["FR"]),
])
def test_locations(text: str, codes: list[str]) -> None:
    assert _where(text) == codes


@pytest.mark.parametrize("text", [
    "The site is hosted by OVH SAS, 2 rue Kellermann, 59100 Roubaix, France.",
    "Our company is headquartered in San Francisco, California.",
    "Personal data may be transferred to a country located outside the EEA.",
    "Nos bureaux sont situés à Montréal.",
    "We have servers across the world, including in the United States.",
    "Users located in Germany can contact us.",
])
def test_not_hosting_locations(text: str) -> None:
    assert _where(text) is None


def test_hosting_provider_named_with_its_address() -> None:
    host = read_text("Hébergeur : Scaleway SAS, 8 rue de la Ville l'Évêque, 75008 Paris, "
                     "France.")["signals"]["host_declared"]
    assert host["status"] == "affirmed"
    assert host["value"]["name"] == "Scaleway SAS" or host["value"]["name"] == "Scaleway"
    assert host["value"]["country"] == "FR"
    assert "75008 Paris" in host["value"]["address"]
