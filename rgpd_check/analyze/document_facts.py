"""Documents: which policies, terms, notices and DPAs were found, read, or could not be read.

Types come from the crawler's discovery (link text, URL, rel) or, for pages reached
otherwise, from their URL and title. Signals come from the document reader; a document the
reader fails on is kept with ``read_error`` and contributes no signal (unknown, not "no").
"""

from __future__ import annotations

import hashlib
from typing import Any

from rgpd_check.analyze.discovery import DOCUMENT_TYPES, guess
from rgpd_check.analyze.documents.cache import ReaderCache
from rgpd_check.analyze.domains import host_of, registrable_domain
from rgpd_check.analyze.pages import FetchedPage
from rgpd_check.analyze.text import TEXT_NORMALISATION_VERSION, text_hash

READABLE_TYPES = (
    "application/pdf",
    "text/plain",
    "text/markdown",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
)


def classify_pages(pages: list[FetchedPage]) -> dict[str, tuple[str, float, str]]:
    """final URL → (type, confidence, reason) for every page that is a document."""
    typed: dict[str, tuple[str, float, str]] = {}
    for page in pages:
        if not page.ok or page.purpose in ("probe_http", "sitemap"):
            continue
        declared = page.via.get("type")
        if declared in DOCUMENT_TYPES:
            typed[page.final_url] = (
                str(declared),
                float(page.via.get("confidence") or 0.7),
                str(page.via.get("reason") or ""),
            )
            continue
        title = page.parsed.title if page.parsed is not None else ""
        found = guess(page.final_url, title=title or "")
        if found is not None and (page.purpose != "entry" or found.confidence >= 0.85):
            typed[page.final_url] = (found.type, found.confidence, found.reason)
    return typed


def document_facts(
    pages: list[FetchedPage],
    failures: list[dict[str, Any]],
    first_party: set[str],
    *,
    reader_cache: ReaderCache | None = None,
) -> dict[str, Any] | None:
    """The ``documents`` namespace, or None when no page at all was fetched."""
    if not any(page.ok for page in pages):
        return None
    typed = classify_pages(pages)
    items: list[dict[str, Any]] = []
    for page in pages:
        if page.final_url not in typed:
            continue
        doc_type, confidence, reason = typed[page.final_url]
        item: dict[str, Any] = {
            "url": page.final_url,
            "type": doc_type,
            "confidence": round(confidence, 2),
            "reason": reason,
            "evidence": page.evidence(),
            "on_other_domain": registrable_domain(host_of(page.final_url)) not in first_party,
        }
        item.update(_reading(page, reader_cache))
        items.append(item)
    found = sorted({i["type"] for i in items if "text_hash" in i})
    # A linked document that failed could not be read; a guessed well-known path that
    # failed only tells us the guess was wrong.
    failed_types = {
        str(f["type"])
        for f in failures
        if f.get("type") in DOCUMENT_TYPES and f.get("purpose") == "document"
    }
    unfetched = {i["type"] for i in items if "text_hash" not in i}
    unreadable = sorted((failed_types | unfetched) - set(found))
    facts: dict[str, Any] = {
        "types": found,
        "types_unreadable": unreadable,
        "languages": sorted({str(i["lang"]) for i in items if i.get("lang")}),
        "items": items,
    }
    merged = _merge([i for i in items if "signals" in i])
    if merged is not None:
        facts["signals"] = merged["signals"]
        facts["conflicts"] = merged["conflicts"]
    return facts


def _reading(page: FetchedPage, cache: ReaderCache | None) -> dict[str, Any]:
    """Language, title, format, text hash and signals of one document (or its read error).

    With a cache, a document whose bytes, type and URL were read before by the same reader
    is not extracted nor read again; failures are never cached.
    """
    key: tuple[str, ...] | None = None
    if cache is not None and page.record is not None and page.ok and not page.record.truncated:
        content_type = page.record.header("content-type") or ""
        key = (hashlib.sha256(page.body).hexdigest(), content_type, page.final_url)
        hit = cache.get(key)
        if hit is not None:
            return hit
    text, lang, title, fmt, error = _document_text(page)
    reading: dict[str, Any] = {"lang": lang, "title": title, "format": fmt}
    if error:
        reading["read_error"] = error
    if text is not None:
        reading["text_hash"] = text_hash(text)
        reading["text_hash_version"] = TEXT_NORMALISATION_VERSION
        signals, read_error = _read_signals(text, page.final_url, lang)
        if signals is not None:
            reading["signals"] = signals
        elif read_error:
            reading["read_error"] = read_error
    if key is not None and cache is not None and "read_error" not in reading:
        cache.put(key, reading)
    return reading


def _document_text(page: FetchedPage) -> tuple[str | None, str | None, str | None, str, str | None]:
    """(text, lang, title, format, error) of a fetched document.

    HTML documents go through the reader's own extractor too: it keeps table rows (age
    tables, sub-processor lists) and list items that the page-level main text flattens.
    """
    if page.record is None or not page.ok:
        return None, None, None, "", "not fetched"
    if page.record.truncated:
        return None, None, None, page.content_type, "document tronqué / truncated document"
    from rgpd_check.analyze.documents.extract import UnreadableDocument, extract_text

    try:
        extracted = extract_text(
            page.body,
            content_type=page.record.header("content-type"),
            filename=page.final_url.rsplit("/", 1)[-1],
        )
    except UnreadableDocument as exc:
        return None, None, None, page.content_type, f"illisible / unreadable: {exc}"
    except Exception as exc:  # noqa: BLE001 - a reader crash is recorded, never "compliant"
        return (
            None,
            None,
            None,
            page.content_type,
            f"erreur de lecture / reader error: {type(exc).__name__}",
        )
    return extracted.text, extracted.lang, extracted.title, extracted.format, None


def _read_signals(
    text: str, url: str, lang: str | None
) -> tuple[dict[str, Any] | None, str | None]:
    from rgpd_check.analyze.documents.read import read_text

    try:
        result = read_text(text, url=url, lang=lang)
    except Exception as exc:  # noqa: BLE001 - recorded as unreadable, never as "nothing found"
        return None, f"erreur de lecture / reader error: {type(exc).__name__}: {exc}"
    signals: dict[str, Any] = result["signals"]
    return signals, None


def _merge(items: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not items:
        return None
    from rgpd_check.analyze.documents.merge import merge_documents

    merged: dict[str, Any] = merge_documents(
        [{"url": i["url"], "type": i["type"], "signals": i["signals"]} for i in items]
    )
    return merged
