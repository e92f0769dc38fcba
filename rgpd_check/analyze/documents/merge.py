"""Merge the signals of a tool's documents, keeping provenance and recording conflicts.

An affirmation in any document beats silence elsewhere, and every quote keeps the URL of the
document that said it. Disagreements are facts of their own: a denial against an
affirmation, two different hosting countries, or hosting declared in the EEA while another
document lists transfers or sub-processors outside it.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any

from rgpd_check.analyze.documents.read import SIGNALS
from rgpd_check.analyze.documents.vocabulary import load_vocabulary

_DEFAULT_ORDER = (
    "dpa",
    "legal_notice",
    "privacy_policy",
    "terms",
    "children_privacy",
    "subprocessors",
    "security",
    "cookie_policy",
    "other",
)
_ORDER = {
    "controller_identity": ("legal_notice", "privacy_policy", "terms", "dpa"),
    "host_declared": ("legal_notice", "privacy_policy", "terms", "dpa", "subprocessors"),
    "dpo_contact": ("privacy_policy", "legal_notice", "dpa", "children_privacy"),
    "min_age": ("terms", "children_privacy", "privacy_policy"),
    "parental_consent": ("children_privacy", "terms", "privacy_policy"),
    "subprocessors_list": ("subprocessors", "dpa", "privacy_policy"),
    "art28_clauses": ("dpa",),
}
_UNION = frozenset({"hosting_location", "art28_clauses"})


def _rank(signal: str, doc_type: str) -> int:
    order = _ORDER.get(signal, ()) + _DEFAULT_ORDER
    return order.index(doc_type) if doc_type in order else len(order)


def _with_url(quote: dict[str, Any], url: str) -> dict[str, Any]:
    item = dict(quote)
    item.setdefault("url", url)
    if item.get("url") is None:
        item["url"] = url
    return item


def _merge_value(signal: str, values: list[Any]) -> Any:
    present = [v for v in values if v is not None]
    if not present:
        return None
    if signal in _UNION:
        merged: list[Any] = []
        for value in present:
            merged.extend(v for v in value if v not in merged)
        return sorted(merged) if signal == "art28_clauses" else merged
    if signal == "subprocessors_list" and all(isinstance(v, dict) for v in present):
        names: list[str] = []
        countries: list[str] = []
        urls: list[str] = []
        for value in present:
            names.extend(n for n in value.get("names") or [] if n not in names)
            countries.extend(c for c in value.get("countries") or [] if c not in countries)
            if value.get("url") and value["url"] not in urls:
                urls.append(value["url"])
        return {"names": names, "countries": countries, "url": urls[0] if urls else None}
    return present[0]


def _statement(doc: dict[str, Any], signal: str) -> dict[str, Any]:
    found = doc["signals"].get(signal) or {}
    quotes = found.get("quotes") or []
    return {
        "url": doc.get("url"),
        "type": doc.get("type"),
        "signal": signal,
        "status": found.get("status", "not_found"),
        "value": found.get("value"),
        "quote": _with_url(quotes[0], doc.get("url") or "") if quotes else None,
    }


def _conflicts(docs: list[dict[str, Any]], eea: frozenset[str]) -> list[dict[str, Any]]:
    conflicts: list[dict[str, Any]] = []

    def status(doc: dict[str, Any], signal: str) -> str:
        return str((doc["signals"].get(signal) or {}).get("status", "not_found"))

    def value(doc: dict[str, Any], signal: str) -> Any:
        return (doc["signals"].get(signal) or {}).get("value")

    for signal in SIGNALS:
        for a, b in combinations(docs, 2):
            pair = {status(a, signal), status(b, signal)}
            if pair == {"affirmed", "denied"}:
                first, second = (a, b) if status(a, signal) == "affirmed" else (b, a)
                conflicts.append(
                    {
                        "signal": signal,
                        "kind": "affirmed_vs_denied",
                        "statement_a": _statement(first, signal),
                        "statement_b": _statement(second, signal),
                    }
                )
    located = [
        d
        for d in docs
        if status(d, "hosting_location") == "affirmed" and value(d, "hosting_location")
    ]
    for a, b in combinations(located, 2):
        if set(value(a, "hosting_location")) != set(value(b, "hosting_location")):
            conflicts.append(
                {
                    "signal": "hosting_location",
                    "kind": "hosting_location_mismatch",
                    "statement_a": _statement(a, "hosting_location"),
                    "statement_b": _statement(b, "hosting_location"),
                }
            )
    in_eea = [d for d in located if set(value(d, "hosting_location")) <= eea]
    for hosted in in_eea:
        for other in docs:
            if other is hosted:
                continue
            if status(other, "transfer_outside_eea") == "affirmed":
                conflicts.append(
                    {
                        "signal": "transfer_outside_eea",
                        "kind": "eea_hosting_vs_transfer",
                        "statement_a": _statement(hosted, "hosting_location"),
                        "statement_b": _statement(other, "transfer_outside_eea"),
                    }
                )
            listed = value(other, "subprocessors_list")
            countries = listed.get("countries") if isinstance(listed, dict) else None
            outside = [c for c in countries or [] if c not in eea]
            if status(other, "subprocessors_list") == "affirmed" and outside:
                conflicts.append(
                    {
                        "signal": "subprocessors_list",
                        "kind": "eea_hosting_vs_subprocessors",
                        "countries_outside_eea": outside,
                        "statement_a": _statement(hosted, "hosting_location"),
                        "statement_b": _statement(other, "subprocessors_list"),
                    }
                )
    return conflicts


def merge_documents(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """One signal set for a tool, with the documents that support each statement."""
    eea = load_vocabulary().places.eea
    docs = [d for d in docs if isinstance(d.get("signals"), dict)]
    merged: dict[str, dict[str, Any]] = {}
    for signal in SIGNALS:
        said = [
            d
            for d in docs
            if (d["signals"].get(signal) or {}).get("status") in ("affirmed", "denied")
        ]
        affirmed = [d for d in said if d["signals"][signal]["status"] == "affirmed"]
        winners = affirmed or [d for d in said if d["signals"][signal]["status"] == "denied"]
        winners = sorted(winners, key=lambda d: _rank(signal, str(d.get("type", "other"))))
        if not winners:
            merged[signal] = {
                "present": False,
                "status": "not_found",
                "value": None,
                "scope": None,
                "quotes": [],
                "sources": [],
            }
            continue
        state = "affirmed" if affirmed else "denied"
        scopes: list[str] = []
        quotes: list[dict[str, Any]] = []
        sources: list[str] = []
        for doc in winners:
            found = doc["signals"][signal]
            url = str(doc.get("url") or "")
            if found.get("scope") and found["scope"] not in scopes:
                scopes.append(found["scope"])
            quotes.extend(_with_url(q, url) for q in found.get("quotes") or [])
            if url not in sources:
                sources.append(url)
        entry: dict[str, Any] = {
            "present": state == "affirmed",
            "status": state,
            "value": _merge_value(signal, [d["signals"][signal].get("value") for d in winners]),
            "scope": " | ".join(scopes) if scopes else None,
            "quotes": quotes,
            "sources": sources,
        }
        first = winners[0]["signals"][signal]
        if "table" in first:
            entry["table"] = first["table"]
        if signal == "art28_clauses":
            entry["agreement"] = any(
                (d["signals"].get(signal) or {}).get("agreement") for d in docs
            )
        merged[signal] = entry
    return {"signals": merged, "conflicts": _conflicts(docs, eea)}
