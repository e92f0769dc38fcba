"""The trackers knowledge: counts, provenance, hostnames, categories, suffix matching."""

from __future__ import annotations

import pytest

from rgpd_check.knowledge import TrackerIndex, load_countries, load_trackers
from rgpd_check.knowledge.trackers import CATEGORIES, is_hostname


@pytest.fixture(scope="module")
def trackers() -> TrackerIndex:
    return load_trackers()


def test_count_and_unique_ids(trackers: TrackerIndex) -> None:
    assert len(trackers) >= 160
    ids = [t.id for t in trackers]
    assert len(ids) == len(set(ids))


def test_provenance(trackers: TrackerIndex) -> None:
    for tracker in trackers:
        assert tracker.verified_on is not None or tracker.unverified, tracker.id
        if tracker.source is None:
            assert tracker.unverified, tracker.id
        else:
            assert tracker.source.startswith(("https://", "http://")), tracker.id
    verified = [t for t in trackers if t.verified_on is not None]
    assert len(verified) >= 160


def test_domains_and_categories(trackers: TrackerIndex) -> None:
    countries = load_countries()
    for tracker in trackers:
        assert tracker.domains, tracker.id
        for domain in tracker.domains:
            assert is_hostname(domain), (tracker.id, domain)
        assert tracker.category in CATEGORIES, tracker.id
        assert tracker.owner_country is None or tracker.owner_country in countries, tracker.id


def test_consent_platforms(trackers: TrackerIndex) -> None:
    expected = {
        "axeptio",
        "didomi",
        "onetrust",
        "cookiebot",
        "quantcast_choice",
        "usercentrics",
        "tarteaucitron",
        "sirdata_cmp",
        "cookieyes",
        "iubenda",
    }
    flagged = {t.id for t in trackers if t.consent_platform}
    assert expected <= flagged
    for tracker in trackers:
        assert tracker.consent_platform == (tracker.category == "consent"), tracker.id
        if tracker.reject_selectors:
            assert tracker.consent_platform
    axeptio = trackers.get("axeptio")
    assert axeptio is not None and "button#axeptio_btn_dismiss" in axeptio.reject_selectors
    tac = trackers.get("tarteaucitron")
    assert tac is not None and "#tarteaucitronAllDenied2" in tac.reject_selectors


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("www.google-analytics.com", "google_analytics"),
        ("google-analytics.com", "google_analytics"),
        ("region1.google-analytics.com", "google_analytics"),
        ("stats.g.doubleclick.net", "doubleclick"),
        ("WWW.GoogleTagManager.com.", "google_tag_manager"),
        ("fonts.googleapis.com", "google_fonts"),
        ("maps.googleapis.com", "google_maps"),
        ("ajax.googleapis.com", "google_hosted_libraries"),
        ("snap.licdn.com", "linkedin_insight"),
        ("static.licdn.com", "linkedin"),
        ("connect.facebook.net", "meta_pixel"),
        ("static.hotjar.com", "hotjar"),
        ("cdn.jsdelivr.net:443", "jsdelivr"),
        ("cdnjs.cloudflare.com", "cloudflare"),
        ("d24n15hnbwhuhn.cloudfront.net", "amplitude"),
        ("d1234567.cloudfront.net", "amazon_cloudfront"),
        ("xyz.matomo.cloud", "matomo_cloud"),
        ("client.crisp.chat", "crisp"),
        ("sdk.privacy-center.org", "didomi"),
        ("analytics.tiktok.com", "tiktok_pixel"),
    ],
)
def test_match_host(trackers: TrackerIndex, host: str, expected: str) -> None:
    found = trackers.match_host(host)
    assert found is not None and found.id == expected


@pytest.mark.parametrize(
    "host",
    [
        "matomo.example-school.test",  # self-hosted Matomo: first party, never a tracker
        "stats.college-exemple.fr",
        "evilgoogle-analytics.com",  # suffix match stops at label boundaries
        "google-analytics.com.evil.test",
        "com",
        "",
        "[2001:db8::1]",
        "127.0.0.1",
        "tiktok.com",  # only analytics.tiktok.com is listed
    ],
)
def test_no_match(trackers: TrackerIndex, host: str) -> None:
    assert trackers.match_host(host) is None


def test_flags(trackers: TrackerIndex) -> None:
    meta = trackers.get("meta_pixel")
    assert meta is not None and meta.advertising
    assert [(e.host, e.path_prefix, e.event_param) for e in meta.pixel_events] == [
        ("facebook.com", "/tr", "ev")
    ]
    for tid in ("hotjar", "fullstory", "mouseflow", "yandex_metrica", "microsoft_clarity"):
        tracker = trackers.get(tid)
        assert tracker is not None and tracker.session_replay, tid
    fonts = trackers.get("google_fonts")
    assert fonts is not None and fonts.receives_ip and not fonts.advertising
    assert all(t.receives_ip for t in trackers)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("example.com", True),
        ("a-b.example.co.uk", True),
        ("360yield.com", True),
        ("localhost", False),
        ("-bad.com", False),
        ("bad-.com", False),
        ("UPPER.com", False),
        ("with space.com", False),
        ("*.example.com", False),
        ("example.com/path", False),
    ],
)
def test_is_hostname(value: str, ok: bool) -> None:
    assert is_hostname(value) is ok
