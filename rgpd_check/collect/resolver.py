"""The tool's own DNS resolver: every question and answer becomes evidence.

dnspython rather than the system's ``getaddrinfo`` so that the answers (CNAME chains, TTLs,
failures) can be stored, the resolver can be chosen (``--dns-server``), and the address that
was checked by the guard is the one connected to.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import dns.asyncresolver
import dns.exception
import dns.message
import dns.name
import dns.rdatatype
import dns.resolver

Recorder = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class DnsAnswer:
    """One question's outcome: ``status`` is ok, nxdomain, no_answer, servfail, timeout or error."""

    qname: str
    rtype: str
    status: str
    records: tuple[str, ...] = ()
    cname_chain: tuple[str, ...] = ()
    ttl: int | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def parse_server(value: str) -> tuple[str, int]:
    """Parse ``HOST[:PORT]`` (IPv6 as ``[::1]:53``); raises ValueError with a readable message."""
    value = value.strip()
    host, port = value, 53
    if value.startswith("["):
        host, _, rest = value[1:].partition("]")
        if rest.startswith(":"):
            port = int(rest[1:])
    elif value.count(":") == 1:
        host, port_text = value.split(":")
        port = int(port_text)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"DNS server must be an IP address, got {host!r}") from None
    if not 0 < port < 65536:
        raise ValueError(f"invalid DNS port {port}")
    return host, port


def is_ip_literal(host: str) -> bool:
    """True for ``192.0.2.1`` or ``2001:db8::1`` (URL hosts that need no lookup)."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


@dataclass
class Resolver:
    """Async resolver with a per-audit cache, so each name is asked once and recorded once."""

    server: str | None = None
    timeout: float = 5.0
    recorder: Recorder | None = None
    _cache: dict[tuple[str, str], asyncio.Future[DnsAnswer]] = field(default_factory=dict)
    _resolver: dns.asyncresolver.Resolver | None = None

    def _backend(self) -> dns.asyncresolver.Resolver:
        if self._resolver is None:
            if self.server:
                host, port = parse_server(self.server)
                resolver = dns.asyncresolver.Resolver(configure=False)
                resolver.nameservers = [host]
                resolver.port = port
            else:
                resolver = dns.asyncresolver.Resolver()
            resolver.lifetime = self.timeout
            resolver.timeout = self.timeout
            self._resolver = resolver
        return self._resolver

    @property
    def description(self) -> str:
        """Which resolver answered, for the evidence."""
        if self.server:
            return self.server
        try:
            return ",".join(str(ns) for ns in self._backend().nameservers) or "system"
        except dns.resolver.NoResolverConfiguration:
            return "system (unconfigured)"

    async def query(self, qname: str, rtype: str) -> DnsAnswer:
        """Ask once per audit; concurrent askers share the same answer."""
        key = (qname.lower().rstrip("."), rtype.upper())
        future = self._cache.get(key)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self._cache[key] = future
            try:
                answer = await self._ask(*key)
            except BaseException as exc:  # cancellation: let a later caller retry
                del self._cache[key]
                future.cancel()
                raise exc
            future.set_result(answer)
            return answer
        return await asyncio.shield(future)

    def addresses_seen(self) -> list[str]:
        """Every address any A/AAAA answer gave during this audit (for IP-data lookups)."""
        found: set[str] = set()
        for (_, rtype), future in self._cache.items():
            if rtype in ("A", "AAAA") and future.done() and not future.cancelled():
                found.update(future.result().records)
        return sorted(found)

    async def addresses(self, host: str) -> tuple[list[str], list[DnsAnswer]]:
        """A then AAAA addresses of ``host`` with both answers (for failure reasons)."""
        if is_ip_literal(host):
            return [host.strip("[]")], []
        answers = await asyncio.gather(self.query(host, "A"), self.query(host, "AAAA"))
        found = [record for answer in answers if answer.ok for record in answer.records]
        return found, list(answers)

    async def _ask(self, qname: str, rtype: str) -> DnsAnswer:
        started = time.monotonic()
        try:
            backend = self._backend()
        except dns.resolver.NoResolverConfiguration:
            answer = DnsAnswer(qname, rtype, "error", detail="no system resolver configured")
            self._record(answer, started)
            return answer
        try:
            result = await backend.resolve(qname, rtype, raise_on_no_answer=False, search=False)
            answer = _from_result(qname, rtype, result)
        except dns.resolver.NXDOMAIN:
            answer = DnsAnswer(qname, rtype, "nxdomain")
        except dns.resolver.NoNameservers as exc:
            answer = DnsAnswer(qname, rtype, "servfail", detail=_short(exc))
        except dns.exception.Timeout:
            answer = DnsAnswer(qname, rtype, "timeout", detail=f"no answer in {self.timeout:g} s")
        except dns.exception.DNSException as exc:
            answer = DnsAnswer(qname, rtype, "error", detail=_short(exc))
        self._record(answer, started)
        return answer

    def _record(self, answer: DnsAnswer, started: float) -> None:
        if self.recorder is None:
            return
        entry: dict[str, Any] = {
            "qname": answer.qname,
            "rtype": answer.rtype,
            "status": answer.status,
            "answers": list(answer.records),
            "cname_chain": list(answer.cname_chain),
            "server": self.description,
            "observed_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
        }
        if answer.ttl is not None:
            entry["ttl"] = answer.ttl
        if answer.detail:
            entry["detail"] = answer.detail
        self.recorder(entry)


def _from_result(qname: str, rtype: str, result: dns.resolver.Answer) -> DnsAnswer:
    wanted = dns.rdatatype.from_text(rtype)
    chain: list[str] = []
    records: list[str] = []
    ttl: int | None = None
    response: dns.message.Message = result.response
    for rrset in response.answer:
        if rrset.rdtype == dns.rdatatype.CNAME and wanted != dns.rdatatype.CNAME:
            chain.extend(str(r.target).rstrip(".").lower() for r in rrset)
        elif rrset.rdtype == wanted:
            ttl = rrset.ttl if ttl is None else min(ttl, rrset.ttl)
            records.extend(_rdata_text(r) for r in rrset)
    status = "ok" if records else "no_answer"
    return DnsAnswer(qname, rtype, status, tuple(records), tuple(chain), ttl)


def _rdata_text(rdata: Any) -> str:
    text = rdata.to_text()
    if rdata.rdtype in (dns.rdatatype.CNAME, dns.rdatatype.NS):
        return str(text).rstrip(".").lower()
    if rdata.rdtype == dns.rdatatype.MX:
        return f"{rdata.preference} {str(rdata.exchange).rstrip('.').lower()}"
    if rdata.rdtype == dns.rdatatype.TXT:
        return "".join(part.decode("utf-8", "replace") for part in rdata.strings)
    return str(text)


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
