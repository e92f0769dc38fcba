"""Countries, EU/EEA membership, adequacy decisions, the DPF and ages of digital consent.

Transfer rules need to know whether a country is in the EEA or covered by an adequacy decision,
and reports need the country's name in French and English. The facts live in
``rules/data/countries.yaml`` with their sources; this module only reads and indexes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from rgpd_check.knowledge._loading import (
    PROVENANCE_KEYS,
    KnowledgeDataError,
    as_bool,
    as_country,
    as_date,
    as_opt_str,
    as_str,
    check_keys,
    provenance,
    read_yaml,
    require_list,
    require_mapping,
    unique_ids,
    where,
)

FILE = "countries.yaml"
Lang = Literal["fr", "en"]


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a fact comes from and whether someone checked it (and when)."""

    source: str | None
    verified_on: dt.date | None
    unverified: bool


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    name_fr: str
    name_en: str


@dataclass(frozen=True, slots=True)
class Adequacy:
    """One adequacy decision (GDPR art. 45) and what it covers."""

    code: str
    decided_on: dt.date | None
    partial: bool
    scope_fr: str | None
    scope_en: str | None
    notes: str | None
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class OrganisationAdequacy:
    """An adequacy decision for an international organisation (no country code)."""

    id: str
    name_fr: str
    name_en: str
    decided_on: dt.date | None
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class DpfStatus:
    """The EU-US Data Privacy Framework: valid, but challenged in court."""

    decision: str
    adopted_on: dt.date
    court_case: str
    court_ruling_on: dt.date
    court_outcome: str
    appeal: str | None
    assessment: str
    assessment_fr: str
    assessment_en: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class ConsentAge:
    """Age of digital consent (GDPR art. 8) in one EU/EEA country; ``age`` None when unknown."""

    code: str
    age: int | None
    status: str
    joint_consent_below: int | None
    note: str | None
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Membership:
    members: frozenset[str]
    provenance: Provenance


CONSENT_STATUSES = frozenset({"known", "unresolved", "unknown"})


@dataclass(frozen=True, slots=True)
class Countries:
    """Index over ``countries.yaml``: membership tests and bilingual names."""

    countries: Mapping[str, Country]
    names_provenance: Provenance
    eu: Membership
    eea: Membership
    adequacy: Mapping[str, Adequacy]
    organisations: Mapping[str, OrganisationAdequacy]
    dpf: DpfStatus
    consent_ages: Mapping[str, ConsentAge]

    def is_eu(self, code: str) -> bool:
        return code.upper() in self.eu.members

    def is_eea(self, code: str) -> bool:
        return code.upper() in self.eea.members

    def is_adequate(self, code: str) -> bool:
        """True for a country with an adequacy decision, even a partial one (US, CA).

        Check :meth:`adequacy_for` to see the scope: for the US only DPF-certified
        organisations are covered, for Canada only recipients under PIPEDA.
        """
        return code.upper() in self.adequacy

    def adequacy_for(self, code: str) -> Adequacy | None:
        return self.adequacy.get(code.upper())

    def is_eea_or_adequate(self, code: str) -> bool:
        return self.is_eea(code) or self.is_adequate(code)

    def name(self, code: str, lang: Lang = "fr") -> str:
        """Country name for reports; unknown codes come back unchanged rather than failing."""
        country = self.countries.get(code.upper())
        if country is None:
            return code
        return country.name_fr if lang == "fr" else country.name_en

    def consent_age(self, code: str) -> ConsentAge | None:
        return self.consent_ages.get(code.upper())

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code.upper() in self.countries


def _prov(entry: Mapping[str, Any], source: Path, entry_id: object | None) -> Provenance:
    return Provenance(*provenance(entry, source, entry_id))


def _membership(raw: Any, source: Path, key: str, known: Mapping[str, Country]) -> Membership:
    block = require_mapping(raw, source, key)
    check_keys(block, source, key, ("members", "source"), ("verified_on", "unverified", "note"))
    members = frozenset(
        as_country(code, source, key, "members")
        for code in require_list(block["members"], source, key, "members")
    )
    _known(members, known, source, key)
    return Membership(members, _prov(block, source, key))


