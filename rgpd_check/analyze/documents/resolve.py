"""From hits to one result per signal: status, value, scope and quotes.

Within one document an affirmation outweighs a denial (a risk stated anywhere must surface),
and a denial outweighs silence. Quotes are exact slices of the extracted text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rgpd_check.analyze.documents.document import Document
from rgpd_check.analyze.documents.matcher import Hit

MAX_QUOTES = 3
_MAX_QUOTE_CHARS = 400
_CONTEXT = 160


@dataclass
class Quote:
    """A quoted span of the extracted text, with optional extra keys (the art. 28 letter)."""

    start: int
    end: int
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class SignalResult:
    """The reader's verdict on one signal in one document."""

    status: str = "not_found"
    value: Any = None
    scope: str | None = None
    quotes: list[Quote] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, text: str, url: str | None) -> dict[str, Any]:
        """The JSON shape of the issue: present, status, value, scope, quotes."""
        quotes = []
        for quote in self.quotes:
            item: dict[str, Any] = {
                "text": text[quote.start : quote.end],
                "start": quote.start,
                "end": quote.end,
            }
            if url is not None:
                item["url"] = url
            item.update(quote.extra)
            quotes.append(item)
        result: dict[str, Any] = {
            "present": self.status == "affirmed",
            "status": self.status,
            "value": self.value,
            "scope": self.scope,
            "quotes": quotes,
        }
        result.update(self.extra)
        return result


def quote_span(doc: Document, index: int, fstart: int, fend: int) -> Quote:
    """The sentence holding a match, cut around the match when the sentence is very long."""
    sentence = doc.sentences[index]
    start, end = sentence.start, sentence.end
    if end - start > _MAX_QUOTE_CHARS:
        m_start, m_end = doc.folded.original_span(fstart, fend)
        start = max(start, m_start - _CONTEXT)
        end = min(end, m_end + _CONTEXT)
        while start > sentence.start and not doc.text[start - 1].isspace():
            start -= 1
        while end < sentence.end and not doc.text[end].isspace():
            end += 1
    text = doc.text
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Quote(start, end)


def _merge_values(kind: str | None, values: list[Any], eea: frozenset[str]) -> Any:
    present = [v for v in values if v is not None]
    if not present:
        return None
    if kind == "places":
        merged: list[str] = []
        for value in present:
            merged.extend(c for c in value if c not in merged)
        if "EU" in merged and any(c in eea and c != "EU" for c in merged):
            merged.remove("EU")
        return merged
    if kind == "subprocessors":
        names: list[str] = []
        countries: list[str] = []
        url = None
        for value in present:
            names.extend(n for n in value.get("names", []) if n not in names)
            countries.extend(c for c in value.get("countries", []) if c not in countries)
            url = url or value.get("url")
        return {"names": names, "countries": countries, "url": url}
    return present[0]


def resolve(doc: Document, hits: list[Hit], value_kind: str | None) -> SignalResult:
    """One result from the hits of one signal."""
    affirmed = [h for h in hits if h.status == "affirmed"]
    denied = [h for h in hits if h.status == "denied"]
    chosen = affirmed or denied
    if not chosen:
        return SignalResult()
    quotes: list[Quote] = []
    seen: set[int] = set()
    # A body sentence says more than a heading: quote headings only when nothing else says it.
    for hit in sorted(chosen, key=lambda h: (doc.sentences[h.index].is_heading, h.fstart)):
        if hit.index in seen:
            continue
        seen.add(hit.index)
        if len(quotes) < MAX_QUOTES:
            quotes.append(quote_span(doc, hit.index, hit.fstart, hit.fend))
    scopes: list[str] = []
    if all(hit.scope for hit in chosen):  # one unqualified statement means no limit
        for hit in chosen:
            if hit.scope not in scopes:
                scopes.append(str(hit.scope))
    return SignalResult(
        status="affirmed" if affirmed else "denied",
        value=_merge_values(value_kind, [h.value for h in chosen], doc.vocab.places.eea),
        scope=" | ".join(scopes[:3]) if scopes else None,
        quotes=quotes,
    )
