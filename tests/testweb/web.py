"""``TestWeb``: the whole fictional web (CA + DNS + HTTP/HTTPS) behind one object."""

from __future__ import annotations

import shutil
import ssl
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any

import dns.resolver
import httpx

from tests.testweb.ca import TestCA
from tests.testweb.client import make_client, make_resolver
from tests.testweb.dns_server import DnsServer
from tests.testweb.http_handler import ServeEnv
from tests.testweb.http_server import HttpServers
from tests.testweb.loader import load
from tests.testweb.model import DnsFault, DnsRecord, Route, Site, normalize_name
from tests.testweb.registry import DEFAULT_IP_POOL, Registry
from tests.testweb.reqlog import DnsQuery, LoggedRequest, RequestLog, TlsHandshake


class TestWeb:
    """Fictional tool sites on 127.0.0.x with a real DNS server; start once, ``reset()`` often."""

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        workdir: Path | str | None = None,
        *,
        http_port: int = 0,
        https_port: int = 0,
        dns_port: int = 0,
        dns_host: str = "127.0.0.1",
        ip_pool: tuple[str, ...] = DEFAULT_IP_POOL,
    ) -> None:
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="testweb-"))
        self.registry = Registry(ip_pool)
        self.log = RequestLog()
        self._stop = threading.Event()
        self._env = ServeEnv(self.registry, self.log, self._stop)
        self._ports = (http_port, https_port)
        self._dns = DnsServer(self.registry, self.log, self._stop, host=dns_host, port=dns_port)
        self._ca: TestCA | None = None
        self._http: HttpServers | None = None
        self._lock = threading.Lock()

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> TestWeb:
        if self._http is not None:
            return self
        if self._stop.is_set():
            raise RuntimeError("a stopped TestWeb cannot be restarted; make a new one")
        self._ca = TestCA(self.workdir / "ca")
        http = HttpServers(self._env, self._ca, *self._ports)
        ips = sorted(set(self.registry.ip_pool) | self.registry.ips_in_use(), key=_ip_key)
        http.start(ips)
        try:
            self._dns.start()
        except BaseException:
            http.stop()
            raise
        self._http = http
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._http is not None:
            self._http.stop()
        self._dns.stop()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> TestWeb:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget every site, record, DNS fault and log entry (servers keep running)."""
        self.registry.clear()
        self.log.clear()

    # -- declaring the web ---------------------------------------------------------------
    def add_site(self, site: Site) -> Site:
        """Serve ``site``; returns the stored copy (ip filled in, ``pages`` editable live)."""
        stored = self.registry.add_site(site)
        assert stored.ip is not None
        if self._http is not None and stored.ip not in self._http.addresses():
            self._http.listen_on(stored.ip)
        return stored

    def add_page(self, host: str, path: str, route: Route | str) -> None:
        site = self.site(host)
        if site is None:
            raise KeyError(f"no site serves {host!r}")
        site.pages[path] = route

    def site(self, host: str) -> Site | None:
        return self.registry.site_for(host)

    @property
    def sites(self) -> list[Site]:
        return self.registry.sites()

    def add_record(
        self, name: str | DnsRecord, rtype: str = "A", value: str = "", ttl: int = 60
    ) -> DnsRecord:
        record = name if isinstance(name, DnsRecord) else DnsRecord(name, rtype, value, ttl)
        self.registry.add_record(record)
        return record

    def set_dns_fault(
        self,
        name: str,
        kind: str,
        *,
        rebind_ips: tuple[str, str] | None = None,
        rebind_after: int = 1,
    ) -> DnsFault:
        """``kind``: nxdomain, servfail, timeout, or rebind (needs ``rebind_ips``)."""
        fault = DnsFault(name, kind, rebind_ips, rebind_after)
        self.registry.set_fault(fault)
        return fault

    def clear_dns_fault(self, name: str) -> None:
        self.registry.clear_fault(name)

    def load_sites(self, path: Path | str) -> list[Site]:
        """Add the sites, records and DNS faults of a YAML file or directory."""
        declared = load(path)
        sites = [self.add_site(site) for site in declared.sites]
        for record in declared.records:
            self.add_record(record)
        for fault in declared.faults:
            self.registry.set_fault(fault)
        return sites

    # -- addresses -----------------------------------------------------------------------
    def _running(self) -> HttpServers:
        if self._http is None:
            raise RuntimeError("TestWeb is not started")
        return self._http

    @property
    def http_port(self) -> int:
        return self._running().http_port

    @property
    def https_port(self) -> int:
        return self._running().https_port

    @property
    def dns_host(self) -> str:
        return self._dns.host

    @property
    def dns_port(self) -> int:
        self._running()
        return self._dns.port

    @property
    def dns_server(self) -> str:
        """``HOST:PORT`` as the product's ``--dns-server`` option takes it."""
        return f"{self.dns_host}:{self.dns_port}"

    @property
    def ca_path(self) -> Path:
        """PEM of the test CA, for the product's ``--ca-bundle``."""
        if self._ca is None:
            raise RuntimeError("TestWeb is not started")
        return self._ca.ca_path

    @property
    def spki_hash(self) -> str:
        """For Chromium ``--ignore-certificate-errors-spki-list`` (valid leaves only)."""
        if self._ca is None:
            raise RuntimeError("TestWeb is not started")
        return self._ca.spki_hash

    def url(self, host: str, path: str = "/", https: bool = False) -> str:
        """``http://edu-pad.test:43121/`` (the port is left out only when it is 80/443)."""
        scheme, port, default = (
            ("https", self.https_port, 443) if https else ("http", self.http_port, 80)
        )
        if not path.startswith("/"):
            path = "/" + path
        netloc = normalize_name(host) + ("" if port == default else f":{port}")
        return f"{scheme}://{netloc}{path}"

    def host_resolver_rules(self) -> str:
        """Chromium ``--host-resolver-rules`` mapping every declared name to its address."""
        rules = [f"MAP {name} {site.ip}" for site in self.sites for name in site.names]
        return ", ".join([*rules, "EXCLUDE localhost"])

    # -- clients (for tests) -------------------------------------------------------------
    def resolver(self, lifetime: float = 3.0) -> dns.resolver.Resolver:
        """dnspython resolver pointed at the test DNS server only."""
        return make_resolver(self.dns_host, self.dns_port, lifetime)

    def client(
        self, verify: ssl.SSLContext | bool | None = None, **client_kwargs: Any
    ) -> httpx.Client:
        """httpx client resolving through the test DNS and trusting the test CA."""
        return make_client(self.resolver(), str(self.ca_path), verify, **client_kwargs)

    # -- logs ----------------------------------------------------------------------------
    @property
    def requests(self) -> list[LoggedRequest]:
        return self.log.requests

    @property
    def dns_log(self) -> list[DnsQuery]:
        return self.log.dns

    @property
    def tls_log(self) -> list[TlsHandshake]:
        return self.log.tls

    def requests_for(self, host: str) -> list[LoggedRequest]:
        host = normalize_name(host)
        return [r for r in self.log.requests if r.host == host]

    def paths_for(self, host: str) -> list[str]:
        return [r.path for r in self.requests_for(host)]

    def max_in_flight(self, host: str | None = None) -> int:
        return self.log.max_in_flight(host)

    def clear_log(self) -> None:
        self.log.clear()

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Poll ``predicate`` (e.g. on a log that the server fills asynchronously, like a
        handshake the client aborted) until true or ``timeout``; returns its last value."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() >= deadline:
                return predicate()
            time.sleep(0.01)
        return True


def _ip_key(ip: str) -> tuple[int, ...]:
    return tuple(int(part) for part in ip.split("."))
