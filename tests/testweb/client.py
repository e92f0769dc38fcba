"""Client-side helpers for tests: a dnspython resolver and an httpx transport that really
resolve through the test DNS server, then connect to the returned loopback address."""

from __future__ import annotations

import ipaddress
import ssl
from collections.abc import Callable
from typing import Any

import dns.resolver
import httpx


def make_resolver(host: str, port: int, lifetime: float = 3.0) -> dns.resolver.Resolver:
    """A stub resolver that only asks the test DNS server (never the system's)."""
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [host]
    resolver.port = port
    resolver.lifetime = lifetime
    resolver.timeout = lifetime
    resolver.cache = None
    return resolver


def resolve_a(resolver: dns.resolver.Resolver, name: str) -> str:
    """First A address of ``name``; IP literals are returned unchanged."""
    try:
        ipaddress.ip_address(name)
        return name
    except ValueError:
        pass
    answer = resolver.resolve(name, "A")
    return str(next(iter(answer)).address)


class ResolvingTransport(httpx.BaseTransport):
    """Connects to the address ``resolve(host)`` returns, keeping Host and SNI as the name."""

    def __init__(self, resolve: Callable[[str], str], **transport_kwargs: Any) -> None:
        self._resolve = resolve
        self._inner = httpx.HTTPTransport(**transport_kwargs)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        target = request.url.copy_with(host=self._resolve(host))
        rewritten = httpx.Request(
            request.method,
            target,
            headers=request.headers,  # keeps the original Host header
            stream=request.stream,
            extensions={**request.extensions, "sni_hostname": host},
        )
        return self._inner.handle_request(rewritten)

    def close(self) -> None:
        self._inner.close()


def make_client(
    resolver: dns.resolver.Resolver,
    ca_path: str,
    verify: ssl.SSLContext | bool | None = None,
    **client_kwargs: Any,
) -> httpx.Client:
    """httpx client trusting the test CA (unless ``verify`` says otherwise) and resolving
    through the test DNS server."""
    if verify is None:
        verify = ssl.create_default_context(cafile=ca_path)
    transport = ResolvingTransport(lambda host: resolve_a(resolver, host), verify=verify)
    client_kwargs.setdefault("timeout", 10.0)
    return httpx.Client(transport=transport, **client_kwargs)
