"""Authoritative-and-recursive-looking DNS server (UDP + TCP) over the registry.

It answers like a recursive resolver would to a stub: CNAME chains are followed and
returned together with the final records.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from dnslib import AAAA, CNAME, MX, NS, PTR, QTYPE, RCODE, RR, TXT, A, DNSError, DNSLabel
from dnslib.server import BaseResolver, DNSLogger, DNSServer

from tests.testweb.model import DnsRecord, normalize_name
from tests.testweb.registry import Registry
from tests.testweb.reqlog import DnsQuery, RequestLog

MAX_CHAIN = 10
TCP_TIMEOUT_HOLD = 30.0  # how long a "timeout" fault keeps a TCP query unanswered
BIND_ATTEMPTS = 50


def _rdata(record: DnsRecord) -> Any:
    value = record.value.strip()
    if record.rtype == "A":
        return A(value)
    if record.rtype == "AAAA":
        return AAAA(value)
    if record.rtype == "CNAME":
        return CNAME(value)
    if record.rtype == "NS":
        return NS(value)
    if record.rtype == "PTR":
        return PTR(value)
    if record.rtype == "MX":
        preference, _, exchange = value.partition(" ")
        return MX(exchange.strip(), int(preference))
    if record.rtype == "TXT":
        text = value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value
        return TXT([text[i : i + 255] for i in range(0, len(text), 255)] or [""])
    zone = RR.fromZone(f"{record.name}. {record.ttl} IN {record.rtype} {value}")
    return zone[0].rdata


def to_rr(record: DnsRecord, owner: DNSLabel | str) -> RR:
    return RR(
        rname=owner,
        rtype=getattr(QTYPE, record.rtype),
        ttl=record.ttl,
        rdata=_rdata(record),
    )


class RegistryResolver(BaseResolver):
    """Answers from the registry; applies the DNS faults."""

    def __init__(self, registry: Registry, log: RequestLog, stop: threading.Event) -> None:
        self.registry = registry
        self.log = log
        self.stop = stop

    def resolve(self, request: Any, handler: Any) -> Any:
        qname = request.q.qname
        qtype = QTYPE.get(request.q.qtype, str(request.q.qtype))
        protocol = getattr(handler, "protocol", "udp")
        self.log.add_dns(DnsQuery(normalize_name(str(qname)), qtype, time.time(), protocol))
        reply = request.reply()
        owner: DNSLabel = qname
        for _ in range(MAX_CHAIN):
            name = normalize_name(str(owner))
            fault = self.registry.fault_for(name)
            if fault is not None and fault.kind == "timeout":
                if protocol == "tcp":
                    self.stop.wait(TCP_TIMEOUT_HOLD)
                raise DNSError("testweb: timeout fault, no answer")
            if fault is not None and fault.kind == "servfail":
                reply.header.rcode = RCODE.SERVFAIL
                return reply
            if fault is not None and fault.kind == "nxdomain":
                reply.header.rcode = RCODE.NXDOMAIN
                return reply
            if fault is not None and fault.kind == "rebind" and qtype == "A":
                ip = self.registry.next_rebind_ip(fault)
                reply.add_answer(to_rr(DnsRecord(name, "A", ip, ttl=0), owner))
                return reply
            if not self.registry.name_exists(name):
                reply.header.rcode = RCODE.NXDOMAIN
                return reply
            records = self.registry.records_for(name)
            cnames = [r for r in records if r.rtype == "CNAME"]
            if cnames and qtype not in ("CNAME", "ANY"):
                reply.add_answer(to_rr(cnames[0], owner))
                owner = DNSLabel(cnames[0].value)
                continue
            for record in records:
                if qtype == "ANY" or record.rtype == qtype:
                    reply.add_answer(to_rr(record, owner))
            return reply
        reply.header.rcode = RCODE.SERVFAIL  # CNAME loop
        return reply


class _QuietLogger(DNSLogger):
    def __init__(self) -> None:
        super().__init__(logf=lambda _msg: None)


class DnsServer:
    """UDP and TCP DNS servers sharing one port on ``host``."""

    def __init__(
        self,
        registry: Registry,
        log: RequestLog,
        stop: threading.Event,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.host = host
        self.port = port
        self.resolver = RegistryResolver(registry, log, stop)
        self._servers: list[DNSServer] = []
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        self._servers = self._bind()
        self.port = int(self._servers[0].server.server_address[1])
        for server in self._servers:
            thread = threading.Thread(
                target=server.server.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="testweb-dns",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)

    def _bind(self) -> list[DNSServer]:
        last_error: OSError | None = None
        for _ in range(BIND_ATTEMPTS if self.port == 0 else 1):
            udp = DNSServer(self.resolver, address=self.host, port=self.port, logger=_QuietLogger())
            udp_port = udp.server.server_address[1]
            try:
                tcp = DNSServer(
                    self.resolver, address=self.host, port=udp_port, tcp=True, logger=_QuietLogger()
                )
            except OSError as exc:  # TCP side of that port is taken: try another
                last_error = exc
                udp.server.server_close()
                continue
            return [udp, tcp]
        raise OSError(f"no port free for DNS over UDP and TCP on {self.host}: {last_error}")

    def stop(self) -> None:
        stoppers = [
            threading.Thread(target=server.server.shutdown, daemon=True) for server in self._servers
        ]
        for thread in stoppers:
            thread.start()
        for thread in stoppers:
            thread.join(timeout=5)
        for server in self._servers:
            server.server.server_close()
        self._servers = []
        self._threads = []
