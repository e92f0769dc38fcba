"""Hosting facts from stored evidence (no network): precedence, CDN, jurisdiction, confidence,
declared versus observed, and the hosting rules on the facts they produce."""

from __future__ import annotations

from functools import cache
from types import SimpleNamespace
from typing import Any

import pytest

from rgpd_check.analyze.hosting import HostingInputs, hosting_facts
from rgpd_check.analyze.network_facts import dns_facts
from rgpd_check.facts import validate_facts
from rgpd_check.knowledge import load_providers
from rgpd_check.rules import RuleSet, evaluate, load_rules

AUDIT_DATE = "2026-11-29T10:00:00Z"
TSV = {
    "name": "file:a.tsv",
    "kind": "file",
    "format": "ip2asn-tsv",
    "data_date": "2026-11-20",
    "country_basis": "registration",
}
TSV_B = {
    "name": "file:b.tsv",
    "kind": "file",
    "format": "ip2asn-tsv",
    "data_date": "2026-11-20",
    "country_basis": "registration",
}
MMDB = {
    "name": "file:geo.mmdb",
    "kind": "file",
    "format": "mmdb",
    "data_date": "2026-11-01",
    "country_basis": "geolocation",
}
BUILTIN = {
    "name": "builtin:geoip2fast",
    "kind": "builtin",
    "format": "geoip2fast",
    "data_date": "2024-06-18",
    "country_basis": "geolocation",
}


@cache
def ruleset() -> RuleSet:
    return load_rules([], include_builtin=True)


def sources(*described: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"type": "source", "rank": rank, **d} for rank, d in enumerate(described, 1)]


def answer(ip: str, source: dict[str, Any], rank: int, **fields: Any) -> dict[str, Any]:
    basis = "geolocation" if source["country_basis"] == "geolocation" else "registration"
    payload = {
        "asn": None,
        "as_name": None,
        "country": None,
        "country_basis": None,
        "network": None,
    }
    payload.update(fields)
    if payload["country"]:
        payload["country_basis"] = basis
    return {
        "type": "answer",
        "ip": ip,
        "source": source["name"],
        "rank": rank,
        "answer": payload if any(fields.values()) else None,
    }


def dns(
    *entries: tuple[str, str, str, list[str]], cnames: dict[str, list[str]] | None = None
) -> dict[str, Any] | None:
    raw = [
        {
            "qname": q,
            "rtype": t,
            "status": s,
            "answers": a,
            "cname_chain": (cnames or {}).get(q, []) if t in ("A", "AAAA") else [],
            "server": "127.0.0.1:53",
            "observed_at": AUDIT_DATE,
        }
        for q, t, s, a in entries
    ]
    return dns_facts(raw, None)


def record(url: str, ip: str) -> SimpleNamespace:
    return SimpleNamespace(url=url, ip=ip)


def page(resources: list[str] = (), links: list[str] = ()) -> SimpleNamespace:  # type: ignore[assignment]
    parsed = SimpleNamespace(
        resources=[SimpleNamespace(url=u) for u in resources],
        links=[SimpleNamespace(url=u) for u in links],
    )
    return SimpleNamespace(parsed=parsed)


def build(
    *,
    records: list[Any],
    dns_facts_: dict[str, Any] | None,
    ip_entries: list[dict[str, Any]],
    pages: list[Any] | None = None,
    documents: dict[str, Any] | None = None,
    complete: bool = True,
    first_party: set[str] | None = None,
) -> dict[str, Any]:
    facts = hosting_facts(
        HostingInputs(
            records=records,
            dns=dns_facts_,
            ip_entries=ip_entries,
            first_party=first_party or {"tool.test"},
            pages=pages or [],
            documents=documents,
            crawl_complete=complete,
            audit_date=AUDIT_DATE,
        ),
        load_providers(),
    )
    assert facts is not None
    problems = validate_facts({"facts_version": 1, "hosting": facts})
    assert problems == []
    return facts


def results(facts: dict[str, Any]) -> dict[str, str]:
    return {
        f.rule: f.result for f in evaluate(ruleset(), {"hosting": facts}) if f.family == "hosting"
    }


