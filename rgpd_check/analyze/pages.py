"""Pages: each fetched URL, where it ended up, what it says and what it loads.

Built from the WARC responses and the crawler's ``page`` events only, so ``evaluate`` can
rebuild it from a stored bundle. Every page fact cites its WARC record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rgpd_check.analyze.domains import host_of, registrable_domain
from rgpd_check.analyze.html import ParsedPage, parse_page
from rgpd_check.analyze.text import TEXT_NORMALISATION_VERSION, text_hash
from rgpd_check.evidence.bundle import Bundle
from rgpd_check.evidence.content import decode_content, decode_text
from rgpd_check.evidence.warc import HttpRecord

HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_LINKS = 200


@dataclass
class FetchedPage:
    """A page as analysis sees it: the crawler's intent plus the final response."""

    url: str
    final_url: str
    purpose: str
    via: dict[str, Any]
    record: HttpRecord | None
    body: bytes = b""
    body_problem: str | None = None
    text: str | None = None
    charset: str | None = None
    parsed: ParsedPage | None = None

    @property
    def content_type(self) -> str:
        if self.record is None:
            return ""
        return (self.record.header("content-type") or "").split(";")[0].strip().lower()

    @property
    def is_html(self) -> bool:
        if self.content_type in HTML_TYPES:
            return True
        return not self.content_type and self.body.lstrip()[:1] == b"<"

    @property
    def ok(self) -> bool:
        return self.record is not None and 200 <= self.record.status < 300

    def evidence(self) -> list[dict[str, Any]]:
        if self.record is None:
            return []
        ref: dict[str, Any] = {
            "type": "http",
            "url": self.record.url,
            "warc_record_id": self.record.record_id,
            "observed_at": self.record.date,
        }
        return [ref]


def load_pages(bundle: Bundle, records: dict[str, HttpRecord]) -> list[FetchedPage]:
    """Pages in crawl order, decoded and parsed once (HTML only)."""
    pages: list[FetchedPage] = []
    seen: set[str] = set()
    for event in bundle.events():
        if event.get("kind") != "page" or event.get("final_url") in seen:
            continue
        final_url = str(event.get("final_url") or event.get("url"))
        seen.add(final_url)
        record = records.get(str(event.get("record_id"))) if event.get("record_id") else None
        page = FetchedPage(
            url=str(event.get("url")),
            final_url=final_url,
            purpose=str(event.get("purpose")),
            via=dict(event.get("via") or {}),
            record=record,
        )
        if record is not None:
            page.body, page.body_problem = decode_content(
                record.body, record.header("content-encoding")
            )
            if page.body_problem is not None:
                # Bomb or unknown coding: what was decoded is not the page; read nothing.
                page.body = b""
            elif record.truncated:
                # A cut body is not the document: it must come out unreadable, never as
                # "read, and this clause is missing".
                page.body_problem = "truncated"
            elif page.ok and page.is_html:
                page.text, page.charset = decode_text(page.body, record.header("content-type"))
                page.parsed = parse_page(page.text, final_url)
        pages.append(page)
    return pages


def redirect_chain(start: str, records_by_url: dict[str, HttpRecord], limit: int = 20) -> list[str]:
    """URLs from ``start`` through each stored 3xx Location."""
    from urllib.parse import urljoin

    chain = [start]
    url = start
    for _ in range(limit):
        record = records_by_url.get(url)
        if record is None or record.status not in (301, 302, 303, 307, 308):
            break
        location = record.header("location")
        if not location:
            break
        url = urljoin(url, location.strip())
        if url in chain:
            break
        chain.append(url)
    return chain


def page_facts(
    pages: list[FetchedPage],
    first_party: set[str],
    records_by_url: dict[str, HttpRecord],
    doc_types: dict[str, str],
) -> dict[str, Any]:
    """The ``pages`` namespace."""
    items: list[dict[str, Any]] = []
    for page in pages:
        if page.record is None:
            continue
        item: dict[str, Any] = {
            "url": page.url,
            "final_url": page.final_url,
            "status": page.record.status,
            "content_type": page.content_type,
            "redirects": redirect_chain(page.url, records_by_url)[1:],
            "truncated": page.record.truncated,
            "doc_type": doc_types.get(page.final_url),
            "evidence": page.evidence(),
        }
        if page.parsed is not None and page.text is not None:
            third = sorted(
                {
                    host_of(r.url)
                    for r in page.parsed.resources
                    if registrable_domain(host_of(r.url)) not in first_party
                }
            )
            item.update(
                lang=page.parsed.lang,
                title=page.parsed.title,
                charset=page.charset,
                text_hash=text_hash(page.parsed.text),
                text_hash_version=TEXT_NORMALISATION_VERSION,
                text_length=len(page.parsed.text),
                links_count=len(page.parsed.links),
                third_party_hosts=third,
                third_party_domains=sorted({registrable_domain(h) for h in third}),
                links=list(dict.fromkeys(link.url for link in page.parsed.links))[:MAX_LINKS],
            )
        items.append(item)
    return {"count": len(items), "items": items}
