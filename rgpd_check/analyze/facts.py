"""Analyze: evidence bundle → facts document. Pure: reads the bundle, never the network.

Each namespace is built by its own module; a namespace whose evidence was not collected is
left out entirely (the facts contract: absent, never empty-but-present).
"""

from __future__ import annotations

from typing import Any

from rgpd_check.analyze.document_facts import document_facts
from rgpd_check.analyze.documents.cache import ReaderCache
from rgpd_check.analyze.domains import host_of, registrable_domain
from rgpd_check.analyze.hosting import HostingInputs, hosting_facts
from rgpd_check.analyze.network_facts import dns_facts
from rgpd_check.analyze.pages import load_pages, page_facts
from rgpd_check.analyze.trackers import tracker_namespaces
from rgpd_check.analyze.web_facts import security_facts
from rgpd_check.collect.ipdata import IPDATA_LOG
from rgpd_check.evidence.bundle import Bundle

FACTS_VERSION = 1

SCHOOL_LEVEL_AGES = {"ecole": (6, 11), "college": (11, 15), "lycee": (15, 18)}
DEFAULT_CONTEXT = {"audience": "pupils-accounts", "school_level": "college"}


def context_facts(audience: str, school_level: str) -> dict[str, Any]:
    """The ``context`` namespace: who uses the tool, how old they are."""
    low, high = SCHOOL_LEVEL_AGES[school_level]
    facts: dict[str, Any] = {
        "audience": audience,
        "school_level": school_level,
        "pupils_personal_data": audience == "pupils-accounts",
    }
    if audience != "teachers":
        facts.update(pupil_age_min=low, pupil_age_max=high)
    return facts


def build_facts(
    bundle: Bundle, context: dict[str, str], *, reader_cache: ReaderCache | None = None
) -> dict[str, Any]:
    """Derive every fact namespace from the stored evidence (the cache only saves time)."""
    records = list(bundle.http_records())
    by_id = {r.record_id: r for r in records}
    by_url: dict[str, Any] = {}
    for record in records:
        by_url.setdefault(record.url, record)
    events = list(bundle.events())
    failures = [
        _failure(e) for e in events if e.get("kind") in ("fetch_failed", "robots_disallowed")
    ]
    pages = load_pages(bundle, by_id)
    audit = bundle.audit
    entry_urls = [str(u) for u in (audit.get("tool") or {}).get("urls", [])]
    entry_finals = [p.final_url for p in pages if p.purpose == "entry" and p.record is not None]
    first_party = {
        registrable_domain(host_of(u)) for u in [*entry_urls, *entry_finals] if host_of(u)
    }
    entry_hosts = {host_of(u) for u in [*entry_urls, *entry_finals]}

    facts: dict[str, Any] = {"facts_version": FACTS_VERSION}
    facts["crawl"] = _crawl_facts(bundle, pages, failures, events, entry_urls, len(records))
    facts["context"] = context_facts(context["audience"], context["school_level"])
    documents = document_facts(pages, failures, first_party, reader_cache=reader_cache)
    types = {str(d["url"]): str(d["type"]) for d in (documents or {}).get("items", [])}
    if records:
        facts["pages"] = page_facts(pages, first_party, by_url, types)
    if documents is not None:
        facts["documents"] = documents
    dns = dns_facts(bundle.dns_entries(), (audit.get("options") or {}).get("dns_server"))
    if dns is not None:
        facts["dns"] = dns
    tracking = tracker_namespaces(bundle, pages, records, first_party, _trackers())
    hosting = hosting_facts(
        HostingInputs(
            records=records,
            dns=dns,
            ip_entries=list(bundle.entries(IPDATA_LOG)),
            first_party=first_party,
            pages=pages,
            documents=documents,
            crawl_complete=bool(facts["crawl"]["complete"]),
            audit_date=bundle.manifest.get("started_at"),
            third_party_hosts={
                str(h["host"])
                for h in (tracking.get("trackers") or {}).get("third_party_hosts", [])
            },
        ),
        _providers(),
    )
    if hosting is not None:
        facts["hosting"] = hosting
    facts.update(tracking)
    security = security_facts(records, pages, entry_hosts, failures)
    if security is not None:
        facts["security"] = security
    return facts


def _failure(event: dict[str, Any]) -> dict[str, Any]:
    failure = {
        k: event[k]
        for k in ("url", "reason", "detail", "purpose", "type")
        if event.get(k) is not None
    }
    declared = (event.get("via") or {}).get("type")
    if "type" not in failure and declared:
        failure["type"] = declared
    return failure


def _crawl_facts(
    bundle: Bundle,
    pages: list[Any],
    failures: list[dict[str, Any]],
    events: list[dict[str, Any]],
    entry_urls: list[str],
    requests: int,
) -> dict[str, Any]:
    entry_pages = [p for p in pages if p.purpose == "entry"]
    entry_ok = [p for p in entry_pages if p.ok]
    key_failures = [f for f in failures if f.get("purpose") in ("entry", "document")]
    budget = any(e.get("kind") == "budget_exhausted" for e in events)
    facts: dict[str, Any] = {
        "entry_urls": entry_urls,
        "pages_fetched": sum(1 for p in pages if p.ok),
        "pages_failed": len(failures),
        "requests": requests,  # responses already read: no second pass over the WARC
        "entry_reachable": bool(entry_ok),
        "complete": bool(entry_ok)
        and len(entry_ok) == len(entry_urls)
        and not key_failures
        and not budget
        and bundle.manifest.get("status") == "complete",
        "failures": failures,
        "robots_disallowed": sorted(
            {str(f["url"]) for f in failures if str(f.get("reason", "")).startswith("robots")}
        ),
        "truncated": sorted({str(e["url"]) for e in events if e.get("kind") == "truncated"}),
        "budget_exhausted": budget,
        "evidence": [ref for p in entry_pages for ref in p.evidence()],
    }
    user_agent = (bundle.audit.get("options") or {}).get("user_agent")
    if user_agent:
        facts["user_agent"] = str(user_agent)
    return facts


def _providers() -> Any:
    from rgpd_check.knowledge import load_providers

    return load_providers()


def _trackers() -> Any:
    from rgpd_check.knowledge import load_trackers

    return load_trackers()
