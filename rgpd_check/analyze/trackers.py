"""Third parties, trackers and cookies, from static evidence and (when it ran) the browser.

Static evidence: every URL the crawled HTML makes a browser contact (scripts, images,
iframes, stylesheets, fonts, forms, preconnects, URLs inside inline scripts such as
tag-manager snippets) and cookies set by HTTP headers. Browser evidence: every request the
real browser made, cookies attempted (Set-Cookie seen, ``document.cookie`` writes) and
stored (its jar). Both are matched against the knowledge base and the filter lists.

A host on the tool's own registrable domain is first party: a school's or vendor's
self-hosted Matomo is reported as such, never as a third-party tracker.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import parse_qs, urlsplit

from rgpd_check.analyze.browser_facts import (
    PHASE_REFUSED,
    PRE_CONSENT,
    BrowserEvidence,
    browser_facts,
    browser_record_ids,
    is_pupil_visit,
    load_browser_evidence,
    needs_consent,
)
from rgpd_check.analyze.domains import host_of, registrable_domain
from rgpd_check.analyze.filterlists import FilterMatcher
from rgpd_check.analyze.pages import FetchedPage
from rgpd_check.evidence.bundle import Bundle
from rgpd_check.evidence.warc import HttpRecord

# Services that only see the pupil's IP address in passing (no profiling purpose).
PASSIVE_CATEGORIES = frozenset(
    {
        "fonts",
        "cdn",
        "video",
        "maps",
        "captcha",
        "support_chat",
        "tag_manager",
        "error_monitoring",
        "payment",
        "consent",
        "other",
    }
)
PUPIL_PURPOSES = frozenset({"entry", "link", "probe_http"})
MAX_EVIDENCE = 5
MAX_MATCH_FACTS = 200

_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""", re.I)
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>|style\s*=\s*\"([^\"]*)\"", re.I | re.S)
_SELF_HOSTED = (
    ("matomo", re.compile(r"/(matomo|piwik)\.(js|php)\b|/js/tracker\.php\b", re.I)),
    ("plausible", re.compile(r"/js/(script|plausible)[\w.-]*\.js\b", re.I)),
    ("umami", re.compile(r"/umami\.js\b", re.I)),
)
_TRACKING_COOKIE = re.compile(
    r"^(_ga(_.*)?|_gid|_gat.*|_gcl_.*|__utm[a-z]+|_fbp|_fbc|fr|_hj.*|_clck|_clsk|_uet(sid|vid)"
    r"|IDE|test_cookie|DSID|_tt_enable_cookie|_ttp|ttcsid.*|_pin_unauth|_scid|li_(sugr|fat_id)"
    r"|bcookie|lidc|MUID|_derived_epik|__hs.*|hubspotutk|mp_.*|ajs_.*|amplitude_id.*|_cs_.*"
    r"|_mkto_trk|_vwo.*|ab\.storage.*|_dc_gtm_.*)$",
    re.I,
)
_ESSENTIAL_COOKIE = re.compile(
    r"^(phpsessid|jsessionid|asp\.net_sessionid|sessionid|session|sid|connect\.sid"
    r"|laravel_session|csrftoken|csrf_token|xsrf-token|_csrf|__host-.*|__cf_bm|awsalb(cors)?"
    r"|tarteaucitron|didomi_token|euconsent(-v2)?|axeptio_.*|cookieconsent|optanonconsent"
    r"|optanonalertboxclosed|cookieyes-consent|cmplz_.*|cookie_consent.*)$",
    re.I,
)


@dataclass
class Observation:
    """One URL the tool's pages make a browser contact, from one kind of evidence."""

    url: str
    host: str
    kind: str
    mode: str
    page_url: str
    pupil_page: bool
    phase: str
    evidence: dict[str, Any]
    initiator: str | None = None
    method: str = "GET"
    post_data: str | None = None


@dataclass
class _Host:
    host: str
    domain: str
    kinds: set[str] = field(default_factory=set)
    modes: set[str] = field(default_factory=set)
    seen_on: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)


