"""The ``hosting`` namespace: where each host is served from, by whom, under whose law.

Pure: stored DNS answers, WARC addresses and ``ipdata.jsonl`` answers in, facts out. Location
(a country) and jurisdiction (the operator's seat and parent) are kept apart: a server in Paris
run by a US company is in the EEA and still reachable by the CLOUD Act; a CDN address says who
terminates TLS, not where the origin is.

Three-valued throughout: a list such as ``tool_non_eea_countries`` is present only when every
address was located, or when a non-EEA one was found; "none outside the EEA" is never claimed
from partial data. Every per-host conclusion carries a ``confidence`` and its reasons.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rgpd_check.analyze.domains import host_of, registrable_domain
from rgpd_check.collect.guard import special_reason

STALE_AFTER_DAYS = 365
CONFIDENCE_ORDER = ("none", "low", "medium", "high")
MAX_HOST_EVIDENCE = 12
EEA_WORDS = frozenset({"EU", "UE", "EEA", "EEE", "EUROPE"})

PRECEDENCE = {
    "fr": (
        "Pays : d'abord une géolocalisation (bases MaxMind, base intégrée) de moins d'un an, puis"
        " une géolocalisation plus ancienne, puis le pays d'enregistrement de l'AS (iptoasn,"
        " Team Cymru) ; à égalité, l'ordre des sources. AS et nom d'AS : l'ordre des sources —"
        " fichiers --ip-data dans l'ordre donné, puis la source en ligne, puis la base intégrée."
        " Toutes les réponses sont conservées et leurs désaccords signalés."
    ),
    "en": (
        "Country: first a geolocation (MaxMind-format databases, the built-in database) less than"
        " a year old, then an older geolocation, then the AS's registration country (iptoasn,"
        " Team Cymru); ties follow source order. AS number and name: source order — --ip-data"
        " files in the order given, then the online source, then the built-in database. Every"
        " answer is kept and disagreements are reported."
    ),
}

_ROLE_FR = {"tool": "outil", "mail": "messagerie", "third_party": "tiers", "dns": "DNS"}
_CONFIDENCE_FR = {"high": "élevée", "medium": "moyenne", "low": "faible", "none": "aucune"}


@dataclass
class HostingInputs:
    """What the hosting analysis reads from the bundle (already decoded by ``build_facts``)."""

    records: list[Any]
    dns: dict[str, Any] | None
    ip_entries: list[dict[str, Any]]
    first_party: set[str]
    pages: list[Any] = field(default_factory=list)
    documents: dict[str, Any] | None = None
    crawl_complete: bool = False
    audit_date: str | None = None
    # Third-party hosts the trackers analysis saw (static pages and, when it ran, the browser).
    third_party_hosts: set[str] = field(default_factory=set)


@dataclass
class _Knowledge:
    providers: Any
    eea: frozenset[str]
    adequate: frozenset[str]
    dpf: Any = None


def hosting_facts(
    inputs: HostingInputs, providers: Any = None, countries: Any = None
) -> dict[str, Any] | None:
    """The ``hosting`` namespace, or None when no host of any role was observed."""
    knowledge = _knowledge(providers, countries)
    audit_day = _day(inputs.audit_date) or dt.datetime.now(dt.UTC).date()
    sources, answers = _index_ipdata(inputs.ip_entries, audit_day)
    hosts = _hosts_by_role(inputs)
    if not any(hosts.values()):
        return None
    facts: dict[str, Any] = {}
    host_facts: list[dict[str, Any]] = []
    ip_cache: dict[str, dict[str, Any]] = {}
    for role in ("tool", "mail", "third_party"):
        for host, addresses in sorted(hosts[role].items()):
            ips = []
            for ip in sorted(addresses, key=_address_key):
                if ip not in ip_cache:
                    ip_cache[ip] = _ip_fact(ip, answers.get(ip, []), sources, knowledge)
                ips.append(ip_cache[ip])
            cname = list(((inputs.dns or {}).get("hosts", {}).get(host) or {}).get("cname", []))
            host_facts.append(_host_fact(host, role, ips, cname, inputs.dns, knowledge))
    facts["hosts"] = host_facts
    by_role = {
        r: [h for h in host_facts if h["role"] == r] for r in ("tool", "mail", "third_party")
    }
    _location_lists(facts, "tool", by_role["tool"], knowledge)
    if _mail_known(inputs.dns, inputs.first_party):
        _location_lists(facts, "mail", by_role["mail"], knowledge)
    if any(getattr(p, "parsed", None) is not None for p in inputs.pages):
        _location_lists(facts, "third_party", by_role["third_party"], knowledge)
    _jurisdiction_lists(facts, by_role["tool"], knowledge)
    _cdn_lists(facts, host_facts, by_role["tool"])
    _secnumcloud(facts, by_role["tool"], knowledge)
    facts["outside_eea"] = {
        role: _outside_eea_items(hosts_of_role, knowledge)
        for role, hosts_of_role in by_role.items()
    }
    _source_facts(facts, sources, ip_cache, host_facts)
    confidences = [h["confidence"] for h in by_role["tool"]]
    if confidences:
        facts["confidence"] = min(confidences, key=CONFIDENCE_ORDER.index)
    declared = declared_facts(inputs.documents, inputs.crawl_complete, knowledge)
    if declared is not None:
        facts["declared"] = declared
        if "countries" in declared:
            facts["declared_countries"] = declared["countries"]
        conflicts = _conflicts(declared, by_role["tool"], knowledge)
        if conflicts is not None:
            facts["conflicts"] = conflicts
    if knowledge.dpf is not None:
        facts["dpf_status"] = _dpf(knowledge.dpf)
    facts["precedence"] = dict(PRECEDENCE)
    for role, hosts_of_role in by_role.items():
        facts[f"{role}_hosts"] = [_brief(h) for h in hosts_of_role]
    return facts


def _brief(host: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "host",
        "served_via",
        "countries",
        "providers",
        "non_eu_jurisdiction",
        "confidence",
        "summary",
        "evidence",
    )
    return {key: host[key] for key in keys if key in host}


# -- knowledge -------------------------------------------------------------------------------


def _knowledge(providers: Any, countries: Any) -> _Knowledge:
    if countries is None:
        from rgpd_check.knowledge import load_countries

        countries = load_countries()
    eea = frozenset(code for code in countries.countries if countries.is_eea(code))
    adequate = frozenset(
        code
        for code in countries.countries
        if (decision := countries.adequacy_for(code)) is not None and not decision.partial
    )
    return _Knowledge(providers, eea, adequate, getattr(countries, "dpf", None))


def _dpf(dpf: Any) -> dict[str, Any]:
    provenance = dpf.provenance
    status: dict[str, Any] = {
        "assessment": str(dpf.assessment),
        "fr": str(dpf.assessment_fr),
        "en": str(dpf.assessment_en),
        "decision": str(dpf.decision),
        "court_case": str(dpf.court_case),
        "appeal": str(dpf.appeal) if dpf.appeal else None,
        "source": provenance.source,
    }
    if provenance.verified_on is not None:
        status["verified_on"] = provenance.verified_on.isoformat()
    if provenance.unverified:
        status["unverified"] = True
    return status


# -- IP-data evidence ------------------------------------------------------------------------


def _day(text: Any) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def _index_ipdata(
    entries: list[dict[str, Any]], audit_day: dt.date
) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """Sources by name (with age and staleness) and answers by address, best rank first."""
    sources: dict[str, dict[str, Any]] = {}
    answers: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        kind = entry.get("type", "answer")
        if kind == "source":
            sources[str(entry["name"])] = dict(entry)
        elif kind == "answer" and entry.get("ip"):
            answers.setdefault(str(entry["ip"]), []).append(entry)
        elif kind == "note" and str(entry.get("source")) in sources:
            sources[str(entry["source"])]["note"] = str(entry.get("detail", ""))
    for entry in entries:  # bundles from before source lines: make one per answer source
        name = str(entry.get("source"))
        if (
            entry.get("type", "answer") == "answer"
            and name not in sources
            and name != "special-use"
        ):
            sources[name] = {
                "name": name,
                "kind": "builtin" if "geoip2fast" in name else "file",
                "rank": 100 + len(sources),
                "data_date": entry.get("source_date"),
            }
    for source in sources.values():
        day = _day(source.get("data_date"))
        if day is not None:
            source["age_days"] = (audit_day - day).days
            source["stale"] = source["age_days"] > STALE_AFTER_DAYS
    for found in answers.values():
        found.sort(key=lambda e: int(sources.get(str(e.get("source")), {}).get("rank", 999)))
    return sources, answers


def _answer_text(ip: str, answer: dict[str, Any] | None, entry: dict[str, Any]) -> str:
    if not answer:
        if entry.get("special"):
            return f"{ip}: adresse à usage spécial / special-use address ({entry['special']})"
        return f"{ip}: aucune donnée / no data" + (
            f" ({entry['detail']})" if entry.get("detail") else ""
        )
    parts = [ip]
    if answer.get("asn"):
        parts.append(f"AS{answer['asn']}")
    if answer.get("as_name"):
        parts.append(str(answer["as_name"]))
    if answer.get("country"):
        parts.append(f"{answer['country']} ({answer.get('country_basis') or '?'})")
    if answer.get("network"):
        parts.append(f"[{answer['network']}]")
    return " ".join(parts)


def _ip_fact(
    ip: str, entries: list[dict[str, Any]], sources: dict[str, dict[str, Any]], k: _Knowledge
) -> dict[str, Any]:
    """One address: every source's answer, the chosen values and why, disagreements."""
    version = 6 if ":" in ip else 4
    fact: dict[str, Any] = {"ip": ip, "version": version, "evidence": []}
    special = _special(ip)
    if special:
        fact["special"] = special
    answered: list[dict[str, Any]] = []
    for entry in entries:
        name = str(entry.get("source"))
        source = sources.get(name, {})
        answer = entry.get("answer") or None
        ref: dict[str, Any] = {
            "type": "ipdata",
            "host": ip,
            "source": name,
            "answer": _answer_text(ip, answer, entry),
        }
        if source.get("data_date"):
            ref["observed_at"] = str(source["data_date"])
        fact["evidence"].append(ref)
        if answer:
            answered.append(
                {
                    "source": name,
                    "rank": int(source.get("rank", 999)),
                    "data_date": source.get("data_date"),
                    "stale": bool(source.get("stale", False)),
                    "asn": answer.get("asn"),
                    "as_name": answer.get("as_name"),
                    "country": answer.get("country"),
                    "country_basis": answer.get("country_basis"),
                }
            )
    fact["sources"] = answered
    _choose(fact, answered)
    _match_provider(fact, answered, k)
    fact["disagreements"] = _disagreements(fact, answered, k)
    fact["confidence"], fact["confidence_reasons"] = _ip_confidence(fact, answered)
    return fact


