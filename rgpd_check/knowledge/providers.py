"""Hosting and network operators: AS numbers, legal seat, parent company, CDN, SecNumCloud.

GeoIP gives a country, not a jurisdiction: a server in Paris run by a US company is still
reachable by the CLOUD Act. This index turns an AS number or an AS organisation name into the
operator, its seat, its parent and whether non-EU law can reach it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from rgpd_check.knowledge._loading import (
    KnowledgeDataError,
    as_bool,
    as_country,
    as_opt_country,
    as_opt_str,
    as_str,
    as_str_list,
    check_keys,
    provenance,
    read_yaml,
    require_list,
    require_mapping,
    unique_ids,
    where,
)

FILE = "providers.yaml"
_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")

REQUIRED = (
    "id",
    "name",
    "asns",
    "as_name_patterns",
    "legal_seat",
    "parent",
    "parent_country",
    "non_eu_law_exposure",
    "cdn",
    "secnumcloud",
    "source",
)
OPTIONAL = (
    "verified_on",
    "unverified",
    "note",
    "exposure_note",
    "kind",
    "secnumcloud_source",
    "cdn_cnames",
    "cdn_cnames_source",
)
_DNS_SUFFIX = re.compile(r"^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}$")
KINDS = frozenset({"cloud", "hosting", "cdn", "telecom", "public_network", "platform", "security"})


@dataclass(frozen=True, slots=True)
class Provider:
    id: str
    name: str
    kind: str | None
    asns: tuple[int, ...]
    as_name_patterns: tuple[re.Pattern[str], ...]
    legal_seat: str
    parent: str | None
    parent_country: str | None
    non_eu_law_exposure: bool
    exposure_note: str | None
    cdn: bool
    secnumcloud: tuple[str, ...] | bool | None
    secnumcloud_source: str | None
    note: str | None
    source: str | None
    verified_on: dt.date | None
    unverified: bool
    # DNS suffixes a CNAME points to when a host is served through this operator's CDN
    # (``cdn.cloudflare.net``, ``cloudfront.net``…), with the page that documents them.
    cdn_cnames: tuple[str, ...] = ()
    cdn_cnames_source: str | None = None

    @property
    def secnumcloud_qualified(self) -> bool:
        """True only when at least one offer is listed as qualified."""
        return isinstance(self.secnumcloud, tuple) and bool(self.secnumcloud)

    def matches_as_name(self, as_name: str) -> bool:
        return any(p.search(as_name) for p in self.as_name_patterns)


class ProviderIndex:
    """Lookups by AS number and by AS organisation name (e.g. geoip2fast's ``asn_name``)."""

    def __init__(self, providers: tuple[Provider, ...]) -> None:
        self._providers = providers
        self._by_id = {p.id: p for p in providers}
        self._by_asn: dict[int, Provider] = {}
        for provider in providers:
            for asn in provider.asns:
                self._by_asn[asn] = provider

    def __iter__(self) -> Iterator[Provider]:
        return iter(self._providers)

    def __len__(self) -> int:
        return len(self._providers)

    def get(self, provider_id: str) -> Provider | None:
        return self._by_id.get(provider_id)

    def by_asn(self, asn: int | str) -> Provider | None:
        """Accepts ``16276``, ``"16276"`` or ``"AS16276"``."""
        if isinstance(asn, str):
            text = asn.strip().upper().removeprefix("AS")
            if not text.isdigit():
                return None
            asn = int(text)
        return self._by_asn.get(asn)

    def by_cname(self, name: str) -> tuple[Provider, str] | None:
        """The operator whose CDN suffix ends ``name`` on a label boundary, with that suffix."""
        name = name.rstrip(".").lower()
        best: tuple[Provider, str] | None = None
        for provider in self._providers:
            for suffix in provider.cdn_cnames:
                if (name == suffix or name.endswith("." + suffix)) and (
                    best is None or len(suffix) > len(best[1])
                ):
                    best = (provider, suffix)
        return best

    def by_as_name(self, as_name: str) -> Provider | None:
        """First provider whose patterns match; the file orders specific ones before broad ones."""
        if not as_name or not as_name.strip():
            return None
        for provider in self._providers:
            if provider.matches_as_name(as_name):
                return provider
        return None


def _compile(patterns: tuple[str, ...], source: Path, pid: str) -> tuple[re.Pattern[str], ...]:
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise KnowledgeDataError(
                f"{where(source, pid)}: bad as_name_pattern {pattern!r} ({exc})"
            ) from exc
    return tuple(compiled)


def _secnumcloud(value: Any, source: Path, pid: str) -> tuple[str, ...] | bool | None:
    if value is None or value is False:
        return value  # type: ignore[no-any-return]
    if value == "unknown":
        return None
    if isinstance(value, list):
        return as_str_list(value, source, pid, "secnumcloud")
    raise KnowledgeDataError(
        f"{where(source, pid)}: 'secnumcloud' must be false, 'unknown' or a list of offers"
    )


def _provider(raw: Any, source: Path) -> Provider:
    entry: Mapping[str, Any] = require_mapping(raw, source, "providers")
    pid = as_str(entry.get("id"), source, "providers", "id")
    if not _ID.match(pid):
        raise KnowledgeDataError(f"{where(source, pid)}: id must be lower_snake_case")
    check_keys(entry, source, pid, REQUIRED, OPTIONAL)
    asns = require_list(entry["asns"], source, pid, "asns")
    if not all(isinstance(a, int) and not isinstance(a, bool) and 0 < a < 2**32 for a in asns):
        raise KnowledgeDataError(f"{where(source, pid)}: 'asns' must be positive integers")
    kind = as_opt_str(entry.get("kind"), source, pid, "kind")
    if kind is not None and kind not in KINDS:
        raise KnowledgeDataError(f"{where(source, pid)}: unknown kind {kind!r}")
    url, verified_on, unverified = provenance(entry, source, pid)
    scn_source = as_opt_str(entry.get("secnumcloud_source"), source, pid, "secnumcloud_source")
    cdn_cnames, cdn_cnames_source = _cdn_cnames(entry, source, pid)
    return Provider(
        id=pid,
        name=as_str(entry["name"], source, pid, "name"),
        kind=kind,
        asns=tuple(asns),
        as_name_patterns=_compile(
            as_str_list(entry["as_name_patterns"], source, pid, "as_name_patterns"), source, pid
        ),
        legal_seat=as_country(entry["legal_seat"], source, pid, "legal_seat"),
        parent=as_opt_str(entry["parent"], source, pid, "parent"),
        parent_country=as_opt_country(entry["parent_country"], source, pid, "parent_country"),
        non_eu_law_exposure=as_bool(
            entry["non_eu_law_exposure"], source, pid, "non_eu_law_exposure"
        ),
        exposure_note=as_opt_str(entry.get("exposure_note"), source, pid, "exposure_note"),
        cdn=as_bool(entry["cdn"], source, pid, "cdn"),
        secnumcloud=_secnumcloud(entry["secnumcloud"], source, pid),
        secnumcloud_source=scn_source,
        note=as_opt_str(entry.get("note"), source, pid, "note"),
        source=url,
        verified_on=verified_on,
        unverified=unverified,
        cdn_cnames=cdn_cnames,
        cdn_cnames_source=cdn_cnames_source,
    )


def _cdn_cnames(
    entry: Mapping[str, Any], source: Path, pid: str
) -> tuple[tuple[str, ...], str | None]:
    """CDN CNAME suffixes need their own source URL: they are a separate fact."""
    suffixes = as_str_list(entry.get("cdn_cnames", []), source, pid, "cdn_cnames")
    cited = as_opt_str(entry.get("cdn_cnames_source"), source, pid, "cdn_cnames_source")
    for suffix in suffixes:
        if not _DNS_SUFFIX.match(suffix):
            raise KnowledgeDataError(
                f"{where(source, pid)}: cdn_cnames entry {suffix!r} is not a lower-case DNS suffix"
            )
    if suffixes and (cited is None or not cited.startswith(("https://", "http://"))):
        raise KnowledgeDataError(
            f"{where(source, pid)}: 'cdn_cnames' needs 'cdn_cnames_source' (an http(s) URL)"
        )
    return suffixes, cited


def parse_providers(data: Any, source: Path) -> ProviderIndex:
    top = require_mapping(data, source, None)
    check_keys(top, source, None, ("schema_version", "providers"))
    providers = tuple(
        _provider(raw, source) for raw in require_list(top["providers"], source, None, "providers")
    )
    unique_ids((p.id for p in providers), source)
    suffix_owner: dict[str, str] = {}
    for provider in providers:
        for suffix in provider.cdn_cnames:
            if suffix in suffix_owner:
                raise KnowledgeDataError(
                    f"{source.name}: cdn_cnames {suffix!r} listed for both"
                    f" {suffix_owner[suffix]!r} and {provider.id!r}"
                )
            suffix_owner[suffix] = provider.id
    owner: dict[int, str] = {}
    for provider in providers:
        for asn in provider.asns:
            if asn in owner:
                raise KnowledgeDataError(
                    f"{source.name}: AS{asn} listed for both {owner[asn]!r} and {provider.id!r}"
                )
            owner[asn] = provider.id
    return ProviderIndex(providers)


def read_providers(path: Path | None = None) -> ProviderIndex:
    source, data = read_yaml(FILE, path)
    return parse_providers(data, source)


@cache
def load_providers() -> ProviderIndex:
    """The built-in providers knowledge, read once per process."""
    return read_providers()
