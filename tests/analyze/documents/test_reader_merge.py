"""Merging a tool's documents: provenance, precedence and conflicts."""

from __future__ import annotations

from typing import Any

from rgpd_check.analyze.documents.merge import merge_documents
from rgpd_check.analyze.documents.read import SIGNALS, read_text


def _doc(url: str, kind: str, text: str) -> dict[str, Any]:
    return {"url": url, "type": kind, "signals": read_text(text, url=url)["signals"]}


POLICY = _doc("https://t.example/privacy", "privacy_policy",
              "Toutes les données sont hébergées en France. Nous ne vendons jamais vos données.")
TERMS = _doc("https://t.example/terms", "terms",
             "We may sell your personal information to our partners. You must be at least 13 "
             "years old to use the service.")
DPA = _doc("https://t.example/dpa", "dpa",
           "Data Processing Agreement\n\nThe sub-processors are:\n\n- Mailgun Technologies, "
           "Inc. (United States) – e-mail\n\nPersonal data is transferred to the United States "
           "under the Standard Contractual Clauses.")


def test_every_signal_with_sources() -> None:
    merged = merge_documents([POLICY, TERMS, DPA])
    assert list(merged["signals"]) == list(SIGNALS)
    age = merged["signals"]["min_age"]
    assert age["value"] == 13
    assert age["sources"] == ["https://t.example/terms"]
    assert all(q["url"] == "https://t.example/terms" for q in age["quotes"])
    assert merged["signals"]["dpf"] == {"present": False, "status": "not_found", "value": None,
                                        "scope": None, "quotes": [], "sources": []}


def test_affirmation_beats_denial_and_both_are_recorded() -> None:
    merged = merge_documents([POLICY, TERMS])
    sale = merged["signals"]["data_sale"]
    assert sale["status"] == "affirmed"
    assert sale["sources"] == ["https://t.example/terms"]
    conflict = next(c for c in merged["conflicts"] if c["signal"] == "data_sale")
    assert conflict["kind"] == "affirmed_vs_denied"
    assert conflict["statement_a"]["url"] == "https://t.example/terms"
    assert conflict["statement_b"]["status"] == "denied"
    assert "vendons" in conflict["statement_b"]["quote"]["text"]


def test_eea_hosting_against_transfers_and_subprocessors() -> None:
    kinds = {c["kind"] for c in merge_documents([POLICY, DPA])["conflicts"]}
    assert {"eea_hosting_vs_transfer", "eea_hosting_vs_subprocessors"} <= kinds


def test_different_hosting_locations() -> None:
    other = _doc("https://t.example/security", "security", "Our data is stored in Ireland.")
    merged = merge_documents([POLICY, other])
    assert merged["signals"]["hosting_location"]["value"] == ["FR", "IE"]
    conflict = next(c for c in merged["conflicts"] if c["kind"] == "hosting_location_mismatch")
    assert {conflict["statement_a"]["value"][0], conflict["statement_b"]["value"][0]} == \
        {"FR", "IE"}


def test_no_conflict_when_documents_agree() -> None:
    again = _doc("https://t.example/faq", "other", "Les données sont stockées en France.")
    assert merge_documents([POLICY, again])["conflicts"] == []