def host(facts: dict[str, Any], name: str) -> dict[str, Any]:
    return next(h for h in facts["hosts"] if h["host"] == name)


def simple_tool(
    ip: str,
    *answers: dict[str, Any],
    srcs: tuple[dict[str, Any], ...] = (TSV,),
    mx: tuple[str, list[str]] = ("no_answer", []),
) -> dict[str, Any]:
    return build(
        records=[record("https://tool.test/", ip)],
        dns_facts_=dns(("tool.test", "A", "ok", [ip]), ("tool.test", "MX", mx[0], mx[1])),
        ip_entries=[*sources(*srcs), *answers],
    )


def test_eea_location_but_us_jurisdiction() -> None:
    facts = simple_tool(
        "127.0.0.3", answer("127.0.0.3", TSV, 1, asn=16509, as_name="AMAZON-02", country="IE")
    )
    tool = host(facts, "tool.test")
    assert tool["countries"] == ["IE"] and tool["served_via"] == "direct"
    assert tool["non_eu_jurisdiction"] is True and tool["jurisdictions"] == ["US"]
    assert tool["operators"][0]["id"] == "aws" and tool["operators"][0]["source"]
    assert facts["tool_non_eea_countries"] == [] and facts["tool_eea_only"] is True
    assert facts["tool_non_eu_jurisdiction_providers"] == ["Amazon Web Services"]
    assert "IE" in tool["summary"]["fr"] and "droit extra-européen" in tool["summary"]["fr"]
    found = results(facts)
    assert (found["HOST-001"], found["HOST-002"], found["HOST-010"]) == (
        "no_match",
        "match",
        "no_match",
    )
    assert found["HOST-005"] == "no_match"  # no MX at all: no mail host to worry about


def test_french_host_under_eu_law_with_secnumcloud_offer() -> None:
    facts = simple_tool(
        "127.0.0.2", answer("127.0.0.2", TSV, 1, asn=16276, as_name="OVH", country="FR")
    )
    assert facts["non_eu_jurisdiction"] is False and facts["secnumcloud"] is True
    found = results(facts)
    assert (found["HOST-002"], found["HOST-009"], found["HOST-010"]) == (
        "no_match",
        "match",
        "match",
    )


def test_geolocation_beats_registration_and_both_stay_visible() -> None:
    facts = simple_tool(
        "192.0.2.10",
        answer("192.0.2.10", TSV, 1, asn=16276, as_name="OVH", country="FR"),
        answer("192.0.2.10", MMDB, 2, country="GB"),
        srcs=(TSV, MMDB),
    )
    ip = host(facts, "tool.test")["ips"][0]
    assert (ip["country"], ip["country_basis"], ip["source"]) == (
        "GB",
        "geolocation",
        "file:geo.mmdb",
    )
    assert ip["asn"] == 16276 and ip["provider_id"] == "ovhcloud" and ip["provider_match"] == "asn"
    [disagreement] = ip["disagreements"]
    assert disagreement["kind"] == "geolocation_vs_registration" and disagreement["chosen"] == "GB"
    assert ip["confidence"] == "low"
    assert facts["tool_non_eea_countries"] == ["GB"]
    assert results(facts)["HOST-001"] == "no_match"  # GB has a full adequacy decision
    assert results(facts)["HOST-014"] == "match"


def test_two_files_disagree_first_file_wins_with_low_confidence() -> None:
    facts = simple_tool(
        "127.0.0.2",
        answer("127.0.0.2", TSV, 1, asn=16276, as_name="OVH", country="FR"),
        answer("127.0.0.2", TSV_B, 2, asn=14061, as_name="DIGITALOCEAN-ASN", country="US"),
        srcs=(TSV, TSV_B),
    )
    ip = host(facts, "tool.test")["ips"][0]
    assert (ip["country"], ip["asn"], ip["provider_id"]) == ("FR", 16276, "ovhcloud")
    assert {d["field"] for d in ip["disagreements"]} == {"country", "asn", "provider"}
    assert ip["confidence"] == "low" and "sources_disagree" in ip["confidence_reasons"]
    assert [len(d["values"]) for d in facts["disagreements"]] == [2, 2, 2]
    assert facts["precedence"]["en"].startswith("Country: first a geolocation")


