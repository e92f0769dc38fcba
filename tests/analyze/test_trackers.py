"""Trackers, cookies and browser facts from small hand-made bundles (no network, no browser)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from rgpd_check.analyze.browser_facts import encodings
from rgpd_check.analyze.pages import load_pages
from rgpd_check.analyze.trackers import tracker_namespaces
from rgpd_check.collect.filterlists import read_filter_list, store_filter_lists
from rgpd_check.evidence.bundle import Bundle, BundleWriter
from rgpd_check.facts.schema import load_facts_schema
from rgpd_check.knowledge import load_trackers

FILTER_LIST = Path(__file__).parents[1] / "fixtures" / "filterlists" / "mini-privacy.txt"
TOOL = "https://outil.test/"
FIRST_PARTY = {"outil.test"}


def bundle_of(
    tmp_path: Path,
    pages: dict[str, tuple[str, str]],
    *,
    cookies: dict[str, list[str]] | None = None,
    browser: list[dict[str, Any]] | None = None,
    lists: bool = False,
) -> Bundle:
    """URL → (purpose, html); Set-Cookie per URL; browser.jsonl lines; the fixture list."""
    writer = BundleWriter(tmp_path, {"tool": {"urls": [TOOL]}}, ["test"])
    for url, (purpose, html) in pages.items():
        headers = [("Content-Type", "text/html; charset=utf-8")]
        headers += [("Set-Cookie", v) for v in (cookies or {}).get(url, [])]
        _, record = writer.http.write_exchange(
            url=url, method="GET", request_headers=[], http_version="HTTP/1.1", status=200,
            reason="OK", response_headers=headers, body=html.encode(), ip="192.0.2.1",
            truncated=False)
        writer.event("page", url=url, final_url=url, purpose=purpose, status=200, record_id=record)
    if browser is not None:
        log = writer.log("browser.jsonl")
        for seq, entry in enumerate(browser, start=1):
            log.write({"seq": seq, "at": "2026-11-29T10:00:00Z", "phase": "before_consent",
                       **entry})
    if lists:
        store_filter_lists(writer, [read_filter_list(FILTER_LIST)])
    writer.close(status="complete", not_collected=[])
    return Bundle.open(tmp_path)


def facts_of(bundle: Bundle) -> dict[str, Any]:
    records = list(bundle.http_records())
    pages = load_pages(bundle, {r.record_id: r for r in records})
    facts = tracker_namespaces(bundle, pages, records, FIRST_PARTY, load_trackers())
    validator = Draft202012Validator(load_facts_schema())
    errors = list(validator.iter_errors({"facts_version": 1, **facts}))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:3]]
    return facts


HOME = """<!doctype html><html><head>
<link rel="preconnect" href="https://fonts.gstatic.com">
<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Roboto">
<style>@font-face { font-family: X; src: url("https://cdn.fonts-tiers.test/x.woff2"); }</style>
<script src="https://stats.outil.test/matomo.js"></script>
<script src="https://eleves.matomo.cloud/matomo.js"></script>
<script>(function(w,d,s,l,i){var j=d.createElement(s);
j.src='https://www.googletagmanager.com/gtm.js?id='+i;d.head.appendChild(j);})
(window,document,'script','dataLayer','GTM-X');</script>
<script>(function(i,s,o,g,r){})(window,document,'script','//www.google-analytics.com/analytics.js','ga');</script>
</head><body>
<iframe src="https://widget.tiers.test/embed"></iframe>
<img src="https://collect.beacon-tiers.test/p.gif">
<form action="https://forms.tiers.test/send" method="post"></form>
<a href="https://www.facebook.com/ecole">not a resource: a link</a>
</body></html>"""


def test_static_third_parties_from_the_html(tmp_path: Path) -> None:
    facts = facts_of(bundle_of(tmp_path, {TOOL: ("entry", HOME)}))
    hosts = {h["host"]: h for h in facts["trackers"]["third_party_hosts"]}
    assert set(hosts) == {
        "fonts.gstatic.com", "fonts.googleapis.com", "cdn.fonts-tiers.test", "eleves.matomo.cloud",
        "www.googletagmanager.com", "www.google-analytics.com", "widget.tiers.test",
        "collect.beacon-tiers.test", "forms.tiers.test",
    }
    assert hosts["cdn.fonts-tiers.test"]["kinds"] == ["font"]
    assert hosts["www.googletagmanager.com"]["kinds"] == ["inline-script-url"]
    assert hosts["forms.tiers.test"]["kinds"] == ["form"]
    assert all(h["modes"] == ["static"] for h in hosts.values())
    trackers = facts["trackers"]
    # Self-hosted Matomo is first party; Matomo Cloud is a third-party service.
    assert trackers["self_hosted_analytics"][0]["host"] == "stats.outil.test"
    assert "matomo_cloud" in trackers["analytics"]
    assert trackers["analytics_non_eea"] == ["google_analytics", "matomo_cloud"]
    assert trackers["ip_exposed_non_eea"] == ["google_fonts", "google_tag_manager", "gstatic"]
    assert trackers["advertising_on_pupil_pages"] == ["google_analytics"]
    assert "filter_lists" not in trackers  # no list given: not checked, hence absent
    assert "browser" not in facts and set(facts["cookies"]) == {"http"}


def test_advertising_only_on_a_document_is_not_on_pupil_pages(tmp_path: Path) -> None:
    policy = '<script src="https://securepubads.g.doubleclick.net/tag/js/gpt.js"></script>'
    facts = facts_of(bundle_of(tmp_path, {TOOL: ("entry", "<p>ok</p>"),
                                          TOOL + "confidentialite": ("document", policy)}))
    assert facts["trackers"]["advertising"] == ["doubleclick"]
    assert facts["trackers"]["advertising_on_pupil_pages"] == []


def test_http_cookies_are_judged(tmp_path: Path) -> None:
    cookies = {TOOL: ["PHPSESSID=1; Path=/; Secure; HttpOnly; SameSite=Lax",
                      "_ga=GA1.1; Max-Age=63072000; Domain=.outil.test",
                      "prefs=dark; Path=/"]}
    facts = facts_of(bundle_of(tmp_path, {TOOL: ("entry", "<p>ok</p>")}, cookies=cookies))
    judged = {c["name"]: c for c in facts["cookies"]["http"]}
    assert judged["PHPSESSID"]["essential"] is True and judged["PHPSESSID"]["httponly"]
    assert judged["_ga"]["essential"] is False and judged["_ga"]["persistent"]
    assert judged["_ga"]["domain"] == "outil.test" and not judged["_ga"]["third_party"]
    assert judged["prefs"]["essential"] is None  # cannot tell: never claimed either way


def test_filter_lists_match_with_rule_and_identity(tmp_path: Path) -> None:
    facts = facts_of(bundle_of(tmp_path, {TOOL: ("entry", HOME)}, lists=True))
    trackers = facts["trackers"]
    [described] = trackers["filter_lists"]
    assert described["version"] == "202611290000" and described["rules"] == 3
    matched = {m["host"]: m for m in trackers["filter_list_matches"]}
    # The list's /matomo.js rule catches Matomo Cloud, never the first-party Matomo.
    assert set(matched) == {"collect.beacon-tiers.test", "www.google-analytics.com",
                            "eleves.matomo.cloud"}
    assert matched["collect.beacon-tiers.test"]["rule"] == "||beacon-tiers.test^$third-party"
    assert matched["eleves.matomo.cloud"]["sha256"] == hashlib.sha256(
        FILTER_LIST.read_bytes()).hexdigest()
    assert trackers["filter_list_only_hosts"] == ["collect.beacon-tiers.test"]


def _request(url: str, **extra: Any) -> dict[str, Any]:
    return {"kind": "request", "url": url, "method": "GET", "resource_type": "image",
            "visit": TOOL, "frame_url": TOOL, "outcome": "relayed", "status": 200,
            "warc_record_id": f"<urn:uuid:{abs(hash(url))}>", **extra}


BROWSER = [
    {"kind": "session", "mode": "third_party_cookies_allowed", "fresh_profile": True},
    _request(TOOL, resource_type="document", main_frame=True,
             set_cookie=["sid=1; Path=/; HttpOnly"]),
    {"kind": "initiator", "url": "https://www.google-analytics.com/g/collect?en=page_view",
     "initiator_type": "script", "initiator_url": "https://www.googletagmanager.com/gtm.js"},
    _request("https://www.google-analytics.com/g/collect?en=page_view"),
    _request("https://www.facebook.com/tr?id=1&ev=PageView"),
    _request("https://analytics.tiktok.com/api/v2/pixel", method="POST", resource_type="ping",
             post_data=json.dumps({"event": "Pageview", "context": {"pixel": {"code": "X"}}})),
    _request("https://widget.tiers.test/embed", resource_type="document", main_frame=False,
             set_cookie=["w=1; SameSite=None; Secure", "lax=1"]),
    {"kind": "cookie_write", "frame_url": TOOL, "api": "document.cookie",
     "value": "_fbp=fb.1; path=/; max-age=7776000",
     "script": "https://connect.facebook.net/en_US/fbevents.js"},
    {"kind": "storage_write", "frame_url": "https://widget.tiers.test/embed", "storage": "local",
     "key": "uid", "value": "u-1", "script": "https://widget.tiers.test/embed"},
    {"kind": "visit", "url": TOOL, "purpose": "entry", "status": 200, "final_url": TOOL},
    {"kind": "consent", "detected": False, "page_url": TOOL},
    {"kind": "storage", "frames": [
        {"frame_url": TOOL, "origin": "https://outil.test", "local": [["theme", "clair"]],
         "session": []},
        {"frame_url": "https://widget.tiers.test/embed", "origin": "https://widget.tiers.test",
         "local": [["uid", "u-1"]], "session": [["visit", "v"]]}]},
    {"kind": "cookies", "cookies": [
        {"name": "sid", "domain": "outil.test", "path": "/", "expires": -1, "httpOnly": True,
         "secure": False, "sameSite": "Lax", "value": "1"},
        {"name": "_fbp", "domain": ".outil.test", "path": "/", "expires": 1900000000,
         "httpOnly": False, "secure": False, "sameSite": "Lax", "value": "fb.1"},
        {"name": "w", "domain": "widget.tiers.test", "path": "/", "expires": -1,
         "httpOnly": False, "secure": True, "sameSite": "None", "value": "1"}]},
    {"kind": "initiator", "url": "https://outil.test/favicon.ico", "request_id": "9",
     "resource_type": "Other"},
    {"kind": "load_failed", "request_id": "9", "error_text": "net::ERR_NAME_NOT_RESOLVED"},
    {"kind": "websocket", "url": "wss://rt.tiers.test/s", "seq_hint": 1},
]


def test_browser_requests_pixels_cookies_and_storage(tmp_path: Path) -> None:
    facts = facts_of(bundle_of(tmp_path, {TOOL: ("entry", "<p>ok</p>")}, browser=BROWSER))
    trackers, cookies, browser = facts["trackers"], facts["cookies"], facts["browser"]
    assert trackers["modes"] == ["browser", "static"]
    known = {k["id"]: k for k in trackers["known"]}
    assert known["google_analytics"]["modes"] == ["browser"]
    assert known["google_analytics"]["initiated_by"] == ["https://www.googletagmanager.com/gtm.js"]
    events = {(p["tracker"], p["event"]) for p in trackers["pixel_events"]}
    assert events == {("meta_pixel", "PageView"), ("tiktok_pixel", "Pageview")}
    hosts = {h["host"]: h for h in trackers["third_party_hosts"]}
    assert hosts["widget.tiers.test"]["kinds"] == ["sub_frame"]
    attempted = {c["name"]: c for c in cookies["browser_attempted"]}
    assert attempted["_fbp"]["via"] == "script" and attempted["w"]["via"] == "header"
    assert attempted["_fbp"]["known_tracker"] == "meta_pixel"
    stored = {c["name"]: c for c in cookies["browser_stored"]}
    assert stored["_fbp"]["set_by"] == "https://connect.facebook.net/en_US/fbevents.js"
    assert stored["_fbp"]["persistent"] and not stored["sid"]["persistent"]
    assert cookies["non_essential_before_consent"] == ["_fbp (outil.test)"]
    assert cookies["attempted_not_stored"] == ["lax (widget.tiers.test)"]
    assert cookies["third_party_stored"] == ["w (widget.tiers.test)"]
    storage = {(s["origin"], s["key"]): s for s in browser["storage"]}
    assert storage[("https://widget.tiers.test", "uid")]["set_by"] == "https://widget.tiers.test/embed"
    assert storage[("https://widget.tiers.test", "visit")]["area"] == "session"
    assert not storage[("https://outil.test", "theme")]["third_party"]
    assert browser["consent_banner"]["detected"] is False
    assert browser["not_intercepted"] == [{
        "url": "https://outil.test/favicon.ico", "resource_type": "Other",
        "captured_by": "browser_protocol", "reached_network": False,
        "error": "net::ERR_NAME_NOT_RESOLVED"}]
    assert browser["websockets"][0]["relayed"] is False
    assert "refusal" not in browser and "keylogging" not in browser  # probes not run


def test_refusal_compares_before_and_after(tmp_path: Path) -> None:
    after = [
        {"kind": "refusal", "clicked": True, "platform": "tarteaucitron", "page_url": TOOL,
         "phase": "after_refusal", "method": "known_platform"},
        {**_request("https://www.google-analytics.com/collect"), "phase": "after_refusal"},
        {**_request("https://fonts.googleapis.com/css2"), "phase": "after_refusal"},
        {"kind": "cookies", "phase": "after_refusal", "cookies": [
            {"name": "sid", "domain": "outil.test"},
            {"name": "tarteaucitron", "domain": "outil.test"}]},
    ]
    facts = facts_of(bundle_of(tmp_path, {TOOL: ("entry", "<p>ok</p>")}, browser=BROWSER + after))
    refusal = facts["browser"]["refusal"]
    assert refusal["clicked"] and refusal["trackers"] == ["google_analytics"]  # fonts need none
    assert refusal["third_party_hosts"] == ["fonts.googleapis.com", "www.google-analytics.com"]
    assert refusal["cookies_added"] == ["tarteaucitron (outil.test)"]
    # What loads after the refusal is reported there, not as pre-consent evidence.
    assert facts["trackers"]["known"][0]["before_consent"] is True


def test_keylogging_finds_typed_values_in_any_encoding(tmp_path: Path) -> None:
    value = "sonde.ab12@rgpd-check.invalid"
    forms = encodings(value)
    assert set(forms.values()) >= {"plain", "base64", "md5", "sha256", "sha512"}
    sha = hashlib.sha256(value.encode()).hexdigest()
    md5 = hashlib.md5(value.encode()).hexdigest()  # noqa: S324 - what a tracker would send
    probe = [
        {"kind": "keylog_probe", "phase": "keylog_probe", "values": [value],
         "fields": [{"name": "email", "type": "email", "value": value}]},
        {**_request(f"https://rec.tiers.test/k?h={sha}"), "phase": "keylog_probe"},
        {**_request("https://outil.test/api/suggest", method="POST", post_data=f"q={value}"),
         "phase": "keylog_probe"},
        {**_request("https://other.tiers.test/b", method="POST", post_data=json.dumps({"m": md5})),
         "phase": "keylog_probe"},
    ]
    facts = facts_of(bundle_of(tmp_path, {TOOL: ("entry", "<p>ok</p>")}, browser=BROWSER + probe))
    keylogging = facts["browser"]["keylogging"]
    assert keylogging["detected"]
    assert keylogging["recipients"] == ["other.tiers.test", "rec.tiers.test"]
    assert keylogging["first_party_recipients"] == ["outil.test"]  # its own search box: no finding
    assert {r["encoding"] for r in keylogging["requests"]} == {"sha256", "md5"}


def test_a_failed_browser_run_leaves_browser_facts_out(tmp_path: Path) -> None:
    failed = [{"kind": "session", "ran": False, "mode": "third_party_cookies_allowed",
               "error": "browser_unavailable", "detail": "Chromium introuvable"}]
    facts = facts_of(bundle_of(tmp_path, {TOOL: ("entry", "<p>ok</p>")}, browser=failed))
    assert facts["browser"] == {"ran": False, "mode": "third_party_cookies_allowed",
                                "error": "Chromium introuvable"}
    assert set(facts["cookies"]) == {"http"} and facts["trackers"]["modes"] == ["static"]
