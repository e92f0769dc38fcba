"""Third parties, cookies and the security baseline, from stored pages and headers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rgpd_check.analyze.domains import host_of, registrable_domain
from rgpd_check.analyze.pages import FetchedPage
from rgpd_check.evidence.warc import HttpRecord


def third_party_facts(
    pages: list[FetchedPage], first_party: set[str], trackers: Any
) -> dict[str, Any] | None:
    """The ``trackers`` namespace (static evidence): hosts the pages make a browser contact."""
    parsed = [p for p in pages if p.parsed is not None]
    if not parsed:
        return None
    by_host: dict[str, dict[str, Any]] = {}
    for page in parsed:
        assert page.parsed is not None
        for resource in page.parsed.resources:
            host = host_of(resource.url)
            domain = registrable_domain(host)
            if not host or domain in first_party:
                continue
            entry = by_host.setdefault(
                host,
                {"host": host, "domain": domain, "kinds": set(), "seen_on": [], "evidence": []},
            )
            entry["kinds"].add(resource.kind)
            if page.final_url not in entry["seen_on"] and len(entry["seen_on"]) < 5:
                entry["seen_on"].append(page.final_url)
                entry["evidence"].extend(page.evidence())
    hosts = []
    for host in sorted(by_host):
        entry = by_host[host]
        entry["kinds"] = sorted(entry["kinds"])
        hosts.append(entry)
    known: dict[str, dict[str, Any]] = {}
    if trackers is not None:
        for entry in hosts:
            tracker = trackers.match_host(entry["host"])
            if tracker is None:
                continue
            fact = known.setdefault(
                tracker.id,
                {
                    "id": tracker.id,
                    "name": tracker.name,
                    "category": tracker.category,
                    "owner": tracker.owner,
                    "owner_country": tracker.owner_country,
                    "advertising": bool(tracker.advertising),
                    "session_replay": bool(tracker.session_replay),
                    "receives_ip": bool(getattr(tracker, "receives_ip", False)),
                    "hosts": [],
                    "seen_on": [],
                    "mode": "static",
                    "evidence": [],
                },
            )
            fact["hosts"].append(entry["host"])
            fact["seen_on"] = sorted(set(fact["seen_on"]) | set(entry["seen_on"]))
            fact["evidence"].extend(entry["evidence"][:3])
    known_list = [known[k] for k in sorted(known)]
    facts: dict[str, Any] = {
        "third_party_hosts": hosts,
        "third_party_domains": sorted({h["domain"] for h in hosts}),
    }
    if trackers is not None:
        facts.update(
            known=known_list,
            categories=sorted({k["category"] for k in known_list}),
            advertising=[k["id"] for k in known_list if k["advertising"]],
            session_replay=[k["id"] for k in known_list if k["session_replay"]],
        )
    return facts


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


def cookie_facts(records: Iterable[HttpRecord], first_party: set[str]) -> dict[str, Any] | None:
    """The ``cookies`` namespace from HTTP headers (the browser adds what scripts set)."""
    cookies: list[dict[str, Any]] = []
    any_record = False
    seen: set[tuple[str, str]] = set()
    for record in records:
        any_record = True
        host = host_of(record.url)
        for value in record.header_all("set-cookie"):
            cookie = parse_set_cookie(value, host)
            key = (cookie["name"], cookie["domain"])
            if key in seen:
                continue
            seen.add(key)
            cookie["third_party"] = registrable_domain(cookie["domain"]) not in first_party
            cookie["evidence"] = [
                {
                    "type": "http",
                    "url": record.url,
                    "warc_record_id": record.record_id,
                    "quote": value[:300],
                    "observed_at": record.date,
                }
            ]
            cookies.append(cookie)
    if not any_record:
        return None
    return {"http": cookies}


def security_facts(
    records: list[HttpRecord],
    pages: list[FetchedPage],
    entry_hosts: set[str],
    failures: list[dict[str, Any]],
) -> dict[str, Any] | None:
    """The ``security`` namespace (GDPR art. 32 baseline) for the tool's entry hosts."""
    entry_records = [r for r in records if host_of(r.url) in entry_hosts]
    if not entry_records:
        return None
    facts: dict[str, Any] = {"evidence": []}
    https_records = [r for r in entry_records if r.url.startswith("https://")]
    http_roots = [r for r in entry_records if r.url.startswith("http://")]
    tls_failures = [
        f for f in failures if f.get("reason") == "tls_error" and host_of(f["url"]) in entry_hosts
    ]
    if https_records:
        facts["https"] = True
        hsts_values = [r.header("strict-transport-security") for r in https_records]
        max_ages = [_max_age(v) for v in hsts_values if v]
        facts["hsts"] = any(age > 0 for age in max_ages)
        if max_ages:
            facts["hsts_max_age"] = max(max_ages)
        facts["evidence"].append(_ref(https_records[0]))
        versions = sorted({r.tls_version or "" for r in https_records} - {""})
        if versions:
            facts["tls_version"] = versions[0]
    elif tls_failures:
        facts["https"] = False
    if tls_failures:
        facts["tls_errors"] = sorted(
            {f"{f['url']}: {f.get('detail', '')}"[:300] for f in tls_failures}
        )
    first_http = [
        r for r in http_roots if not any(r.url == f"http://{h}/robots.txt" for h in entry_hosts)
    ]
    if first_http:
        redirected = all(
            r.status in (301, 302, 303, 307, 308)
            and (r.header("location") or "").startswith("https://")
            for r in first_http
        )
        facts["http_redirects_to_https"] = redirected
        facts["evidence"].append(_ref(first_http[0]))
    elif any(
        f.get("purpose") == "probe_http" and f.get("reason") == "connect_refused" for f in failures
    ):
        facts["http_redirects_to_https"] = True  # no plain-HTTP service at all
    insecure: set[str] = set()
    for record in https_records:
        for value in record.header_all("set-cookie"):
            flags = value.lower()
            missing = [flag for flag in ("secure", "httponly", "samesite") if flag not in flags]
            if missing:
                insecure.add(f"{value.split('=', 1)[0].strip()} ({', '.join(missing)})")
    facts["insecure_cookies"] = sorted(insecure)
    mixed: set[str] = set()
    forms: set[str] = set()
    for page in pages:
        if page.parsed is None:
            continue
        for resource in page.parsed.resources:
            if resource.kind == "form" and resource.url.startswith("http://"):
                forms.add(resource.url)
            elif (
                page.final_url.startswith("https://")
                and resource.url.startswith("http://")
                and resource.kind
                in ("script", "stylesheet", "iframe", "image", "media", "object", "embed")
            ):
                mixed.add(resource.url)
    facts["mixed_content"] = sorted(mixed)[:50]
    facts["forms_over_http"] = sorted(forms)[:50]
    return facts


def _max_age(value: str) -> int:
    for part in value.split(";"):
        key, _, val = part.strip().partition("=")
        if key.lower() == "max-age":
            try:
                return int(val.strip().strip('"'))
            except ValueError:
                return 0
    return 0


def _ref(record: HttpRecord) -> dict[str, Any]:
    return {
        "type": "http",
        "url": record.url,
        "warc_record_id": record.record_id,
        "observed_at": record.date,
    }