def test_agreeing_geolocation_and_registration_give_high_confidence() -> None:
    facts = simple_tool(
        "127.0.0.2",
        answer("127.0.0.2", TSV, 1, asn=16276, as_name="OVH", country="FR"),
        answer("127.0.0.2", MMDB, 2, country="FR"),
        srcs=(TSV, MMDB),
    )
    assert host(facts, "tool.test")["confidence"] == "high" and facts["confidence"] == "high"
    single = simple_tool("127.0.0.2", answer("127.0.0.2", TSV, 1, asn=16276, country="FR"))
    assert single["confidence"] == "medium"
    assert "registration_country_only" in host(single, "tool.test")["confidence_reasons"]


def test_provider_known_only_by_its_as_name() -> None:
    facts = simple_tool(
        "127.0.0.6",
        answer(
            "127.0.0.6",
            TSV,
            1,
            asn=64512,
            as_name="INFOMANIAK-AS Infomaniak Network SA",
            country="CH",
        ),
    )
    ip = host(facts, "tool.test")["ips"][0]
    assert (ip["provider_id"], ip["provider_match"]) == ("infomaniak", "as_name")
    operator = host(facts, "tool.test")["operators"][0]
    assert (
        operator["unverified"] is True and "à vérifier" in host(facts, "tool.test")["summary"]["fr"]
    )
    assert facts["tool_non_eea_countries"] == ["CH"]
    found = results(facts)
    assert (found["HOST-001"], found["HOST-002"]) == ("no_match", "no_match")  # CH is adequate


def test_cname_to_a_cdn_hides_the_origin() -> None:
    facts = build(
        records=[record("https://www.tool.test/", "127.0.0.3")],
        dns_facts_=dns(
            ("www.tool.test", "A", "ok", ["127.0.0.3"]),
            cnames={"www.tool.test": ["d111.cloudfront.net"]},
        ),
        ip_entries=[
            *sources(TSV),
            answer("127.0.0.3", TSV, 1, asn=16509, as_name="AMAZON-02", country="US"),
        ],
    )
    www = host(facts, "www.tool.test")
    assert www["cdn"] is True and www["cdn_detected_by"] == "cname" and not www["origin_known"]
    assert www["confidence"] == "low" and "cdn_origin_unknown" in www["confidence_reasons"]
    assert "origine des données inconnue" in www["summary"]["fr"]
    assert facts["cdn_only"] is True and facts["cdn_hosts"][0]["cname"] == ["d111.cloudfront.net"]
    assert "tool_countries" not in facts and "tool_non_eea_countries" not in facts
    assert facts["outside_eea"]["tool"] == []  # the CDN edge's country is not a location
    found = results(facts)
    assert (found["HOST-001"], found["HOST-003"], found["HOST-002"]) == (
        "unknown",
        "match",
        "match",
    )


def test_cdn_by_as_and_a_direct_origin_beside_it() -> None:
    facts = build(
        records=[
            record("https://www.tool.test/", "127.0.0.4"),
            record("https://api.tool.test/", "127.0.0.2"),
        ],
        dns_facts_=dns(
            ("www.tool.test", "A", "ok", ["127.0.0.4"]), ("api.tool.test", "A", "ok", ["127.0.0.2"])
        ),
        ip_entries=[
            *sources(TSV),
            answer("127.0.0.4", TSV, 1, asn=13335, as_name="CLOUDFLARENET", country="US"),
            answer("127.0.0.2", TSV, 1, asn=16276, as_name="OVH", country="FR"),
        ],
    )
    assert host(facts, "www.tool.test")["cdn_detected_by"] == "as"
    assert facts["cdn_only"] is False and facts["tool_countries"] == ["FR"]
    assert results(facts)["HOST-003"] == "no_match"