def _known(
    codes: frozenset[str] | set[str], known: Mapping[str, Country], src: Path, k: str
) -> None:
    missing = sorted(codes - set(known))
    if missing:
        raise KnowledgeDataError(f"{where(src, k)}: codes not in 'countries': {', '.join(missing)}")


def parse_countries(data: Any, source: Path) -> Countries:
    """Build the index from parsed YAML; separate from I/O so tests can feed bad data."""
    top = require_mapping(data, source, None)
    check_keys(
        top,
        source,
        None,
        ("schema_version", "countries", "eu", "eea", "adequacy", "dpf", "digital_consent_age"),
        ("adequacy_international_organisations",),
    )
    names = require_mapping(top["countries"], source, "countries")
    check_keys(
        names, source, "countries", ("entries", "source"), ("verified_on", "unverified", "note")
    )
    countries: dict[str, Country] = {}
    codes: list[str] = []
    for raw in require_list(names["entries"], source, "countries", "entries"):
        entry = require_mapping(raw, source, "countries")
        code = as_country(entry.get("code"), source, "countries", "code")
        check_keys(entry, source, code, ("code", "fr", "en"))
        codes.append(code)
        countries[code] = Country(
            code, as_str(entry["fr"], source, code, "fr"), as_str(entry["en"], source, code, "en")
        )
    unique_ids(codes, source)

    eu = _membership(top["eu"], source, "eu", countries)
    eea = _membership(top["eea"], source, "eea", countries)
    if not eu.members <= eea.members:
        raise KnowledgeDataError(f"{source.name} [eea]: must include every EU member")

    adequacy: dict[str, Adequacy] = {}
    for raw in require_list(top["adequacy"], source, "adequacy", "adequacy"):
        entry = require_mapping(raw, source, "adequacy")
        code = as_country(entry.get("code"), source, "adequacy", "code")
        check_keys(
            entry,
            source,
            f"adequacy:{code}",
            ("code", "decided_on", "partial", *PROVENANCE_KEYS[:1]),
            ("scope_fr", "scope_en", "notes", *PROVENANCE_KEYS[1:]),
        )
        if code in adequacy:
            raise KnowledgeDataError(f"{source.name}: duplicate adequacy entry {code!r}")
        eid = f"adequacy:{code}"
        adequacy[code] = Adequacy(
            code=code,
            decided_on=as_date(entry["decided_on"], source, eid, "decided_on"),
            partial=as_bool(entry["partial"], source, eid, "partial"),
            scope_fr=as_opt_str(entry.get("scope_fr"), source, eid, "scope_fr"),
            scope_en=as_opt_str(entry.get("scope_en"), source, eid, "scope_en"),
            notes=as_opt_str(entry.get("notes"), source, eid, "notes"),
            provenance=_prov(entry, source, eid),
        )
    _known(set(adequacy), countries, source, "adequacy")
    overlap = sorted(set(adequacy) & eea.members)
    if overlap:
        raise KnowledgeDataError(f"{source.name} [adequacy]: EEA members listed: {overlap}")

    organisations: dict[str, OrganisationAdequacy] = {}
    for raw in require_list(
        top.get("adequacy_international_organisations", []),
        source,
        "adequacy_international_organisations",
        "adequacy_international_organisations",
    ):
        entry = require_mapping(raw, source, "adequacy_international_organisations")
        oid = as_str(entry.get("id"), source, "adequacy_international_organisations", "id")
        check_keys(
            entry,
            source,
            oid,
            ("id", "fr", "en", "decided_on", "source"),
            ("verified_on", "unverified", "notes"),
        )
        organisations[oid] = OrganisationAdequacy(
            oid,
            as_str(entry["fr"], source, oid, "fr"),
            as_str(entry["en"], source, oid, "en"),
            as_date(entry["decided_on"], source, oid, "decided_on"),
            _prov(entry, source, oid),
        )

    dpf = require_mapping(top["dpf"], source, "dpf")
    check_keys(
        dpf,
        source,
        "dpf",
        (
            "decision",
            "adopted_on",
            "court_case",
            "court_ruling_on",
            "court_outcome",
            "assessment",
            "assessment_fr",
            "assessment_en",
            "source",
        ),
        ("appeal", "verified_on", "unverified", "notes"),
    )
    adopted = as_date(dpf["adopted_on"], source, "dpf", "adopted_on")
    ruling = as_date(dpf["court_ruling_on"], source, "dpf", "court_ruling_on")
    if adopted is None or ruling is None:
        raise KnowledgeDataError(f"{source.name} [dpf]: dates are required")
    dpf_status = DpfStatus(
        decision=as_str(dpf["decision"], source, "dpf", "decision"),
        adopted_on=adopted,
        court_case=as_str(dpf["court_case"], source, "dpf", "court_case"),
        court_ruling_on=ruling,
        court_outcome=as_str(dpf["court_outcome"], source, "dpf", "court_outcome"),
        appeal=as_opt_str(dpf.get("appeal"), source, "dpf", "appeal"),
        assessment=as_str(dpf["assessment"], source, "dpf", "assessment"),
        assessment_fr=as_str(dpf["assessment_fr"], source, "dpf", "assessment_fr"),
        assessment_en=as_str(dpf["assessment_en"], source, "dpf", "assessment_en"),
        provenance=_prov(dpf, source, "dpf"),
    )

    ages: dict[str, ConsentAge] = {}
    for raw in require_list(
        top["digital_consent_age"], source, "digital_consent_age", "digital_consent_age"
    ):
        entry = require_mapping(raw, source, "digital_consent_age")
        code = as_country(entry.get("code"), source, "digital_consent_age", "code")
        eid = f"digital_consent_age:{code}"
        check_keys(
            entry,
            source,
            eid,
            ("code", "age", "status", "source"),
            ("joint_consent_below", "note", "verified_on", "unverified"),
        )
        age = entry["age"]
        if age is not None and (
            not isinstance(age, int) or isinstance(age, bool) or not 13 <= age <= 16
        ):
            raise KnowledgeDataError(f"{where(source, eid)}: 'age' must be 13-16 or null")
        status = as_str(entry["status"], source, eid, "status")
        if status not in CONSENT_STATUSES or (status == "known") != (age is not None):
            raise KnowledgeDataError(
                f"{where(source, eid)}: 'status' must be known (with an age) or unresolved/unknown"
            )
        joint = entry.get("joint_consent_below")
        if joint is not None and (not isinstance(joint, int) or isinstance(joint, bool)):
            raise KnowledgeDataError(f"{where(source, eid)}: 'joint_consent_below' must be an int")
        if code in ages:
            raise KnowledgeDataError(f"{source.name}: duplicate consent age {code!r}")
        ages[code] = ConsentAge(
            code,
            age,
            status,
            joint,
            as_opt_str(entry.get("note"), source, eid, "note"),
            _prov(entry, source, eid),
        )
    outside = sorted(set(ages) - eea.members)
    if outside:
        raise KnowledgeDataError(f"{source.name} [digital_consent_age]: not EEA: {outside}")

    return Countries(
        countries=countries,
        names_provenance=_prov(names, source, "countries"),
        eu=eu,
        eea=eea,
        adequacy=adequacy,
        organisations=organisations,
        dpf=dpf_status,
        consent_ages=ages,
    )


def read_countries(path: Path | None = None) -> Countries:
    """Read and validate a countries file (the built-in one by default), without caching."""
    source, data = read_yaml(FILE, path)
    return parse_countries(data, source)


@cache
def load_countries() -> Countries:
    """The built-in countries knowledge, read once per process."""
    return read_countries()