def static_observations(pages: list[FetchedPage]) -> list[Observation]:
    """Resources of every crawled HTML page, plus URLs in inline ``<style>`` (fonts)."""
    found: list[Observation] = []
    for page in pages:
        if page.parsed is None:
            continue
        evidence = page.evidence()
        ref = evidence[0] if evidence else {"type": "http", "url": page.final_url}
        pupil = page.purpose in PUPIL_PURPOSES
        found.extend(
            Observation(
                r.url, host_of(r.url), r.kind, "static", page.final_url, pupil, "page_load", ref
            )
            for r in page.parsed.resources
        )
        found.extend(
            Observation(
                url,
                host_of(url),
                "font" if _is_font(url) else "stylesheet",
                "static",
                page.final_url,
                pupil,
                "page_load",
                ref,
            )
            for url in _style_urls(page.text or "", page.final_url)
        )
    return [o for o in found if o.host]


def browser_observations(evidence: BrowserEvidence) -> list[Observation]:
    """Requests the browser made (every phase; facts split them by phase)."""
    purposes = evidence.purposes()
    found = []
    for request in evidence.requests:
        if not request.host or request.phase == "storage_state":
            continue
        found.append(
            Observation(
                request.url,
                request.host,
                request.kind,
                "browser",
                request.visit or request.frame_url or "",
                is_pupil_visit(purposes.get(request.visit, set())),
                request.phase,
                request.evidence(),
                initiator=request.initiator_url,
                method=request.method,
                post_data=request.post_data,
            )
        )
    return found


def tracker_facts(
    observations: list[Observation],
    first_party: set[str],
    trackers: Any,
    eea: frozenset[str],
    matcher: FilterMatcher | None,
    modes: list[str] | None = None,
) -> dict[str, Any]:
    """The ``trackers`` namespace from what pages (static or browser) make a browser contact."""
    hosts: dict[str, _Host] = {}
    self_hosted: dict[tuple[str, str], dict[str, Any]] = {}
    matches: list[dict[str, Any]] = []
    matched_hosts: dict[str, dict[str, Any]] = {}
    matched_urls: set[tuple[str, str]] = set()
    for obs in observations:
        domain = registrable_domain(obs.host)
        if domain in first_party:
            product = _self_hosted(obs.url)
            if product and (product, obs.host) not in self_hosted:
                self_hosted[(product, obs.host)] = {
                    "product": product,
                    "host": obs.host,
                    "url": obs.url[:300],
                    "first_party": True,
                    "evidence": [obs.evidence],
                }
            continue
        if obs.mode == "browser" and obs.phase == PHASE_REFUSED:
            continue  # reported apart, under browser.refusal
        entry = hosts.setdefault(obs.host, _Host(obs.host, domain))
        entry.kinds.add(obs.kind)
        entry.modes.add(obs.mode)
        entry.observations.append(obs)
        if obs.page_url and obs.page_url not in entry.seen_on and len(entry.seen_on) < 5:
            entry.seen_on.append(obs.page_url)
        if len(entry.evidence) < MAX_EVIDENCE and obs.evidence not in entry.evidence:
            entry.evidence.append(obs.evidence)
        if matcher is not None:
            match = matcher.match(obs.url, obs.page_url, obs.kind)
            if match is not None:
                hit = {
                    "url": obs.url[:500],
                    "host": obs.host,
                    "mode": obs.mode,
                    "resource_type": obs.kind,
                    **match.as_fact(),
                }
                matched_hosts.setdefault(obs.host, hit)
                key = (obs.url, obs.mode)
                if key not in matched_urls and len(matches) < MAX_MATCH_FACTS:
                    matched_urls.add(key)
                    matches.append(hit)
    host_facts = []
    for name in sorted(hosts):
        entry = hosts[name]
        tracker = trackers.match_host(name) if trackers is not None else None
        fact: dict[str, Any] = {
            "host": name,
            "domain": entry.domain,
            "kinds": sorted(entry.kinds),
            "modes": sorted(entry.modes),
            "seen_on": entry.seen_on,
            "tracker": tracker.id if tracker is not None else None,
            "evidence": entry.evidence,
        }
        if name in matched_hosts:
            fact["filter_list_rule"] = matched_hosts[name]["rule"]
            fact["filter_list"] = matched_hosts[name]["list"]
        host_facts.append(fact)
    facts: dict[str, Any] = {
        "modes": sorted(set(modes or ()) | {o.mode for o in observations}),
        "third_party_hosts": host_facts,
        "third_party_domains": sorted({h["domain"] for h in host_facts}),
        "self_hosted_analytics": [self_hosted[k] for k in sorted(self_hosted)],
    }
    if trackers is not None:
        facts.update(_known(hosts, trackers, eea))
    if matcher is not None:
        facts["filter_lists"] = matcher.describe()
        facts["filter_list_matches"] = matches
        facts["filter_list_only_hosts"] = sorted(
            h for h in matched_hosts if trackers is None or trackers.match_host(h) is None
        )
    pixels = _pixel_events(observations, trackers, first_party)
    if trackers is not None:
        facts["pixel_events"] = pixels
    return facts


