"""The countries knowledge: membership, adequacy scope, DPF status, art. 8 ages, provenance."""

from __future__ import annotations

import datetime as dt

import pytest

from rgpd_check.knowledge import load_countries
from rgpd_check.knowledge.countries import Countries


@pytest.fixture(scope="module")
def countries() -> Countries:
    return load_countries()


def test_eea_has_30_members_and_includes_the_eu(countries: Countries) -> None:
    assert len(countries.eu.members) == 27
    assert len(countries.eea.members) == 30
    assert countries.eu.members < countries.eea.members
    assert countries.eea.members - countries.eu.members == {"IS", "LI", "NO"}


@pytest.mark.parametrize("code", ["FR", "de", "NO", "IS", "LI"])
def test_is_eea(countries: Countries, code: str) -> None:
    assert countries.is_eea(code)


@pytest.mark.parametrize("code", ["GB", "CH", "US", "CN", "ZZ"])
def test_not_eea(countries: Countries, code: str) -> None:
    assert not countries.is_eea(code)


@pytest.mark.parametrize(
    "code",
    ["CH", "GB", "JP", "KR", "NZ", "IL", "AR", "UY", "CA", "AD", "FO", "GG", "IM", "JE", "US"],
)
def test_adequacy_list(countries: Countries, code: str) -> None:
    assert countries.is_adequate(code)


@pytest.mark.parametrize("code", ["CN", "RU", "IN", "SG", "AU", "FR"])
def test_not_adequate(countries: Countries, code: str) -> None:
    assert not countries.is_adequate(code)


def test_partial_adequacy_has_a_scope(countries: Countries) -> None:
    us = countries.adequacy_for("US")
    ca = countries.adequacy_for("CA")
    assert us is not None and ca is not None
    assert us.partial and ca.partial
    assert us.scope_en is not None and "Data Privacy Framework" in us.scope_en
    assert ca.scope_en is not None and "PIPEDA" in ca.scope_en
    assert us.decided_on == dt.date(2023, 7, 10)
    ch = countries.adequacy_for("CH")
    assert ch is not None and not ch.partial


def test_dpf_status(countries: Countries) -> None:
    dpf = countries.dpf
    assert dpf.adopted_on == dt.date(2023, 7, 10)
    assert "2023/1795" in dpf.decision
    assert "T-553/23" in dpf.court_case
    assert dpf.court_ruling_on == dt.date(2025, 9, 3)
    assert dpf.court_outcome == "dismissed"
    assert dpf.assessment == "valid_but_fragile"
    assert dpf.provenance.source and dpf.provenance.source.startswith("https://eur-lex.europa.eu/")


def test_names_in_both_languages(countries: Countries) -> None:
    assert countries.name("DE", "fr") == "Allemagne"
    assert countries.name("de", "en") == "Germany"
    assert countries.name("US") == "États-Unis"
    assert countries.name("ZZ") == "ZZ"  # unknown codes are shown as given
    assert len(countries.countries) >= 60
    for code in ("US", "GB", "CH", "CA", "JP", "KR", "IL", "NZ", "AR", "UY", "BR", "IN", "CN"):
        assert code in countries
    for code in ("RU", "SG", "AU"):
        assert code in countries


def test_consent_ages(countries: Countries) -> None:
    france = countries.consent_age("FR")
    assert france is not None
    assert france.age == 15 and france.joint_consent_below == 15
    assert france.note is not None and "45" in france.note
    denmark = countries.consent_age("DK")
    assert denmark is not None and denmark.age == 15
    germany = countries.consent_age("DE")
    assert germany is not None and germany.age == 16
    for code in ("IS", "LI"):
        age = countries.consent_age(code)
        assert age is not None and age.age is None and age.status == "unknown"
    slovenia = countries.consent_age("SI")
    assert slovenia is not None and slovenia.status == "unresolved"
    assert set(countries.consent_ages) == set(countries.eea.members)


def test_every_fact_has_provenance(countries: Countries) -> None:
    provenances = [countries.names_provenance, countries.eu.provenance, countries.eea.provenance]
    provenances += [a.provenance for a in countries.adequacy.values()]
    provenances += [o.provenance for o in countries.organisations.values()]
    provenances += [a.provenance for a in countries.consent_ages.values()]
    provenances.append(countries.dpf.provenance)
    for prov in provenances:
        assert prov.verified_on is not None or prov.unverified
        assert prov.source is None or prov.source.startswith(("https://", "http://"))
        assert prov.source is not None or prov.unverified
