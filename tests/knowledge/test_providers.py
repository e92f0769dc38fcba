"""The providers knowledge: counts, provenance, AS number and AS-name lookups."""

from __future__ import annotations

import re

import pytest

from rgpd_check.knowledge import ProviderIndex, load_countries, load_providers


@pytest.fixture(scope="module")
def providers() -> ProviderIndex:
    return load_providers()


def test_count_and_unique_ids(providers: ProviderIndex) -> None:
    assert len(providers) >= 45
    ids = [p.id for p in providers]
    assert len(ids) == len(set(ids))


def test_provenance(providers: ProviderIndex) -> None:
    for provider in providers:
        assert provider.verified_on is not None or provider.unverified, provider.id
        if provider.source is None:
            assert provider.unverified, provider.id
        else:
            assert provider.source.startswith(("https://", "http://")), provider.id


def test_countries_are_known(providers: ProviderIndex) -> None:
    countries = load_countries()
    for provider in providers:
        assert provider.legal_seat in countries, provider.id
        assert provider.parent_country is None or provider.parent_country in countries


def test_us_operators_are_exposed(providers: ProviderIndex) -> None:
    for provider in providers:
        if provider.legal_seat == "US" or provider.parent_country == "US":
            assert provider.non_eu_law_exposure, provider.id


@pytest.mark.parametrize(
    ("asn", "expected"),
    [
        (16276, "ovhcloud"),
        ("AS16276", "ovhcloud"),
        ("16509", "aws"),
        (14618, "aws"),
        (15169, "google_cloud"),
        (8075, "microsoft_azure"),
        (13335, "cloudflare"),
        (24940, "hetzner"),
        (12876, "scaleway"),
        (2200, "renater"),
        (3215, "orange"),
    ],
)
def test_by_asn(providers: ProviderIndex, asn: int | str, expected: str) -> None:
    found = providers.by_asn(asn)
    assert found is not None and found.id == expected


@pytest.mark.parametrize("asn", [64512, "AS", "not-a-number", 1])
def test_by_asn_unknown(providers: ProviderIndex, asn: int | str) -> None:
    assert providers.by_asn(asn) is None


@pytest.mark.parametrize(
    ("as_name", "expected"),
    [
        ("OVH SAS", "ovhcloud"),
        ("OVH US LLC", "ovh_us"),
        ("Amazon.com, Inc.", "aws"),
        ("AMAZON-02", "aws"),
        ("Google LLC", "google_cloud"),
        ("Microsoft Corporation", "microsoft_azure"),
        ("Cloudflare, Inc.", "cloudflare"),
        ("Hetzner Online GmbH", "hetzner"),
        ("Online S.a.s.", "scaleway"),
        ("SCALEWAY S.A.S.", "scaleway"),
        ("Renater", "renater"),
        ("Akamai Technologies, Inc.", "akamai"),
        ("Linode, LLC", "linode"),
    ],
)
def test_by_as_name(providers: ProviderIndex, as_name: str, expected: str) -> None:
    found = providers.by_as_name(as_name)
    assert found is not None and found.id == expected


@pytest.mark.parametrize("as_name", ["", "   ", "Académie de Nowhere", "Free Software Foundation"])
def test_by_as_name_unknown(providers: ProviderIndex, as_name: str) -> None:
    assert providers.by_as_name(as_name) is None


def test_secnumcloud(providers: ProviderIndex) -> None:
    for pid in ("outscale", "cloud_temple", "s3ns", "ovhcloud"):
        provider = providers.get(pid)
        assert provider is not None and provider.secnumcloud_qualified, pid
        assert provider.secnumcloud_source is not None
    aws = providers.get("aws")
    assert aws is not None and aws.secnumcloud is False and not aws.secnumcloud_qualified


def test_cdn_flag(providers: ProviderIndex) -> None:
    for pid in ("cloudflare", "akamai", "fastly"):
        provider = providers.get(pid)
        assert provider is not None and provider.cdn
    ovh = providers.get("ovhcloud")
    assert ovh is not None and not ovh.cdn


def test_patterns_are_compiled(providers: ProviderIndex) -> None:
    for provider in providers:
        assert provider.as_name_patterns, provider.id
        assert all(isinstance(p, re.Pattern) for p in provider.as_name_patterns)