def _known(hosts: dict[str, _Host], trackers: Any, eea: frozenset[str]) -> dict[str, Any]:
    known: dict[str, dict[str, Any]] = {}
    for name in sorted(hosts):
        tracker = trackers.match_host(name)
        if tracker is None:
            continue
        entry = hosts[name]
        country = tracker.owner_country
        item = known.setdefault(
            tracker.id,
            {
                "id": tracker.id,
                "name": tracker.name,
                "category": tracker.category,
                "owner": tracker.owner,
                "owner_country": country,
                "non_eea_owner": None if country is None else country not in eea,
                "advertising": bool(tracker.advertising),
                "session_replay": bool(tracker.session_replay),
                "receives_ip": bool(tracker.receives_ip),
                "needs_consent": needs_consent(tracker),
                "hosts": [],
                "modes": set(),
                "seen_on": [],
                "on_pupil_pages": False,
                "before_consent": False,
                "initiated_by": set(),
                "evidence": [],
            },
        )
        item["hosts"].append(name)
        item["modes"] |= entry.modes
        item["seen_on"] = sorted(set(item["seen_on"]) | set(entry.seen_on))[:10]
        for obs in entry.observations:
            item["on_pupil_pages"] |= obs.pupil_page
            item["before_consent"] |= obs.mode == "static" or obs.phase in PRE_CONSENT
            if obs.initiator and registrable_domain(host_of(obs.initiator)) != registrable_domain(
                name
            ):
                item["initiated_by"].add(obs.initiator[:300])
        for ref in entry.evidence:
            if len(item["evidence"]) < MAX_EVIDENCE:
                item["evidence"].append(ref)
    known_list = []
    for key in sorted(known):
        fact = known[key]
        fact["modes"] = sorted(fact["modes"])
        fact["initiated_by"] = sorted(fact["initiated_by"])[:10]
        known_list.append(fact)

    def ids(predicate: Any) -> list[str]:
        return [k["id"] for k in known_list if predicate(k)]

    return {
        "known": known_list,
        "ids": ids(lambda k: True),
        "categories": sorted({k["category"] for k in known_list}),
        "advertising": ids(lambda k: k["advertising"]),
        "advertising_on_pupil_pages": ids(lambda k: k["advertising"] and k["on_pupil_pages"]),
        "session_replay": ids(lambda k: k["session_replay"] or k["category"] == "session_replay"),
        "analytics": ids(lambda k: k["category"] == "analytics"),
        "analytics_non_eea": ids(lambda k: k["category"] == "analytics" and k["non_eea_owner"]),
        "ip_exposed_non_eea": ids(
            lambda k: (
                k["category"] in PASSIVE_CATEGORIES
                and k["receives_ip"]
                and k["non_eea_owner"] is True
            )
        ),
        "needs_consent": ids(lambda k: k["needs_consent"]),
        "needs_consent_before_consent": ids(lambda k: k["needs_consent"] and k["before_consent"]),
        "consent_platforms": ids(lambda k: k["category"] == "consent"),
        "non_eea_owners": sorted(
            {f"{k['owner']} ({k['owner_country']})" for k in known_list if k["non_eea_owner"]}
        ),
    }


def _self_hosted(url: str) -> str | None:
    for product, pattern in _SELF_HOSTED:
        if pattern.search(urlsplit(url).path or ""):
            return product
    return None