def test_partial_location_never_claims_eea_only() -> None:
    facts = build(
        records=[
            record("https://tool.test/", "127.0.0.2"),
            record("https://app.tool.test/", "127.0.0.11"),
        ],
        dns_facts_=dns(
            ("tool.test", "A", "ok", ["127.0.0.2"]), ("app.tool.test", "A", "ok", ["127.0.0.11"])
        ),
        ip_entries=[
            *sources(TSV),
            answer("127.0.0.2", TSV, 1, asn=16276, country="FR"),
            answer("127.0.0.11", TSV, 1),
        ],
    )
    assert "tool_non_eea_countries" not in facts and "tool_countries" not in facts
    assert host(facts, "app.tool.test")["confidence"] == "none"
    assert results(facts)["HOST-001"] == "unknown" and results(facts)["HOST-010"] == "unknown"
    facts = build(
        records=[
            record("https://tool.test/", "127.0.0.7"),
            record("https://app.tool.test/", "127.0.0.11"),
        ],
        dns_facts_=dns(("tool.test", "A", "ok", ["127.0.0.7"])),
        ip_entries=[*sources(TSV), answer("127.0.0.7", TSV, 1, asn=14061, country="US")],
    )
    assert facts["tool_non_eea_countries"] == ["US"] and "tool_countries" not in facts
    assert results(facts)["HOST-001"] == "match"


def test_no_ip_data_at_all_is_unknown_never_compliant() -> None:
    facts = build(
        records=[record("https://tool.test/", "127.0.0.2")],
        dns_facts_=dns(("tool.test", "A", "ok", ["127.0.0.2"])),
        ip_entries=[],
    )
    assert "ip_sources" not in facts and "stale_sources" not in facts
    found = results(facts)
    for rule in ("HOST-001", "HOST-002", "HOST-003", "HOST-005", "HOST-010", "HOST-011"):
        assert found[rule] == "unknown", rule


@pytest.mark.parametrize(
    ("mx", "answers", "expected"),
    [
        (("ok", ["10 mx.mail.test"]), {"127.0.0.5": ("US", 15169, "GOOGLE")}, "match"),
        (("ok", ["10 mx.mail.test"]), {"127.0.0.5": ("FR", 16276, "OVH")}, "no_match"),
        (("no_answer", []), {}, "no_match"),
        (("timeout", []), {}, "unknown"),
        (("ok", ["10 mx.mail.test"]), {}, "unknown"),
    ],
)
def test_mail_hosting(
    mx: tuple[str, list[str]], answers: dict[str, tuple[str, int, str]], expected: str
) -> None:
    entries = [("tool.test", "A", "ok", ["127.0.0.2"]), ("tool.test", "MX", *mx)]
    if mx[1]:
        entries.append(("mx.mail.test", "A", "ok", ["127.0.0.5"]))
    ip_entries = [*sources(TSV), answer("127.0.0.2", TSV, 1, asn=16276, country="FR")]
    ip_entries += [
        answer(ip, TSV, 1, country=c, asn=n, as_name=a) for ip, (c, n, a) in answers.items()
    ]
    facts = build(
        records=[record("https://tool.test/", "127.0.0.2")],
        dns_facts_=dns(*entries),
        ip_entries=ip_entries,
    )  # type: ignore[arg-type]
    assert results(facts)["HOST-005"] == expected
    if expected == "match":
        assert host(facts, "mx.mail.test")["role"] == "mail"
        assert facts["outside_eea"]["mail"][0]["host"] == "mx.mail.test"
        assert facts["mail_providers"] == ["Google (Google Cloud, Google LLC)"]


