"""DNS facts from the stored DNS answers (hosting facts: ``analyze/hosting.py``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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
