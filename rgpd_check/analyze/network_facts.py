"""DNS and hosting facts from the stored DNS answers and IP-data answers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rgpd_check.analyze.domains import registrable_domain

_STATUS_ORDER = ("ok", "no_answer", "nxdomain", "servfail", "timeout", "error")


def dns_facts(entries: Iterable[dict[str, Any]], resolver: str | None) -> dict[str, Any] | None:
    """The ``dns`` namespace: per host A/AAAA/CNAME, per domain MX/NS, each with its answers."""
    hosts: dict[str, dict[str, Any]] = {}
    domains: dict[str, dict[str, Any]] = {}
    for entry in entries:
        qname, rtype, status = str(entry["qname"]), str(entry["rtype"]), str(entry["status"])
        ref = {
            "type": "dns",
            "host": qname,
            "rtype": rtype,
            "answer": ", ".join(entry.get("answers") or []) or status,
            "source": str(entry.get("server", "")),
            "observed_at": str(entry.get("observed_at", "")),
        }
        if rtype in ("A", "AAAA", "CNAME"):
            fact = hosts.setdefault(
                qname, {"status": status, "a": [], "aaaa": [], "cname": [], "evidence": []}
            )
            if _STATUS_ORDER.index(status) < _STATUS_ORDER.index(fact["status"]):
                fact["status"] = status
            key = {"A": "a", "AAAA": "aaaa", "CNAME": "cname"}[rtype]
            fact[key] = sorted(set(fact[key]) | set(entry.get("answers") or []))
            for target in entry.get("cname_chain") or []:
                if target not in fact["cname"]:
                    fact["cname"].append(target)
            fact["evidence"].append(ref)
        elif rtype in ("MX", "NS"):
            fact = domains.setdefault(qname, {"status": status, "evidence": []})
            if status == "ok":
                fact[rtype.lower()] = list(entry.get("answers") or [])
                fact["status"] = "ok"
            fact["evidence"].append(ref)
    if not hosts and not domains:
        return None
    facts: dict[str, Any] = {"hosts": hosts, "domains": domains}
    if resolver:
        facts["resolver"] = resolver
    return facts


def hosting_facts(
    tool_hosts: dict[str, set[str]],
    ip_entries: list[dict[str, Any]],
    eea: frozenset[str],
    providers: Any = None,
) -> dict[str, Any] | None:
    """The ``hosting`` namespace (thin): where each tool host's addresses are announced from.

    ``tool_hosts`` maps host → addresses seen (WARC-IP-Address and DNS). Lists of countries are
    only given when every address could be located, or when a non-EEA one was found: "none
    outside the EEA" is never claimed from partial data.
    """
    if not tool_hosts:
        return None
    answers: dict[str, list[dict[str, Any]]] = {}
    for entry in ip_entries:
        answers.setdefault(str(entry["ip"]), []).append(entry)
    hosts: list[dict[str, Any]] = []
    all_countries: set[str] = set()
    all_providers: set[str] = set()
    unlocated = 0
    for host in sorted(tool_hosts):
        ips: list[dict[str, Any]] = []
        for ip in sorted(tool_hosts[host]):
            fact = _ip_fact(ip, answers.get(ip, []), providers)
            if fact.get("country"):
                all_countries.add(str(fact["country"]))
            else:
                unlocated += 1
            if fact.get("provider"):
                all_providers.add(str(fact["provider"]))
            ips.append(fact)
        countries = sorted({str(i["country"]) for i in ips if i.get("country")})
        hosts.append(
            {
                "host": host,
                "role": "tool",
                "ips": ips,
                "countries": countries,
                "providers": sorted({str(i["provider"]) for i in ips if i.get("provider")}),
            }
        )
    facts: dict[str, Any] = {"hosts": hosts, "ip_sources": _sources(ip_entries)}
    non_eea = sorted(c for c in all_countries if c not in eea)
    if unlocated == 0 or non_eea:
        facts["tool_non_eea_countries"] = non_eea
    if unlocated == 0:
        facts["tool_countries"] = sorted(all_countries)
        facts["tool_providers"] = sorted(all_providers)
    return facts


def _ip_fact(ip: str, entries: list[dict[str, Any]], providers: Any) -> dict[str, Any]:
    fact: dict[str, Any] = {"ip": ip, "version": 6 if ":" in ip else 4, "evidence": []}
    for entry in entries:
        answer = entry.get("answer") or {}
        fact["evidence"].append(
            {
                "type": "ipdata",
                "source": str(entry.get("source")),
                "answer": ", ".join(f"{k}={v}" for k, v in sorted(answer.items()) if v is not None)
                or str(entry.get("special") or "no data"),
            }
        )
        if answer and "country" not in fact:
            fact.update(
                country=answer.get("country"),
                asn=answer.get("asn"),
                as_name=answer.get("as_name"),
                source=str(entry.get("source")),
                source_date=entry.get("source_date"),
            )
    if providers is not None:
        provider = None
        if fact.get("asn"):
            provider = providers.by_asn(int(fact["asn"]))
        if provider is None and fact.get("as_name"):
            provider = providers.by_as_name(str(fact["as_name"]))
        if provider is not None:
            fact["provider"] = provider.name
    if "source" not in fact:
        fact["source"] = "none"
    return fact


def _sources(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for entry in entries:
        name = str(entry.get("source"))
        if name != "special-use" and name not in seen:
            seen[name] = {"name": name, "data_date": entry.get("source_date")}
    return list(seen.values())


def first_party_domains(urls: Iterable[str]) -> set[str]:
    from rgpd_check.analyze.domains import host_of

    return {registrable_domain(host_of(u)) for u in urls if host_of(u)}