def _style_urls(html: str, base: str) -> list[str]:
    """URLs in inline ``<style>`` blocks and ``style`` attributes (web fonts, imports)."""
    from urllib.parse import urljoin

    found = []
    for block in re.findall(
        r"<style[^>]*>(.*?)</style>|style\s*=\s*\"([^\"]*)\"", html, re.I | re.S
    ):
        css = block[0] or block[1]
        for match in _CSS_URL.finditer(css):
            raw = (match.group(1) or match.group(2) or "").strip()
            if not raw or raw.startswith("data:"):
                continue
            url = urljoin(base, raw)
            if url.startswith(("http://", "https://")):
                found.append(url)
    return found


def _is_font(url: str) -> bool:
    path = urlsplit(url).path.lower()
    return path.endswith((".woff", ".woff2", ".ttf", ".otf", ".eot")) or "font" in url.lower()


def _pixel_events(
    observations: list[Observation], trackers: Any, first_party: set[str]
) -> list[dict[str, Any]]:
    """Ad pixels that fired, with the event name where the pixel carries one."""
    if trackers is None:
        return []
    events: list[dict[str, Any]] = []
    seen: set[tuple[str, str | None, str]] = set()
    for obs in observations:
        if registrable_domain(obs.host) in first_party:
            continue
        tracker = trackers.match_host(obs.host)
        if tracker is None or not tracker.pixel_events:
            continue
        path = urlsplit(obs.url).path
        for pixel in tracker.pixel_events:
            if not (obs.host == pixel.host or obs.host.endswith("." + pixel.host)):
                continue
            if pixel.path_prefix and not path.startswith(pixel.path_prefix):
                continue
            event = _event_name(obs, pixel.event_param)
            key = (tracker.id, event, obs.mode)
            if key in seen:
                continue
            seen.add(key)
            events.append(
                {
                    "tracker": tracker.id,
                    "event": event,
                    "url": obs.url[:500],
                    "mode": obs.mode,
                    "phase": obs.phase,
                    "evidence": [obs.evidence],
                }
            )
            break
    return events


def _event_name(obs: Observation, param: str) -> str | None:
    """The event parameter from the query string, a form body or a JSON body."""
    values = parse_qs(urlsplit(obs.url).query).get(param)
    if values:
        return values[0][:100]
    body = obs.post_data or ""
    if not body:
        return None
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get(param), str | int):
        return str(data[param])[:100]
    form = parse_qs(body).get(param)
    return form[0][:100] if form else None


# -- cookies -------------------------------------------------------------------------------
def parse_set_cookie(value: str, host: str) -> dict[str, Any]:
    """A Set-Cookie header as a cookie fact (name, domain, flags)."""
    parts = [p.strip() for p in value.split(";")]
    name = parts[0].split("=", 1)[0].strip()
    attributes: dict[str, str] = {}
    for part in parts[1:]:
        key, _, val = part.partition("=")
        attributes[key.strip().lower()] = val.strip()
    domain = attributes.get("domain", "").lstrip(".").lower() or host
    return {
        "name": name,
        "domain": domain,
        "host": host,
        "path": attributes.get("path", "/"),
        "secure": "secure" in attributes,
        "httponly": "httponly" in attributes,
        "samesite": attributes.get("samesite") or None,
        "expires": attributes.get("expires") or attributes.get("max-age") or None,
        "persistent": "expires" in attributes or "max-age" in attributes,
    }