def _special(ip: str) -> str | None:
    try:
        return special_reason(ipaddress.ip_address(ip))
    except ValueError:
        return "invalid"


def _choose(fact: dict[str, Any], answered: list[dict[str, Any]]) -> None:
    """Apply the documented precedence, field by field."""
    with_asn = [a for a in answered if a.get("asn")]
    with_name = [a for a in answered if a.get("as_name")]
    with_country = sorted(
        (a for a in answered if a.get("country")),
        key=lambda a: (a.get("country_basis") != "geolocation", a["stale"], a["rank"]),
    )
    fact["asn"] = int(with_asn[0]["asn"]) if with_asn else None
    if with_asn and with_asn[0].get("as_name"):
        fact["as_name"] = str(with_asn[0]["as_name"])
    else:
        fact["as_name"] = str(with_name[0]["as_name"]) if with_name else None
    candidates = with_country or with_asn or with_name
    primary = candidates[0] if candidates else None
    if with_country:
        fact["country"] = str(with_country[0]["country"])
        fact["country_basis"] = with_country[0].get("country_basis")
    else:
        fact["country"] = None
    fact["source"] = str(primary["source"]) if primary else "none"
    fact["source_date"] = primary.get("data_date") if primary else None


def _match_provider(fact: dict[str, Any], answered: list[dict[str, Any]], k: _Knowledge) -> None:
    """By AS number first, then by AS name (geoip2fast gives names only)."""
    fact["provider"] = None
    if k.providers is None:
        return
    provider = k.providers.by_asn(int(fact["asn"])) if fact.get("asn") else None
    match = "asn" if provider is not None else None
    if provider is None:
        for answer in answered:
            if answer.get("as_name"):
                provider = k.providers.by_as_name(str(answer["as_name"]))
                if provider is not None:
                    match = "as_name"
                    break
    if provider is not None:
        fact.update(provider=provider.name, provider_id=provider.id, provider_match=match)


