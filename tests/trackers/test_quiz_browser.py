"""Browser mode on the quiz fixture, checked against what its servers really saw and sent.

One audit for the whole module (a browser run costs seconds); each test reads its result
and the servers' request log captured right after it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from rgpd_check import api
from rgpd_check.evidence.bundle import Bundle
from rgpd_check.evidence.verify import verify_bundle
from tests.helpers import audit_site
from tests.testweb.loader import load
from tests.testweb.reqlog import LoggedRequest
from tests.testweb.web import TestWeb
from tests.trackers.support import (
    FAST_BROWSER,
    FILTER_LIST,
    FORBIDDEN_HOST,
    QUIZ_SITES,
    allowed_networks,
    needs_chromium,
)

pytestmark = [pytest.mark.browser, needs_chromium]


@dataclass
class Run:
    result: api.AuditResult
    out: Path
    log: list[LoggedRequest]
    port: int

    @property
    def facts(self) -> dict[str, Any]:
        return self.result.facts

    def browser_entries(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in Bundle.open(self.out).entries("browser.jsonl") if e["kind"] == kind]

    def finding(self, rule: str) -> str:
        return next(str(f.result) for f in self.result.findings if f.rule == rule)


@pytest.fixture(scope="module")
def run(testweb_session: TestWeb, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    web = testweb_session
    web.reset()
    web.load_sites(QUIZ_SITES)
    out = tmp_path_factory.mktemp("quiz-browser")
    result = audit_site(
        web,
        [web.url("quiz-ecole.test", https=True)],
        out,
        net=allowed_networks(web),
        browser=True,
        filter_lists=(FILTER_LIST,),
        browser_options=FAST_BROWSER,
        formats=("json",),
    )
    yield Run(result, out, web.requests, web.https_port)
    web.reset()


def _url(request: LoggedRequest) -> str:
    return f"{request.scheme}://{request.host}:{request.port}{request.path}"


def test_every_request_the_servers_saw_is_in_the_warc(run: Run) -> None:
    archived = {record.url for record in Bundle.open(run.out).http_records()}
    seen = {_url(r) for r in run.log}
    assert seen and seen <= archived


def test_every_browser_request_has_an_evidence_record(run: Run) -> None:
    records = {record.record_id for record in Bundle.open(run.out).http_records()}
    requests = run.browser_entries("request")
    relayed = [r for r in requests if r["outcome"] == "relayed"]
    assert len(relayed) >= 15
    assert all(r["warc_record_id"] in records for r in relayed)
    # What the browser did not hand to our relay is labelled, and never reached a server.
    seen = {_url(r) for r in run.log}
    for item in run.facts["browser"]["not_intercepted"]:
        assert item["captured_by"] == "browser_protocol" and not item["reached_network"]
        assert item["url"] not in seen


def test_a_forbidden_address_is_refused_and_its_server_never_sees_it(run: Run) -> None:
    assert not [r for r in run.log if r.host == FORBIDDEN_HOST]
    blocked = run.facts["browser"]["blocked"]
    assert any(FORBIDDEN_HOST in b["url"] and b["reason"] == "blocked_address" for b in blocked)


def test_tag_manager_injected_trackers_are_found_by_the_browser(run: Run) -> None:
    known = {k["id"]: k for k in run.facts["trackers"]["known"]}
    assert {"google_tag_manager", "google_analytics", "meta_pixel"} <= set(known)
    assert known["google_tag_manager"]["modes"] == ["browser", "static"]
    # Injected by the tag manager: invisible in the HTML, seen only by the browser.
    assert known["google_analytics"]["modes"] == ["browser"]
    assert known["meta_pixel"]["modes"] == ["browser"]
    assert any("/gtm.js" in url for url in known["google_analytics"]["initiated_by"])
    assert known["meta_pixel"]["before_consent"] and known["meta_pixel"]["on_pupil_pages"]


def test_static_evidence_finds_every_third_party_in_the_html(run: Run) -> None:
    hosts = run.facts["trackers"]["third_party_hosts"]
    static = {h["host"] for h in hosts if "static" in h["modes"]}
    assert static == {
        "fonts.gstatic.com",  # preconnect
        "fonts.googleapis.com",  # stylesheet
        "static.hotjar.com",  # script
        "widget-tiers.test",  # iframe
        "collect.beacon-tiers.test",  # URL inside an inline script (sendBeacon)
        "www.googletagmanager.com",  # tag-manager snippet
    }


def test_image_beacons_and_the_pixel_event(run: Run) -> None:
    pixels = run.facts["trackers"]["pixel_events"]
    assert {"tracker": "meta_pixel", "event": "PageView"}.items() <= pixels[0].items()
    images = [r for r in run.facts["browser"]["requests"] if r["resource_type"] == "image"]
    assert any("/collect?v=1&t=pageview" in r["url"] for r in images)
    assert any(r.host == "www.facebook.com" and "ev=PageView" in r.path for r in run.log)


def test_send_beacon_is_seen_with_its_body_and_caught_by_the_filter_list(run: Run) -> None:
    server = [r for r in run.log if r.host == "collect.beacon-tiers.test" and r.path == "/b"]
    assert server and all(r.method == "POST" and r.body == b"page=home" for r in server)
    beacons = [r for r in run.browser_entries("request") if r["url"].endswith("/b")]
    assert beacons[0]["resource_type"] == "ping" and beacons[0]["post_data"] == "page=home"
    trackers = run.facts["trackers"]
    assert trackers["filter_list_only_hosts"] == ["collect.beacon-tiers.test"]
    match = next(m for m in trackers["filter_list_matches"] if "beacon-tiers" in m["url"])
    assert match["rule"] == "||beacon-tiers.test^$third-party"
    assert match["list"] == "mini-privacy.txt" and match["version"] == "202611290000"


def test_third_party_iframe_cookies_attempted_and_stored(run: Run) -> None:
    cookies = run.facts["cookies"]
    attempted = {(c["name"], c["domain"]): c for c in cookies["browser_attempted"]}
    stored = {(c["name"], c["domain"]): c for c in cookies["browser_stored"]}
    # Ground truth: the Set-Cookie headers and document.cookie writes of widget-tiers.test.
    for name in ("widget_session", "widget_lax", "widget_js"):
        assert (name, "widget-tiers.test") in attempted
    assert attempted[("widget_js", "widget-tiers.test")]["via"] == "script"
    # Chromium refuses a third-party cookie without SameSite=None, even when allowed.
    assert ("widget_session", "widget-tiers.test") in stored
    assert ("widget_js", "widget-tiers.test") in stored
    assert ("widget_lax", "widget-tiers.test") not in stored
    assert "widget_lax (widget-tiers.test)" in cookies["attempted_not_stored"]
    assert cookies["third_party_mode"] == "third_party_cookies_allowed"


def test_every_cookie_the_servers_set_for_the_browser_is_in_the_evidence(run: Run) -> None:
    declared = {
        (site.host, path.split("?")[0]): route.set_cookies
        for site in load(QUIZ_SITES).sites
        for path, route in site.pages.items()
        if not isinstance(route, str) and route.set_cookies
    }
    browser_hits = {(r.host, r.path.split("?")[0]) for r in run.log
                    if "Chrome" in (r.header("user-agent") or "")}
    expected = {(value.split("=")[0], host) for (host, path), values in declared.items()
                if (host, path) in browser_hits for value in values}
    attempted = {(c["name"], c["domain"]) for c in run.facts["cookies"]["browser_attempted"]}
    assert len(expected) == 6 and expected <= attempted


def test_redirects_go_through_our_client_hop_by_hop(run: Run) -> None:
    requests = {r["url"].split("/", 3)[-1]: r for r in run.browser_entries("request")}
    sync, target = requests["p/sync"], requests["r"]
    assert sync["redirect"] == "followed_by_relay" and target["redirected_from"] == sync["url"]
    assert {(r.host, r.path) for r in run.log} >= {("quiz-ecole.test", "/p/sync"),
                                                   ("collect.beacon-tiers.test", "/r")}
    # A cross-site hop's cookie is attempted, but handing it over would store it for the
    # wrong site: recorded as not applied, not as refused by the browser.
    cookies = run.facts["cookies"]
    sync_cookie = next(c for c in cookies["browser_attempted"] if c["name"] == "sync")
    assert sync_cookie["not_applied_by_relay"] is True
    assert "sync (collect.beacon-tiers.test)" not in cookies["attempted_not_stored"]
    # The iframe's redirect is replayed by the browser itself: its cookie is kept.
    assert requests["go"]["redirect"] == "client_side"
    stored = {(c["name"], c["domain"]) for c in cookies["browser_stored"]}
    assert ("widget_hop", "widget-tiers.test") in stored


def test_third_party_iframe_storage(run: Run) -> None:
    storage = {(s["area"], s["key"]): s for s in run.facts["browser"]["storage"]}
    for area, key in (("local", "widget_uid"), ("session", "widget_visit")):
        item = storage[(area, key)]
        assert item["third_party"] and "widget-tiers.test" in item["origin"]
        assert item["set_by"] == f"https://widget-tiers.test:{run.port}/embed"
    assert run.facts["browser"]["third_party_storage_origins"] == [
        f"https://widget-tiers.test:{run.port}"
    ]


def test_cookies_are_attributed_to_the_script_that_set_them(run: Run) -> None:
    stored = {c["name"]: c for c in run.facts["cookies"]["browser_stored"]}
    assert stored["_ga"]["domain"] == "quiz-ecole.test"  # first-party jar, third-party script
    assert stored["_ga"]["set_by"] == f"https://www.google-analytics.com:{run.port}/analytics.js"
    assert stored["_ga"]["known_tracker"] == "google_analytics"
    assert stored["_fbp"]["set_by"].endswith("/en_US/fbevents.js")
    assert stored["fr"]["set_by"].startswith(f"https://www.facebook.com:{run.port}/tr?")
    assert stored["sessionid"]["essential"] is True
    assert stored["_pk_id.1.a1b2"]["essential"] is None  # self-hosted Matomo: not judged
    assert run.facts["cookies"]["non_essential_before_consent"] == [
        "_fbp (quiz-ecole.test)",
        "_ga (quiz-ecole.test)",
        "fr (www.facebook.com)",
    ]


def test_self_hosted_analytics_is_first_party(run: Run) -> None:
    trackers = run.facts["trackers"]
    assert [(s["product"], s["host"]) for s in trackers["self_hosted_analytics"]] == [
        ("matomo", "stats.quiz-ecole.test")
    ]
    assert not [h for h in trackers["third_party_hosts"] if h["domain"] == "quiz-ecole.test"]
    assert not [m for m in trackers["filter_list_matches"] if "matomo" in m["url"]]


def test_consent_banner_and_refuse_all(run: Run) -> None:
    browser = run.facts["browser"]
    assert browser["consent_banner"]["detected"] and browser["consent_banner"]["visible"]
    assert browser["consent_banner"]["platform"] == "tarteaucitron"
    refusal = browser["refusal"]
    assert refusal["clicked"] and refusal["platform"] == "tarteaucitron"
    # The fixture's refusal stops the tag manager but not the session recorder.
    assert refusal["trackers"] == ["hotjar"]
    assert "www.googletagmanager.com" not in refusal["third_party_hosts"]
    assert "tarteaucitron (quiz-ecole.test)" in refusal["cookies_added"]


def test_key_logging_is_detected_from_what_left_the_page(run: Run) -> None:
    keylogging = run.facts["browser"]["keylogging"]
    assert keylogging["detected"] and keylogging["recipients"] == ["in.hotjar.com"]
    [probe] = run.browser_entries("keylog_probe")
    typed = probe["fields"][0]["value"]
    sent = base64.b64encode(typed.encode()).decode().rstrip("=")
    assert any(r.host == "in.hotjar.com" and sent in r.body.decode() for r in run.log)


def test_trackers_rules_fire(run: Run) -> None:
    expected = {
        "TRK-001": "match",  # Meta pixel and Google Analytics on the entry page
        "TRK-002": "match",  # _ga, _fbp, fr stored before consent
        "TRK-003": "match",  # Hotjar
        "TRK-004": "match",  # typed e-mail sent to Hotjar
        "TRK-005": "match",  # Google Analytics (US)
        "TRK-006": "match",  # Meta pixel
        "TRK-007": "match",  # Google Fonts (US)
        "TRK-008": "no_match",  # a banner is shown
        "TRK-015": "match",  # Hotjar after "refuse all"
        "TRK-016": "match",  # the unknown beacon host, caught by the list
        "TRK-017": "no_match",
    }
    assert {rule: run.finding(rule) for rule in expected} == expected


def test_evaluate_offline_rebuilds_the_same_facts(run: Run) -> None:
    again = api.evaluate(run.out)
    for namespace in ("trackers", "cookies", "browser"):
        assert again.facts[namespace] == run.facts[namespace]


def test_screenshot_manifest_and_integrity(run: Run) -> None:
    bundle = Bundle.open(run.out)
    assert bundle.file("screenshot-entry.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert run.facts["browser"]["screenshots"][0]["file"] == "files/screenshot-entry.png"
    audit = bundle.audit
    assert audit["browser"] is True and audit["browser_mode"] == "third_party_cookies_allowed"
    assert verify_bundle(run.out).ok
    session = run.browser_entries("session")[0]
    assert session["fresh_profile"] and "--host-resolver-rules=MAP * ~NOTFOUND" in session[
        "launch_args"
    ]
    assert json.loads((run.out / "facts.json").read_text())["browser"]["ran"] is True
