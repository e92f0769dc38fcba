"""The security baseline (GDPR art. 32) from stored pages and headers.

Third parties, trackers and cookies live in ``analyze/trackers.py``.
"""

from __future__ import annotations

from typing import Any

from rgpd_check.analyze.domains import host_of
from rgpd_check.analyze.pages import FetchedPage
from rgpd_check.evidence.warc import HttpRecord


def security_facts(
    records: list[HttpRecord],
    pages: list[FetchedPage],
    entry_hosts: set[str],
    failures: list[dict[str, Any]],
) -> dict[str, Any] | None:
    """The ``security`` namespace (GDPR art. 32 baseline) for the tool's entry hosts."""
    entry_records = [r for r in records if host_of(r.url) in entry_hosts]
    tls_failures = [
        f for f in failures if f.get("reason") == "tls_error" and host_of(f["url"]) in entry_hosts
    ]
    if not entry_records and not tls_failures:
        return None
    facts: dict[str, Any] = {"evidence": []}
    https_records = [r for r in entry_records if r.url.startswith("https://")]
    http_roots = [r for r in entry_records if r.url.startswith("http://")]
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
    if tls_failures or https_records:  # checked: an empty list means "none seen"
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
