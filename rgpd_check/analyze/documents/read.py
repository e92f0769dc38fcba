"""Read one document: every signal with its status, value, scope and quotes.

``read_text`` is pure (text in, facts out); ``read_document`` adds extraction from bytes.
Every signal name is always present in the output, ``not_found`` when the text says nothing.
"""

from __future__ import annotations

from typing import Any

from rgpd_check.analyze.documents.ages import find_min_age
from rgpd_check.analyze.documents.art28 import LETTERS, find_clauses
from rgpd_check.analyze.documents.document import Document
from rgpd_check.analyze.documents.extract import extract_text
from rgpd_check.analyze.documents.language import detect_language
from rgpd_check.analyze.documents.matcher import find_hits
from rgpd_check.analyze.documents.resolve import Quote, SignalResult, quote_span, resolve
from rgpd_check.analyze.documents.vocabulary import Vocabulary, load_vocabulary

SIGNALS: tuple[str, ...] = (
    "controller_identity",
    "host_declared",
    "dpo_contact",
    "dpa_offered",
    "dpa_paid_plans_only",
    "role_processor",
    "role_controller",
    "subprocessors_list",
    "transfer_outside_eea",
    "scc",
    "dpf",
    "adequacy",
    "hosting_location",
    "retention_period",
    "rights_and_complaint",
    "min_age",
    "parental_consent",
    "ads_targeted",
    "data_sale",
    "ads_partners_sharing",
    "profiling",
    "ai_training",
    "no_ads_commitment",
    "no_sale_commitment",
    "art28_clauses",
)


def _min_age(doc: Document) -> SignalResult:
    finding = find_min_age(doc)
    if finding.value is None and finding.table is None:
        return SignalResult()
    quotes = [quote_span(doc, i, s, e) for i, s, e in finding.quotes]
    extra = {"table": finding.table} if finding.table is not None else {}
    return SignalResult("affirmed", finding.value, None, quotes, extra)


def _art28(doc: Document) -> SignalResult:
    finding = find_clauses(doc)
    extra = {"agreement": finding.agreement}
    if not finding.clauses:
        return SignalResult(extra=extra)
    quotes = []
    for letter in LETTERS:
        if letter in finding.clauses:
            index, start, end = finding.clauses[letter]
            quote = quote_span(doc, index, start, end)
            quote.extra["clause"] = letter
            quotes.append(quote)
    return SignalResult("affirmed", sorted(finding.clauses), None, quotes, extra)


def read_signals(doc: Document) -> dict[str, SignalResult]:
    """Results for every signal of the vocabulary, internal ones included."""
    vocab = doc.vocab
    results: dict[str, SignalResult] = {}
    for name, spec in vocab.signals.items():
        if name == "min_age":
            results[name] = _min_age(doc)
        elif name == "art28_clauses":
            results[name] = _art28(doc)
        elif not spec.combine:
            results[name] = resolve(doc, find_hits(doc, spec), spec.value)
    for name, spec in vocab.signals.items():
        if spec.combine:
            parts = [results[p] for p in spec.combine]
            if all(p.status == "affirmed" for p in parts):
                quotes: list[Quote] = [p.quotes[0] for p in parts if p.quotes]
                scope = next((p.scope for p in parts if p.scope), None)
                results[name] = SignalResult("affirmed", None, scope, quotes)
            else:
                results[name] = SignalResult()
    for name, spec in vocab.signals.items():
        source = results[name]
        if source.status != "denied":
            continue
        for target, value in spec.on_denied:
            if results[target].status != "affirmed":
                results[target] = SignalResult("affirmed", value, source.scope, list(source.quotes))
    return results


def read_text(
    text: str, *, url: str | None = None, lang: str | None = None, vocab: Vocabulary | None = None
) -> dict[str, Any]:
    """Signals of one document's extracted text."""
    vocab = vocab or load_vocabulary()
    doc = Document.build(text, lang if lang in ("fr", "en") else None, vocab)
    if doc.lang is None:
        lang = doc.lang = detect_language(text, vocab, folded=doc.folded.folded)
    results = read_signals(doc)
    return {"lang": lang, "signals": {name: results[name].to_dict(text, url) for name in SIGNALS}}


def read_document(
    data: bytes,
    *,
    content_type: str | None = None,
    filename: str | None = None,
    url: str | None = None,
    lang: str | None = None,
) -> dict[str, Any]:
    """Extract then read one document (HTML, Markdown, text, PDF or DOCX).

    ``lang`` ('fr'/'en') overrides the detected language of the document.
    """
    extracted = extract_text(data, content_type=content_type, filename=filename)
    result = read_text(extracted.text, url=url, lang=lang or extracted.lang)
    result["format"] = extracted.format
    result["title"] = extracted.title
    return result