def test_third_parties_outside_the_eea() -> None:
    pages = [
        page(
            resources=[
                "https://cdn.other.test/lib.js",
                "https://gone.other.test/x.js",
                "https://static.tool.test/app.css",
            ],
            links=["https://app.tool.test/login"],
        )
    ]
    facts = build(
        records=[record("https://tool.test/", "127.0.0.2")],
        dns_facts_=dns(
            ("tool.test", "A", "ok", ["127.0.0.2"]),
            ("cdn.other.test", "A", "ok", ["127.0.0.7"]),
            ("gone.other.test", "A", "nxdomain", []),
            ("static.tool.test", "A", "ok", ["127.0.0.2"]),
            ("app.tool.test", "A", "ok", ["127.0.0.2"]),
        ),
        ip_entries=[
            *sources(TSV),
            answer("127.0.0.2", TSV, 1, asn=16276, country="FR"),
            answer("127.0.0.7", TSV, 1, asn=14061, as_name="DIGITALOCEAN-ASN", country="US"),
        ],
        pages=pages,
    )
    roles = {h["host"]: h["role"] for h in facts["hosts"]}
    assert roles == {
        "tool.test": "tool",
        "static.tool.test": "tool",
        "app.tool.test": "tool",
        "cdn.other.test": "third_party",
    }
    assert facts["third_party_non_eea_countries"] == ["US"]
    assert results(facts)["HOST-008"] == "match"
    quiet = build(
        records=[record("https://tool.test/", "127.0.0.2")],
        dns_facts_=dns(("tool.test", "A", "ok", ["127.0.0.2"])),
        ip_entries=[*sources(TSV), answer("127.0.0.2", TSV, 1, asn=16276, country="FR")],
        pages=[page()],
    )
    assert quiet["third_party_non_eea_countries"] == [] and results(quiet)["HOST-008"] == "no_match"


def test_stale_builtin_data_is_flagged() -> None:
    facts = simple_tool(
        "2001:41d0::1",
        answer("2001:41d0::1", BUILTIN, 1, as_name="OVH SAS", country="FR"),
        srcs=(BUILTIN,),
    )
    [listed] = facts["ip_sources"]
    assert listed["stale"] is True and listed["age_days"] > 365 and listed["date"] == "2024-06-18"
    assert "plus d'un an" in listed["version"]
    assert facts["stale_sources"] == ["builtin:geoip2fast"]
    ip = host(facts, "tool.test")["ips"][0]
    assert ip["provider_match"] == "as_name" and ip["confidence"] == "low"
    assert results(facts)["HOST-011"] == "match"


def test_stale_data_that_lost_to_fresher_data_is_no_warning() -> None:
    facts = simple_tool(
        "192.0.2.10",
        answer("192.0.2.10", MMDB, 1, country="FR"),
        answer("192.0.2.10", BUILTIN, 2, as_name="OVH SAS", country="FR"),
        srcs=(MMDB, BUILTIN),
    )
    builtin = facts["ip_sources"][1]
    assert (builtin["stale"], builtin["answered"], builtin["used"]) == (True, 1, 0)
    assert facts["stale_sources"] == [] and results(facts)["HOST-011"] == "no_match"
    assert host(facts, "tool.test")["confidence"] == "high"


def test_bundles_without_source_lines_still_read() -> None:
    old = {
        "ip": "127.0.0.2",
        "source": "geoip2fast",
        "source_date": "2024-06-18",
        "answer": {"country": "FR", "asn": None, "as_name": "OVH SAS", "network": None},
    }
    facts = simple_tool("127.0.0.2", old, srcs=())
    assert facts["ip_sources"][0]["name"] == "geoip2fast"
    assert host(facts, "tool.test")["ips"][0]["provider_id"] == "ovhcloud"


def signal(present: bool, value: Any = None, quote: str | None = None) -> dict[str, Any]:
    return {
        "present": present,
        "status": "affirmed" if present else "not_found",
        "value": value,
        "quotes": [
            {"text": quote, "start": 0, "end": len(quote), "url": "https://tool.test/privacy"}
        ]
        if quote
        else [],
    }


def documents(**signals: dict[str, Any]) -> dict[str, Any]:
    return {"types": ["privacy_policy"], "signals": signals}


def us_tool(docs: dict[str, Any] | None, complete: bool = True) -> dict[str, Any]:
    return build(
        records=[record("https://tool.test/", "127.0.0.7")],
        dns_facts_=dns(("tool.test", "A", "ok", ["127.0.0.7"])),
        ip_entries=[
            *sources(TSV),
            answer("127.0.0.7", TSV, 1, asn=14061, as_name="DIGITALOCEAN-ASN", country="US"),
        ],
        documents=docs,
        complete=complete,
    )


