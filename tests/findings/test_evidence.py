"""Evidence gathering: nearest evidence lists, signal quotes, dedup, caps."""

from __future__ import annotations

from typing import Any

from rgpd_check.findings import cap_value, gather, quote_ref

HTTP = {"type": "http", "url": "https://tool.example/", "warc_record_id": "<urn:uuid:1>"}
DNS = {"type": "dns", "host": "tool.example", "rtype": "A", "answer": "192.0.2.1"}
IP = {"type": "ipdata", "source": "ip2asn", "observed_at": "2026-11-29"}

FACTS: dict[str, Any] = {
    "hosting": {
        "tool_non_eea_countries": ["US"],
        "hosts": [
            {"host": "tool.example", "evidence": [DNS],
             "ips": [{"ip": "192.0.2.1", "country": "US", "evidence": [IP]},
                     {"ip": "192.0.2.2", "country": "US"}]},
        ],
        "evidence": [HTTP],
    },
    "documents": {
        "signals": {
            "min_age": {"present": True, "status": "affirmed", "value": 16,
                        "quotes": [{"text": "at least 16", "start": 5, "end": 16,
                                    "url": "https://tool.example/terms"}]},
        },
        "items": [{"url": "https://tool.example/terms", "type": "terms", "evidence": [HTTP],
                   "signals": {"min_age": {"present": True, "status": "affirmed",
                                           "quotes": [{"text": "16+", "start": 1, "end": 4}]}}}],
    },
}


def test_nearest_evidence_list_wins() -> None:
    gathered = gather(FACTS, ["hosting.hosts.*.ips.*.country"])
    # The first IP has its own evidence; the second falls back to its host's.
    assert gathered.evidence == [IP, DNS]
    assert gathered.facts == {"hosting.hosts.0.ips.0.country": "US",
                              "hosting.hosts.0.ips.1.country": "US"}


def test_ancestor_evidence_for_a_plain_value() -> None:
    gathered = gather(FACTS, ["hosting.tool_non_eea_countries"])
    assert gathered.evidence == [HTTP]


def test_signal_quotes_become_document_refs() -> None:
    gathered = gather(FACTS, ["documents.signals.min_age.value"])
    assert gathered.evidence == [{"type": "document", "url": "https://tool.example/terms",
                                  "quote": "at least 16", "start": 5, "end": 16}]


def test_quotes_and_the_document_evidence_in_a_document_item() -> None:
    gathered = gather(FACTS, ["documents.items.*.signals.min_age.present"])
    assert gathered.evidence == [{"type": "document", "quote": "16+", "start": 1, "end": 4},
                                 HTTP]


def test_dedup_and_cited_values_without_evidence() -> None:
    gathered = gather(FACTS, ["hosting.hosts.*", "hosting.hosts.*.ips.*", "hosting.hosts.*"])
    assert gathered.evidence == [DNS, IP]
    host = gathered.facts["hosting.hosts.0"]
    assert "evidence" not in host and "evidence" not in host["ips"][0]


def test_map_keys_with_dots() -> None:
    facts = {"dns": {"hosts": {"tool.example": {"a": ["192.0.2.1"], "evidence": [DNS]}}}}
    gathered = gather(facts, ["dns.hosts.*.a"])
    assert gathered.evidence == [DNS]
    assert gathered.facts == {'dns.hosts["tool.example"].a': ["192.0.2.1"]}


def test_absent_paths_give_nothing() -> None:
    gathered = gather(FACTS, ["security.hsts", "trackers.known.*"])
    assert gathered.evidence == [] and gathered.facts == {}


def test_evidence_is_capped_with_a_count() -> None:
    facts = {"trackers": {"known": [
        {"id": f"t{i}", "evidence": [{"type": "http", "url": f"https://t{i}.example/"}]}
        for i in range(30)
    ]}}
    gathered = gather(facts, ["trackers.known.*"])
    assert len(gathered.evidence) == 25 and gathered.truncated == 5


def test_cap_value() -> None:
    assert cap_value(["a"] * 3, limit=100) == ["a", "a", "a"]
    capped = cap_value(["abcdefghij"] * 20, limit=60)
    assert capped[-1] == "… (16 more)" and len(capped) == 5
    assert cap_value("x" * 50, limit=10) == "x" * 10 + "…"


def test_quote_ref_without_url() -> None:
    assert quote_ref({"text": "t", "start": 0, "end": 1}) == {
        "type": "document", "quote": "t", "start": 0, "end": 1}