class CookieJudge:
    """Decides third party, known tracker and "essential" for a cookie (heuristic, explained)."""

    def __init__(self, first_party: set[str], trackers: Any, tracker_hosts: set[str]) -> None:
        self.first_party = first_party
        self.trackers = trackers
        self.tracker_hosts = tracker_hosts  # caught by a filter list

    def annotate(self, cookie: dict[str, Any], set_by: str | None) -> dict[str, Any]:
        domain = str(cookie.get("domain") or "").lstrip(".")
        cookie["third_party"] = registrable_domain(domain) not in self.first_party
        tracker = self._tracker(domain, set_by)
        cookie["known_tracker"] = tracker.id if tracker is not None else None
        cookie["set_by"] = set_by
        cookie["essential"] = self._essential(str(cookie.get("name")), domain, tracker, set_by)
        return cookie

    def _tracker(self, domain: str, set_by: str | None) -> Any:
        if self.trackers is None:
            return None
        found = self.trackers.match_host(domain)
        if found is None and set_by:
            host = host_of(set_by)
            if registrable_domain(host) not in self.first_party:
                found = self.trackers.match_host(host)
        return found

    def _essential(self, name: str, domain: str, tracker: Any, set_by: str | None) -> bool | None:
        """False: tracking purpose known; True: a known necessary cookie; None: cannot tell."""
        if tracker is not None and needs_consent(tracker):
            return False
        if _TRACKING_COOKIE.match(name):
            return False
        hosts = {domain, host_of(set_by or "")}
        if any(h and (h in self.tracker_hosts or _suffix_in(h, self.tracker_hosts)) for h in hosts):
            return False
        if _ESSENTIAL_COOKIE.match(name) or (tracker is not None and tracker.consent_platform):
            return True
        return None


def _suffix_in(host: str, hosts: set[str]) -> bool:
    return any(host.endswith("." + other) for other in hosts)


def cookie_facts(
    records: Iterable[HttpRecord],
    browser: BrowserEvidence | None,
    judge: CookieJudge,
    mode: str | None,
) -> dict[str, Any] | None:
    """The ``cookies`` namespace: HTTP (crawler), browser attempted and browser stored."""
    skip = browser_record_ids(browser)
    static: list[dict[str, Any]] = []
    any_record = False
    seen: set[tuple[str, str]] = set()
    for record in records:
        if record.record_id in skip:
            continue
        any_record = True
        host = host_of(record.url)
        for value in record.header_all("set-cookie"):
            cookie = parse_set_cookie(value, host)
            key = (cookie["name"], cookie["domain"])
            if key in seen:
                continue
            seen.add(key)
            judge.annotate(cookie, record.url)
            cookie["evidence"] = [
                {
                    "type": "http",
                    "url": record.url,
                    "warc_record_id": record.record_id,
                    "quote": value[:300],
                    "observed_at": record.date,
                }
            ]
            static.append(cookie)
    if not any_record and browser is None:
        return None
    facts: dict[str, Any] = {"http": static}
    if browser is None or not browser.ran:
        return facts
    attempted = _attempted(browser, judge)
    facts["browser_attempted"] = attempted
    set_by = {(c["name"], c["domain"]): c.get("set_by") for c in attempted}
    stored_raw = browser.jar(PRE_CONSENT)
    if stored_raw is not None:
        preset = _storage_state_cookies(browser)
        stored = []
        for raw in stored_raw:
            cookie = _jar_cookie(raw)
            origin = set_by.get((cookie["name"], cookie["domain"])) or _set_by_suffix(
                set_by, cookie
            )
            judge.annotate(cookie, origin)
            if (cookie["name"], cookie["domain"]) in preset:
                cookie["from_storage_state"] = True  # the saved login's, not the page's
            stored.append(cookie)
        facts["browser_stored"] = stored
        facts["non_essential_before_consent"] = sorted(
            f"{c['name']} ({c['domain']})"
            for c in stored
            if c["essential"] is False and not c.get("from_storage_state")
        )
        facts["third_party_stored"] = sorted(
            f"{c['name']} ({c['domain']})" for c in stored if c["third_party"]
        )
        attempted_keys = {
            (c["name"], c["domain"]) for c in attempted if not c.get("not_applied_by_relay")
        }
        stored_keys = {(c["name"], c["domain"]) for c in stored}
        facts["attempted_not_stored"] = sorted(
            f"{n} ({d})" for n, d in attempted_keys - stored_keys
        )
    if mode:
        facts["third_party_mode"] = mode
    return facts


