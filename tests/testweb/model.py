"""Declarative description of the fictional web: sites, routes, DNS records and faults.

Everything here is plain data so that tests (and YAML files) can describe behaviour
without touching server code.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.testweb.reqlog import LoggedRequest

HTTP_FAULTS = frozenset({"drop", "reset_mid_body", "endless", "drip", "gzip_bomb", "huge"})
TLS_FAULTS = frozenset({"expired", "wrong_name", "unknown_ca"})
DNS_FAULTS = frozenset({"nxdomain", "servfail", "timeout", "rebind"})
DNS_TYPES = frozenset({"A", "AAAA", "CNAME", "MX", "NS", "TXT", "SOA", "PTR", "SRV", "CAA"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

GIB = 1 << 30

# A route body may use these placeholders; they are replaced when serving because the
# ports are only known once the servers run (e.g. "https://tracker-ads.test:${HTTPS_PORT}/").
PLACEHOLDERS = ("${HTTP_PORT}", "${HTTPS_PORT}", "${PORT}", "${HOST}", "${SCHEME}")


@dataclass
class Route:
    """What one path answers. A plain ``str`` in ``Site.pages`` means a 200 HTML page."""

    status: int = 200
    body: str | bytes = ""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    set_cookies: list[str] = field(default_factory=list)
    delay: float = 0.0
    redirect: str | None = None
    fault: str | None = None
    drip_interval: float = 0.5
    bomb_size: int = GIB
    huge_size: int = GIB
    # Read at serve time; lets tests serve a corpus file by path without copying it.
    body_file: str | None = None
    # Escape hatch for behaviour that data cannot express (e.g. "503 twice, then 200").
    dynamic: Callable[[LoggedRequest], Route | str] | None = None

    def __post_init__(self) -> None:
        if self.fault is not None and self.fault not in HTTP_FAULTS:
            raise ValueError(
                f"unknown HTTP fault {self.fault!r}; expected one of {sorted(HTTP_FAULTS)}"
            )
        if self.redirect is not None and self.status not in REDIRECT_STATUSES:
            # A redirect declared without a 3xx status gets the usual 302.
            self.status = 302
        if self.delay < 0 or self.drip_interval < 0:
            raise ValueError("delay and drip_interval must be >= 0")

    def body_bytes(self) -> bytes:
        """Encode the body with the charset of ``content_type`` so Latin-1 pages stay Latin-1."""
        if self.body_file is not None:
            return Path(self.body_file).read_bytes()
        if isinstance(self.body, bytes):
            return self.body
        return self.body.encode(charset_of(self.content_type) or "utf-8")


def charset_of(content_type: str) -> str | None:
    """Return the ``charset=`` parameter of a Content-Type, if any."""
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.strip().lower() == "charset" and value:
            return value.strip().strip('"')
    return None


def as_route(value: Route | str | bytes) -> Route:
    """Turn the shorthand forms accepted in ``Site.pages`` into a ``Route``."""
    if isinstance(value, Route):
        return value
    return Route(body=value)


@dataclass
class Site:
    """A fictional tool site served on loopback, reachable through the test DNS server."""

    host: str
    ip: str | None = None
    pages: dict[str, Route | str] = field(default_factory=dict)
    robots_txt: str | None = None
    http: bool = True
    https: bool = True
    https_only_redirect: bool = False
    hsts: str | None = None
    latency: float = 0.0
    aliases: list[str] = field(default_factory=list)
    tls_fault: str | None = None

    def __post_init__(self) -> None:
        self.host = normalize_name(self.host)
        self.aliases = [normalize_name(a) for a in self.aliases]
        if self.tls_fault is not None and self.tls_fault not in TLS_FAULTS:
            raise ValueError(
                f"unknown TLS fault {self.tls_fault!r}; expected one of {sorted(TLS_FAULTS)}"
            )
        if self.ip is not None:
            ip = ipaddress.ip_address(self.ip)
            if not ip.is_loopback:
                raise ValueError(f"site {self.host}: ip {self.ip} is not a loopback address")
        if self.latency < 0:
            raise ValueError("latency must be >= 0")

    @property
    def names(self) -> list[str]:
        return [self.host, *self.aliases]

    def route_for(self, path: str) -> Route | None:
        """Exact match on path+query first, then on the path alone."""
        page = self.pages.get(path)
        if page is None:
            page = self.pages.get(path.split("?", 1)[0])
        if page is not None:
            return as_route(page)
        if path.split("?", 1)[0] == "/robots.txt" and self.robots_txt is not None:
            return Route(body=self.robots_txt, content_type="text/plain; charset=utf-8")
        return None


@dataclass(frozen=True)
class DnsRecord:
    """One explicit resource record; values use zone-file syntax (``"10 mx.host.test."``)."""

    name: str
    rtype: str
    value: str
    ttl: int = 60

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", normalize_name(self.name))
        object.__setattr__(self, "rtype", self.rtype.upper())
        if self.rtype not in DNS_TYPES:
            raise ValueError(
                f"unsupported DNS type {self.rtype!r}; expected one of {sorted(DNS_TYPES)}"
            )


@dataclass(frozen=True)
class DnsFault:
    """Misbehaviour of the DNS server for one name (all query types unless noted).

    ``rebind`` only affects A queries: the first ``rebind_after`` lookups get
    ``rebind_ips[0]``, later ones ``rebind_ips[1]`` (TTL 0, as an attacker would use).
    """

    name: str
    kind: str
    rebind_ips: tuple[str, str] | None = None
    rebind_after: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", normalize_name(self.name))
        if self.kind not in DNS_FAULTS:
            raise ValueError(
                f"unknown DNS fault {self.kind!r}; expected one of {sorted(DNS_FAULTS)}"
            )
        if self.kind == "rebind":
            if self.rebind_ips is None or len(self.rebind_ips) != 2:
                raise ValueError("a rebind fault needs rebind_ips=(first_ip, then_ip)")
            for ip in self.rebind_ips:
                ipaddress.IPv4Address(ip)
            object.__setattr__(self, "rebind_ips", tuple(self.rebind_ips))


def normalize_name(name: str) -> str:
    """Host names compare case-insensitively and without the trailing root dot."""
    return name.strip().lower().rstrip(".")