def _disagreements(
    fact: dict[str, Any], answered: list[dict[str, Any]], k: _Knowledge
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    countries = {str(a["country"]) for a in answered if a.get("country")}
    if len(countries) > 1:
        bases = {a.get("country_basis") for a in answered if a.get("country")}
        found.append(
            {
                "field": "country",
                "chosen": fact.get("country"),
                "kind": "conflict" if len(bases) == 1 else "geolocation_vs_registration",
                "values": [
                    {"source": a["source"], "value": a["country"], "basis": a.get("country_basis")}
                    for a in answered
                    if a.get("country")
                ],
            }
        )
    asns = {int(a["asn"]) for a in answered if a.get("asn")}
    if len(asns) > 1:
        found.append(
            {
                "field": "asn",
                "chosen": fact.get("asn"),
                "kind": "conflict",
                "values": [
                    {"source": a["source"], "value": a["asn"]} for a in answered if a.get("asn")
                ],
            }
        )
    if k.providers is not None:
        named = {}
        for a in answered:
            by_number = k.providers.by_asn(int(a["asn"])) if a.get("asn") else None
            by_name = k.providers.by_as_name(str(a["as_name"])) if a.get("as_name") else None
            chosen = by_number or by_name
            if chosen is not None:
                named[a["source"]] = chosen.name
        if len(set(named.values())) > 1:
            found.append(
                {
                    "field": "provider",
                    "chosen": fact.get("provider"),
                    "kind": "conflict",
                    "values": [{"source": s, "value": v} for s, v in named.items()],
                }
            )
    return found


def _ip_confidence(fact: dict[str, Any], answered: list[dict[str, Any]]) -> tuple[str, list[str]]:
    if not fact.get("country"):
        return "none", ["no_location"]
    reasons: list[str] = []
    agreeing = [a for a in answered if a.get("country") == fact["country"]]
    if any(d["field"] in ("country", "provider", "asn") for d in fact["disagreements"]):
        reasons.append("sources_disagree")
    chosen = next(a for a in answered if a["source"] == fact["source"])
    if chosen["stale"]:
        reasons.append("stale_source")
    if fact.get("country_basis") != "geolocation":
        reasons.append("registration_country_only")
    if len(agreeing) >= 2:
        reasons.append("sources_agree")
    else:
        reasons.append("single_source")
    if "sources_disagree" in reasons or "stale_source" in reasons:
        return "low", reasons
    independent = len(agreeing) >= 2 and any(
        a.get("country_basis") == "geolocation" for a in agreeing
    )
    return ("high" if independent else "medium"), reasons


# -- hosts -----------------------------------------------------------------------------------


def _hosts_by_role(inputs: HostingInputs) -> dict[str, dict[str, set[str]]]:
    """host → addresses for the tool's own hosts, its mail exchanges and third parties."""
    dns_hosts: dict[str, Any] = (inputs.dns or {}).get("hosts", {})
    mail = _mail_exchanges(inputs.dns, inputs.first_party)

    def addresses(host: str) -> set[str]:
        answer = dns_hosts.get(host) or {}
        return set(answer.get("a", [])) | set(answer.get("aaaa", []))

    tool: dict[str, set[str]] = {}
    for record in inputs.records:
        host = host_of(record.url)
        if host and registrable_domain(host) in inputs.first_party:
            found = tool.setdefault(host, set())
            if getattr(record, "ip", None):
                found.add(str(record.ip))
    resource_hosts, link_hosts = _page_hosts(inputs.pages)
    for host in sorted(set(dns_hosts) | resource_hosts | link_hosts):
        if host in mail or registrable_domain(host) not in inputs.first_party:
            continue
        if host in dns_hosts or host in resource_hosts:
            tool.setdefault(host, set())
    for host in tool:
        tool[host] |= addresses(host)
    contacted: dict[str, set[str]] = {}
    for record in inputs.records:  # browser requests are relayed and recorded too
        if getattr(record, "ip", None):
            contacted.setdefault(host_of(record.url), set()).add(str(record.ip))
    third: dict[str, set[str]] = {}
    for host in sorted(resource_hosts | inputs.third_party_hosts):
        if not host or registrable_domain(host) in inputs.first_party or host in mail:
            continue
        status = (dns_hosts.get(host) or {}).get("status")
        if status in ("nxdomain", "no_answer") and host not in contacted:
            continue  # no address: the browser cannot send it anything
        third[host] = addresses(host) | contacted.get(host, set())
    return {
        "tool": {h: a for h, a in tool.items() if a or h in dns_hosts},
        "mail": {h: addresses(h) for h in sorted(mail)},
        "third_party": third,
    }


def _page_hosts(pages: Iterable[Any]) -> tuple[set[str], set[str]]:
    resources: set[str] = set()
    links: set[str] = set()
    for page in pages:
        parsed = getattr(page, "parsed", None)
        if parsed is None:
            continue
        resources.update(h for r in parsed.resources if (h := host_of(r.url)))
        links.update(h for link in parsed.links if (h := host_of(link.url)))
    return resources, links


def _mail_exchanges(dns: dict[str, Any] | None, first_party: set[str]) -> set[str]:
    exchanges: set[str] = set()
    for domain, answer in ((dns or {}).get("domains") or {}).items():
        if domain not in first_party:
            continue
        for record in answer.get("mx", []):
            host = str(record).split()[-1].rstrip(".").lower()
            if host and host != ".":
                exchanges.add(host)
    return exchanges


def _mail_known(dns: dict[str, Any] | None, first_party: set[str]) -> bool:
    """MX answered (records, or a definite "no MX") for every first-party domain asked."""
    domains = [d for d in ((dns or {}).get("domains") or {}) if d in first_party]
    if not domains:
        return False
    for domain in domains:
        answer = dns["domains"][domain] if dns else {}
        if "mx" in answer:
            continue
        statuses = [r.get("answer") for r in answer.get("evidence", []) if r.get("rtype") == "MX"]
        if not statuses or any(s not in ("no_answer", "nxdomain") for s in statuses):
            return False
    return True


def _host_fact(
    host: str,
    role: str,
    ips: list[dict[str, Any]],
    cname: list[str],
    dns: dict[str, Any] | None,
    k: _Knowledge,
) -> dict[str, Any]:
    providers = k.providers
    operators: dict[str, Any] = {}
    for ip in ips:
        if ip.get("provider_id") and providers is not None:
            operators[ip["provider_id"]] = providers.get(ip["provider_id"])
    cdn_by_cname = None
    for name in cname:
        if providers is not None and (found := providers.by_cname(name)) is not None:
            cdn_by_cname = {"provider": found[0].name, "provider_id": found[0].id, "cname": name}
            operators.setdefault(found[0].id, found[0])
            break
    cdn_by_as = sorted(p.name for p in operators.values() if p is not None and p.cdn)
    fact: dict[str, Any] = {
        "host": host,
        "role": role,
        "ips": ips,
        "cname": cname,
        "countries": sorted({str(i["country"]) for i in ips if i.get("country")}),
        "providers": sorted({str(p.name) for p in operators.values() if p is not None}),
        "provider_ids": sorted(operators),
        "as_names": sorted({str(i["as_name"]) for i in ips if i.get("as_name")}),
    }
    located = any(i.get("country") or i.get("asn") or i.get("as_name") for i in ips)
    fact["cdn"] = bool(cdn_by_cname or cdn_by_as)
    if fact["cdn"]:
        fact["served_via"] = "cdn"
        fact["cdn_provider"] = cdn_by_cname["provider"] if cdn_by_cname else cdn_by_as[0]
        fact["cdn_detected_by"] = "cname" if cdn_by_cname else "as"
    else:
        fact["served_via"] = "direct" if located else "unknown"
    fact["origin_known"] = fact["served_via"] == "direct"
    _host_jurisdiction(fact, ips, list(operators.values()), cdn_by_cname is not None)
    fact["confidence"], fact["confidence_reasons"] = _host_confidence(fact, ips)
    fact["summary"] = {"fr": _summary(fact, "fr"), "en": _summary(fact, "en")}
    fact["evidence"] = [_conclusion_ref(fact), *_host_evidence(host, ips, dns)]
    return fact


def _host_jurisdiction(
    fact: dict[str, Any], ips: list[dict[str, Any]], operators: list[Any], cname_cdn: bool
) -> None:
    known = [p for p in operators if p is not None]
    exposed = [p for p in known if p.non_eu_law_exposure]
    identified = bool(ips) and all(i.get("provider_id") for i in ips)
    if exposed:
        fact["non_eu_jurisdiction"] = True
    elif known and (identified or cname_cdn):
        fact["non_eu_jurisdiction"] = False
    seats = {p.legal_seat for p in known} | {p.parent_country for p in known if p.parent_country}
    fact["jurisdictions"] = sorted(seats)
    fact["operators"] = [
        {
            "id": p.id,
            "name": p.name,
            "legal_seat": p.legal_seat,
            "parent": p.parent,
            "parent_country": p.parent_country,
            "non_eu_law_exposure": p.non_eu_law_exposure,
            "exposure_note": p.exposure_note,
            "cdn": p.cdn,
            "secnumcloud": list(p.secnumcloud)
            if isinstance(p.secnumcloud, tuple)
            else p.secnumcloud,
            "source": p.source,
            "verified_on": p.verified_on.isoformat() if p.verified_on else None,
            "unverified": p.unverified,
        }
        for p in sorted(known, key=lambda p: p.id)
    ]


def _host_confidence(fact: dict[str, Any], ips: list[dict[str, Any]]) -> tuple[str, list[str]]:
    if not ips:
        return "none", ["no_address"]
    levels = [i["confidence"] for i in ips]
    reasons = sorted({r for i in ips for r in i["confidence_reasons"]})
    level = min(levels, key=CONFIDENCE_ORDER.index)
    if fact["cdn"]:
        reasons.append("cdn_origin_unknown")
        level = "low" if level != "none" else "none"
    return level, reasons


def _conclusion_ref(fact: dict[str, Any]) -> dict[str, Any]:
    """The per-host conclusion as an evidence line, so reports show it beside the answers."""
    addresses = ", ".join(i["ip"] for i in fact["ips"]) or "-"
    where = "/".join(fact["countries"]) or "?"
    if fact["cdn"]:
        via = (
            f"CDN {fact['cdn_provider']} ({where}, {addresses}), origine inconnue / origin unknown"
        )
    elif fact["ips"]:
        via = f"servi depuis / served from {where} ({addresses})"
    else:
        via = "aucune adresse / no address"
    operators = "; ".join(
        f"{o['name']}, siège / seat {o['legal_seat']}"
        + (f", mère / parent {o['parent_country']}" if o["parent_country"] else "")
        + (" (à vérifier / unverified)" if o["unverified"] else "")
        for o in fact["operators"]
    )
    exposed = fact.get("non_eu_jurisdiction")
    if exposed is True:
        law = "droit extra-européen / non-EU law (" + ", ".join(fact["jurisdictions"]) + ")"
    elif exposed is False:
        law = "droit européen / EU law"
    else:
        law = "juridiction inconnue / jurisdiction unknown"
    level = fact["confidence"]
    answer = " · ".join(
        part
        for part in (
            via,
            operators or "opérateur inconnu / operator unknown",
            law,
            f"confiance / confidence : {_CONFIDENCE_FR[level]} / {level}",
        )
        if part
    )
    sources = sorted(
        {f"{i['source']} ({i['source_date'] or '?'})" for i in fact["ips"] if i["source"] != "none"}
    )
    return {
        "type": "ipdata",
        "host": fact["host"],
        "source": ", ".join(sources) or "aucune source / no source",
        "answer": answer,
    }


def _host_evidence(
    host: str, ips: list[dict[str, Any]], dns: dict[str, Any] | None
) -> list[dict[str, Any]]:
    refs = [dict(r) for r in (((dns or {}).get("hosts") or {}).get(host) or {}).get("evidence", [])]
    for ip in ips:
        refs.extend(dict(r) for r in ip["evidence"])
    return refs[:MAX_HOST_EVIDENCE]


def _summary(fact: dict[str, Any], lang: str) -> str:
    """One readable line per host: where, by whom, under which law, from which source."""
    fr = lang == "fr"
    role = _ROLE_FR.get(fact["role"], fact["role"]) if fr else fact["role"].replace("_", " ")
    parts = [f"{fact['host']} ({role})"]
    addresses = ", ".join(
        f"{i['ip']} → {i['country'] or '?'}"
        + (f" AS{i['asn']}" if i.get("asn") else "")
        + (f" {i['as_name']}" if i.get("as_name") else "")
        for i in fact["ips"]
    )
    if not fact["ips"]:
        parts.append("aucune adresse résolue" if fr else "no address resolved")
    elif fact["cdn"]:
        parts.append(
            f"servi via le CDN {fact['cdn_provider']} : origine des données inconnue ({addresses})"
            if fr
            else f"served through the {fact['cdn_provider']} CDN: data origin unknown ({addresses})"
        )
    else:
        parts.append(("servi depuis " if fr else "served from ") + addresses)
    if any(i.get("country_basis") == "registration" for i in fact["ips"]):
        parts.append(
            "pays d'enregistrement de l'AS, pas une géolocalisation"
            if fr
            else "AS registration country, not a geolocation"
        )
    if fact["operators"]:
        who = "; ".join(
            f"{o['name']} ({'siège' if fr else 'seat'} {o['legal_seat']}"
            + (
                f", {'maison mère' if fr else 'parent'} {o['parent_country']}"
                if o["parent_country"] and o["parent_country"] != o["legal_seat"]
                else ""
            )
            + (
                ", à vérifier"
                if fr and o["unverified"]
                else ", unverified"
                if o["unverified"]
                else ""
            )
            + ")"
            for o in fact["operators"]
        )
        parts.append(("opéré par " if fr else "operated by ") + who)
    else:
        parts.append("opérateur non identifié" if fr else "operator not identified")
    exposure = fact.get("non_eu_jurisdiction")
    if exposure is True:
        parts.append("soumis à un droit extra-européen" if fr else "subject to non-EU law")
    elif exposure is False:
        parts.append("droit européen" if fr else "EU law")
    sources = sorted(
        {f"{i['source']} ({i['source_date'] or '?'})" for i in fact["ips"] if i["source"] != "none"}
    )
    if sources:
        parts.append(("source : " if fr else "source: ") + ", ".join(sources))
    level = fact["confidence"]
    parts.append(f"confiance {_CONFIDENCE_FR[level]}" if fr else f"{level} confidence")
    return " ; ".join(parts) if fr else "; ".join(parts)


# -- aggregates ------------------------------------------------------------------------------


def _location_lists(
    facts: dict[str, Any], role: str, hosts: list[dict[str, Any]], k: _Knowledge
) -> None:
    """``<role>_countries`` and ``<role>_non_eea_countries``, without CDN fronts."""
    ips = [ip for h in hosts if not h["cdn"] for ip in h["ips"]]
    unlocated = sum(1 for ip in ips if not ip.get("country"))
    countries = sorted({str(ip["country"]) for ip in ips if ip.get("country")})
    non_eea = [c for c in countries if c not in k.eea]
    direct = [h for h in hosts if not h["cdn"]]
    if hosts and not direct:
        return  # CDN fronts only: where the data lives is not observable
    if any(not h["ips"] for h in direct):
        unlocated += 1
    if unlocated == 0 or non_eea:
        facts[f"{role}_non_eea_countries"] = non_eea
    if unlocated == 0:
        facts[f"{role}_countries"] = countries
        if role == "tool":
            facts["tool_eea_only"] = bool(countries) and not non_eea
            facts["tool_providers"] = sorted({p for h in direct for p in h["providers"]})
        if role == "mail":
            facts["mail_providers"] = sorted({p for h in direct for p in h["providers"]})


def _jurisdiction_lists(facts: dict[str, Any], tool: list[dict[str, Any]], k: _Knowledge) -> None:
    if not tool:
        return
    flags = [h.get("non_eu_jurisdiction") for h in tool]
    exposed = sorted({o["name"] for h in tool for o in h["operators"] if o["non_eu_law_exposure"]})
    if any(f is True for f in flags):
        facts["non_eu_jurisdiction"] = True
    elif all(f is False for f in flags):
        facts["non_eu_jurisdiction"] = False
    if "non_eu_jurisdiction" in facts:
        facts["tool_non_eu_jurisdiction_providers"] = exposed
    facts["non_eu_jurisdiction_hosts"] = [
        {
            "host": h["host"],
            "role": h["role"],
            "providers": [o["name"] for o in h["operators"] if o["non_eu_law_exposure"]],
            "countries": h["countries"],
            "notes": [o["exposure_note"] for o in h["operators"] if o["exposure_note"]],
            "evidence": h["evidence"],
        }
        for h in tool
        if h.get("non_eu_jurisdiction")
    ]


def _cdn_lists(
    facts: dict[str, Any], hosts: list[dict[str, Any]], tool: list[dict[str, Any]]
) -> None:
    facts["cdn_hosts"] = [
        {
            "host": h["host"],
            "role": h["role"],
            "provider": h["cdn_provider"],
            "detected_by": h["cdn_detected_by"],
            "cname": h["cname"],
            "evidence": h["evidence"],
        }
        for h in hosts
        if h["cdn"]
    ]
    if tool and all(h["cdn"] for h in tool):
        facts["cdn_only"] = True
    elif any(h["served_via"] == "direct" for h in tool):
        facts["cdn_only"] = False


def _secnumcloud(facts: dict[str, Any], tool: list[dict[str, Any]], k: _Knowledge) -> None:
    direct = [h for h in tool if h["served_via"] == "direct"]
    if not direct:
        return
    facts["secnumcloud"] = all(
        h["operators"]
        and all(isinstance(o["secnumcloud"], list) and o["secnumcloud"] for o in h["operators"])
        for h in direct
    )
    facts["secnumcloud_offers"] = sorted(
        {
            offer
            for h in direct
            for o in h["operators"]
            if isinstance(o["secnumcloud"], list)
            for offer in o["secnumcloud"]
        }
    )


def _outside_eea_items(hosts: list[dict[str, Any]], k: _Knowledge) -> list[dict[str, Any]]:
    return [
        {
            "host": host["host"],
            "ip": ip["ip"],
            "country": ip["country"],
            "adequate": ip["country"] in k.adequate,
            "provider": ip.get("provider"),
            "source": ip["source"],
            "confidence": ip["confidence"],
            "evidence": host["evidence"],
        }
        for host in hosts
        if not host["cdn"]
        for ip in host["ips"]
        if ip.get("country") and ip["country"] not in k.eea
    ]


def _source_ref(item: dict[str, Any]) -> dict[str, Any]:
    date = item.get("data_date") or "?"
    age = f", {item['age_days']} j / days" if "age_days" in item else ""
    stale = " — plus d'un an / over a year old" if item.get("stale") else ""
    text = f"données du / data of {date}{age}{stale}; {item['answered']} adresse(s) / address(es)"
    if item.get("error"):
        text += f"; erreur / error: {item['error']}"
    return {"type": "ipdata", "source": str(item["name"]), "answer": text}


def _source_facts(
    facts: dict[str, Any],
    sources: dict[str, dict[str, Any]],
    ips: dict[str, dict[str, Any]],
    hosts: list[dict[str, Any]],
) -> None:
    if not sources:
        return
    answered: dict[str, int] = {}
    chosen: dict[str, int] = {}
    for ip in ips.values():
        for answer in ip["sources"]:
            answered[answer["source"]] = answered.get(answer["source"], 0) + 1
        chosen[ip["source"]] = chosen.get(ip["source"], 0) + 1
    listed = []
    for source in sorted(sources.values(), key=lambda s: int(s.get("rank", 999))):
        item = {
            k: source[k]
            for k in (
                "name",
                "kind",
                "format",
                "rank",
                "data_date",
                "data_date_basis",
                "age_days",
                "stale",
                "country_basis",
                "description",
                "file",
                "sha256",
                "error",
                "note",
            )
            if source.get(k) is not None
        }
        item["answered"] = answered.get(str(source["name"]), 0)
        item["used"] = chosen.get(str(source["name"]), 0)
        item["evidence"] = [_source_ref(item)]
        if source.get("data_date"):
            item["date"] = str(source["data_date"])
        label = str(source.get("description") or source.get("format") or "")
        if source.get("stale"):
            label += " — données de plus d'un an / data over a year old"
        if label:
            item["version"] = label.strip(" —")
        listed.append(item)
    facts["ip_sources"] = listed
    # Stale data matters where a conclusion rests on it, not where a fresher source won.
    facts["stale_sources"] = [s["name"] for s in listed if s.get("stale") and s["used"]]
    facts["disagreements"] = [
        {"host": h["host"], "role": h["role"], "ip": ip["ip"], **d, "evidence": ip["evidence"]}
        for h in hosts
        for ip in h["ips"]
        for d in ip["disagreements"]
    ]


# -- declared hosting ------------------------------------------------------------------------


def _signal(signals: dict[str, Any], name: str) -> dict[str, Any] | None:
    value = signals.get(name)
    return value if isinstance(value, dict) and "present" in value else None


def _codes(value: Any) -> list[str]:
    """ISO codes from a signal value: ``["FR"]``, ``"FR, DE"``, ``[{"code": "FR"}]``…"""
    items: list[Any] = value if isinstance(value, list) else [value]
    codes: set[str] = set()
    for item in items:
        if isinstance(item, dict):
            item = item.get("code") or item.get("country") or item.get("value")
        if isinstance(item, str):
            codes.update(
                t.upper()
                for t in re.findall(r"[A-Za-z]+", item)
                if len(t) == 2 or t.upper() in EEA_WORDS
            )
    return sorted(codes)


def _quote_refs(*signals: dict[str, Any] | None) -> list[dict[str, Any]]:
    refs: list[dict[str, Any]] = []
    for signal in signals:
        for quote in (signal or {}).get("quotes", []) or []:
            if isinstance(quote, dict) and quote.get("text"):
                ref: dict[str, Any] = {"type": "document", "quote": str(quote["text"])}
                if quote.get("url"):
                    ref["url"] = str(quote["url"])
                for key in ("start", "end"):
                    if isinstance(quote.get(key), int):
                        ref[key] = quote[key]
                refs.append(ref)
    return refs[:MAX_HOST_EVIDENCE]


def declared_facts(
    documents: dict[str, Any] | None, crawl_complete: bool, k: _Knowledge
) -> dict[str, Any] | None:
    """What the vendor's documents say about hosting, read by the document reader."""
    signals = (documents or {}).get("signals")
    if not isinstance(signals, dict):
        return None
    host = _signal(signals, "host_declared")
    location = _signal(signals, "hosting_location")
    declared: dict[str, Any] = {}
    if host is None and location is None:
        return None
    found = bool((host or {}).get("present")) or bool((location or {}).get("present"))
    if found:
        declared["statement_found"] = True
    elif crawl_complete and host is not None and location is not None:
        declared["statement_found"] = False
    name, host_codes = _declared_host(host)
    if name:
        declared["host"] = name
        declared["providers"] = _declared_providers(name, k)
    located = _codes(location.get("value")) if location and location.get("present") else []
    codes = sorted(set(host_codes) | set(located))
    if codes:
        declared["countries"] = codes
        concrete = [c for c in codes if c not in EEA_WORDS]
        declared["non_eea_countries"] = [c for c in concrete if c not in k.eea]
        declared["eea_only"] = not declared["non_eea_countries"]
    subprocessors = _signal(signals, "subprocessors_list")
    if subprocessors is not None:
        declared["subprocessors_published"] = bool(subprocessors.get("present"))
        listed = subprocessors.get("value") if subprocessors.get("present") else None
        if isinstance(listed, dict):
            declared["subprocessors"] = sorted({str(n) for n in listed.get("names") or []})
            declared["subprocessor_countries"] = _codes(listed.get("countries") or [])
    transfer = _signal(signals, "transfer_outside_eea")
    if transfer is not None:
        declared["transfer_outside_eea"] = str(transfer.get("status"))
    mechanisms = {key: _signal(signals, key) for key in ("scc", "dpf", "adequacy")}
    declared["mechanisms"] = sorted(n for n, s in mechanisms.items() if s and s.get("present"))
    if mechanisms["dpf"] is not None:
        scc_present = bool((mechanisms["scc"] or {}).get("present"))
        declared["dpf_only"] = bool(mechanisms["dpf"].get("present")) and not scc_present
    declared["evidence"] = _quote_refs(host, location, mechanisms["dpf"], mechanisms["scc"])
    return declared


def _declared_host(signal: dict[str, Any] | None) -> tuple[str | None, list[str]]:
    """Name and country of a ``host_declared`` signal (``{name, country, address}`` or text)."""
    if not signal or not signal.get("present"):
        return None, []
    value = signal.get("value")
    if isinstance(value, dict):
        name = value.get("name")
        return (str(name) if name else None), _codes(value.get("country"))
    if isinstance(value, list):
        return (", ".join(str(v) for v in value) or None), []
    return (str(value) if value else None), []


def _declared_providers(text: str, k: _Knowledge) -> list[str]:
    """Operators named in a hosting statement ("hébergé chez OVHcloud à Roubaix")."""
    if k.providers is None:
        return []
    found = []
    for provider in k.providers:
        patterns = [p.pattern.replace("^", r"\b") for p in provider.as_name_patterns]
        if any(re.search(p, text) for p in patterns):
            found.append(provider.id)
    return found


def _conflicts(
    declared: dict[str, Any], tool: list[dict[str, Any]], k: _Knowledge
) -> list[dict[str, Any]] | None:
    """Declared vs observed, on direct (non-CDN) tool hosts only; None when not comparable."""
    direct = [h for h in tool if h["served_via"] == "direct"]
    countries = declared.get("countries") or []
    provider_ids = declared.get("providers") or []
    observed = {ip["country"] for h in direct for ip in h["ips"] if ip.get("country")}
    operators = {o["id"]: o for h in direct for o in h["operators"]}
    comparable = (countries and observed) or (provider_ids and operators)
    if not comparable:
        return None
    conflicts: list[dict[str, Any]] = []
    anywhere_in_eea = any(c in EEA_WORDS for c in countries)
    declared_in_eea = all(c in k.eea or c in EEA_WORDS for c in countries)
    for country in sorted(observed):
        if country in countries or (anywhere_in_eea and country in k.eea) or not countries:
            continue
        hosts = sorted(
            h["host"] for h in direct if any(ip.get("country") == country for ip in h["ips"])
        )
        material = declared_in_eea and country not in k.eea
        conflicts.append(
            {
                "kind": "country",
                "declared": countries,
                "observed": country,
                "hosts": hosts,
                "material": material,
                "fr": f"Hébergement déclaré : {', '.join(countries)} ; observé : {country}"
                f" ({', '.join(hosts)}).",
                "en": f"Declared hosting: {', '.join(countries)}; observed: {country}"
                f" ({', '.join(hosts)}).",
                "evidence": declared["evidence"] + _first_refs(direct, hosts),
            }
        )
    if provider_ids and operators and not set(provider_ids) & set(operators):
        declared_exposed = any(
            (p := k.providers.get(pid)) is not None and p.non_eu_law_exposure
            for pid in provider_ids
        )
        observed_names = sorted(o["name"] for o in operators.values())
        conflicts.append(
            {
                "kind": "provider",
                "declared": provider_ids,
                "observed": ", ".join(observed_names),
                "hosts": sorted(h["host"] for h in direct),
                "material": not declared_exposed
                and any(o["non_eu_law_exposure"] for o in operators.values()),
                "fr": f"Hébergeur déclaré : {declared.get('host')} ;"
                f" observé : {', '.join(observed_names)}.",
                "en": f"Declared host: {declared.get('host')};"
                f" observed: {', '.join(observed_names)}.",
                "evidence": declared["evidence"] + _first_refs(direct, [h["host"] for h in direct]),
            }
        )
    return conflicts


def _first_refs(hosts: list[dict[str, Any]], names: list[str]) -> list[dict[str, Any]]:
    refs = [r for h in hosts if h["host"] in names for r in h["evidence"]]
    return refs[:MAX_HOST_EVIDENCE]


def _address_key(ip: str) -> tuple[int, int]:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return 9, 0
    return address.version, int(address)