def _attempted(browser: BrowserEvidence, judge: CookieJudge) -> list[dict[str, Any]]:
    """Set-Cookie headers the browser received and script writes, before any consent."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for request in browser.requests:
        if request.phase not in PRE_CONSENT:
            continue
        for value in request.set_cookie:
            cookie = parse_set_cookie(value, request.host)
            key = (cookie["name"], cookie["domain"])
            if key in found:
                continue
            judge.annotate(cookie, request.url)
            cookie["via"] = "header"
            if request.cookies_not_applied:
                cookie["not_applied_by_relay"] = True
            partitioned = any(a.strip().lower() == "partitioned" for a in value.split(";")[1:])
            if request.cookies_refused and not partitioned:
                cookie["refused_third_party"] = True  # the blocked mode's policy, as Chromium
            cookie["evidence"] = [{**request.evidence(), "quote": value[:300]}]
            found[key] = cookie
    for write in browser.of_kind("cookie_write"):
        if write.get("phase") not in PRE_CONSENT:
            continue
        frame_host = host_of(str(write.get("frame_url") or ""))
        cookie = parse_set_cookie(str(write.get("value") or ""), frame_host)
        key = (cookie["name"], cookie["domain"])
        if key in found or not cookie["name"]:
            continue
        script = write.get("script") or write.get("frame_url")
        judge.annotate(cookie, str(script) if script else None)
        cookie["via"] = "script"
        cookie["evidence"] = [
            {
                "type": "browser",
                "url": str(write.get("frame_url")),
                "source": f"browser.jsonl#{write.get('seq')}",
                "observed_at": str(write.get("at")),
                "quote": str(write.get("value"))[:300],
            }
        ]
        found[key] = cookie
    return [found[k] for k in sorted(found)]


def _storage_state_cookies(browser: BrowserEvidence) -> set[tuple[str, str]]:
    return {
        (str(c.get("name")), str(c.get("domain") or "").lstrip("."))
        for entry in browser.of_kind("storage_state")
        for c in entry.get("cookies") or []
    }


def _jar_cookie(raw: dict[str, Any]) -> dict[str, Any]:
    expires = raw.get("expires")
    persistent = isinstance(expires, int | float) and expires > 0
    return {
        "name": str(raw.get("name")),
        "domain": str(raw.get("domain") or "").lstrip("."),
        "path": str(raw.get("path") or "/"),
        "secure": bool(raw.get("secure")),
        "httponly": bool(raw.get("httpOnly")),
        "samesite": raw.get("sameSite"),
        "expires": str(int(expires)) if persistent and expires is not None else None,
        "persistent": persistent,
    }


def _set_by_suffix(set_by: dict[tuple[str, str], Any], cookie: dict[str, Any]) -> str | None:
    """A script cookie stored for the page's registrable domain: match on name and site."""
    for (name, domain), origin in set_by.items():
        if name == cookie["name"] and registrable_domain(domain) == registrable_domain(
            cookie["domain"]
        ):
            return str(origin) if origin else None
    return None


def tracker_namespaces(
    bundle: Bundle,
    pages: list[FetchedPage],
    records: list[HttpRecord],
    first_party: set[str],
    trackers: Any,
    eea: frozenset[str] | None = None,
) -> dict[str, dict[str, Any]]:
    """``trackers``, ``cookies`` and ``browser``, each only when its evidence was collected."""
    eea = eea_countries() if eea is None else eea
    browser = load_browser_evidence(bundle)
    ran = browser is not None and browser.ran
    observations = static_observations(pages)
    if browser is not None and ran:
        observations += browser_observations(browser)
    namespaces: dict[str, dict[str, Any]] = {}
    modes = (["static"] if any(page.parsed is not None for page in pages) else []) + (
        ["browser"] if ran else []
    )
    if modes:
        matcher = FilterMatcher.from_bundle(bundle)
        namespaces["trackers"] = tracker_facts(
            observations, first_party, trackers, eea, matcher, modes
        )
    flagged = {
        str(h["host"])
        for h in namespaces.get("trackers", {}).get("third_party_hosts", [])
        if h.get("filter_list_rule")
    }
    judge = CookieJudge(first_party, trackers, flagged)
    cookies = cookie_facts(records, browser, judge, browser.mode if browser else None)
    if cookies is not None:
        namespaces["cookies"] = cookies
    if browser is not None:
        namespaces["browser"] = browser_facts(browser, first_party, trackers)
    return namespaces


@cache
def eea_countries() -> frozenset[str]:
    """EEA member codes from the knowledge base (owner countries are compared to them)."""
    from rgpd_check.knowledge import load_countries

    countries = load_countries()
    return frozenset(code for code in countries.countries if countries.is_eea(code))