def test_declared_france_at_ovh_but_observed_us() -> None:
    quote = "Les données sont hébergées en France par OVHcloud."
    facts = us_tool(
        documents(
            host_declared=signal(
                True, {"name": "OVHcloud", "country": "FR", "address": None}, quote
            ),
            hosting_location=signal(True, ["FR"], quote),
            subprocessors_list=signal(True, {"names": ["OVHcloud"], "countries": [], "url": None}),
            transfer_outside_eea=signal(False),
            scc=signal(False),
            dpf=signal(False),
            adequacy=signal(False),
        )
    )
    declared = facts["declared"]
    assert declared["statement_found"] and declared["countries"] == ["FR"]
    assert declared["providers"] == ["ovhcloud"] and declared["subprocessors"] == ["OVHcloud"]
    assert facts["declared_countries"] == ["FR"]
    kinds = {c["kind"]: c for c in facts["conflicts"]}
    assert kinds["country"]["observed"] == "US" and kinds["country"]["material"] is True
    assert kinds["provider"]["material"] is True
    assert kinds["country"]["evidence"][0] == {
        "type": "document",
        "quote": quote,
        "start": 0,
        "end": len(quote),
        "url": "https://tool.test/privacy",
    }
    found = results(facts)
    assert (found["HOST-004"], found["HOST-012"], found["HOST-007"], found["HOST-006"]) == (
        "match",
        "match",
        "no_match",
        "no_match",
    )


def test_declaration_matching_observation_is_no_conflict() -> None:
    docs = documents(
        host_declared=signal(True, {"name": "OVH", "country": "FR"}),
        hosting_location=signal(True, ["FR"]),
    )
    facts = build(
        records=[record("https://tool.test/", "127.0.0.2")],
        dns_facts_=dns(("tool.test", "A", "ok", ["127.0.0.2"])),
        ip_entries=[*sources(TSV), answer("127.0.0.2", TSV, 1, asn=16276, country="FR")],
        documents=docs,
    )
    assert facts["conflicts"] == [] and results(facts)["HOST-004"] == "no_match"


def test_no_statement_needs_a_complete_crawl() -> None:
    silent = documents(
        host_declared=signal(False),
        hosting_location=signal(False),
        dpf=signal(True, quote="Data Privacy Framework"),
        scc=signal(False),
    )
    facts = us_tool(silent)
    assert facts["declared"]["statement_found"] is False and "conflicts" not in facts
    found = results(facts)
    assert (found["HOST-007"], found["HOST-006"], found["HOST-004"]) == (
        "match",
        "match",
        "unknown",
    )
    assert facts["dpf_status"]["assessment"] == "valid_but_fragile"
    partial = us_tool(silent, complete=False)
    assert "statement_found" not in partial["declared"]
    assert results(partial)["HOST-007"] == "unknown"
    assert "declared" not in us_tool(None)


def test_declared_outside_eea() -> None:
    facts = us_tool(documents(hosting_location=signal(True, ["US"]), host_declared=signal(False)))
    assert facts["declared"]["non_eea_countries"] == ["US"]
    assert facts["conflicts"] == []
    assert results(facts)["HOST-013"] == "match"


def test_hosting_rule_family_size_and_texts() -> None:
    rules = [r for r in ruleset().rules if r.family == "hosting"]
    assert len(rules) >= 10
    for rule in rules:
        assert rule.title["fr"] and rule.title["en"] and rule.recommendation["fr"]
        assert rule.gdpr
    articles = {a for r in rules for a in r.gdpr}
    assert {"44", "45", "46", "48", "49"} <= articles
    refs = {u for r in rules for u in r.references}
    assert "https://questions.assemblee-nationale.fr/q16/16-971QE.htm" in refs  # 2021-22 position


def test_providers_used_here_carry_provenance() -> None:
    providers = load_providers()
    assert len(providers) >= 40
    for provider in providers:
        assert provider.source or provider.unverified
        assert provider.verified_on is not None or provider.unverified
        if provider.cdn_cnames:
            assert provider.cdn_cnames_source and provider.cdn_cnames_source.startswith("https://")
    assert providers.by_cname("x.y.cdn.cloudflare.net")[0].id == "cloudflare"  # type: ignore[index]
    assert providers.by_cname("evilcloudfront.net") is None
