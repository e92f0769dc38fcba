"""Thread-safe logs of what clients asked, so tests can assert on politeness and concurrency."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from time import monotonic as _monotonic


@dataclass(frozen=True)
class LoggedRequest:
    """One HTTP request as the server saw it. Header names are lower-cased."""

    scheme: str
    host: str
    ip: str
    port: int
    method: str
    path: str
    headers: dict[str, str]
    time: float
    client_addr: tuple[str, int]
    body: bytes = b""
    monotonic: float = field(default_factory=_monotonic)

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)


@dataclass(frozen=True)
class DnsQuery:
    """One DNS question as the server saw it."""

    name: str
    rtype: str
    time: float
    transport: str
    monotonic: float = field(default_factory=_monotonic)


@dataclass(frozen=True)
class TlsHandshake:
    """One TLS handshake attempt; ``ok`` is False when the client refused our certificate."""

    sni: str | None
    ip: str
    time: float
    ok: bool
    error: str = ""


class RequestLog:
    """Append-only logs plus per-host in-flight counters (the crawler must stay <= 2/host)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: list[LoggedRequest] = []
        self._dns: list[DnsQuery] = []
        self._tls: list[TlsHandshake] = []
        self._in_flight: dict[str, int] = {}
        self._max_in_flight: dict[str, int] = {}
        # Requests still running from before a clear() must not skew the new counters.
        self._generation = 0

    def add_dns(self, query: DnsQuery) -> None:
        with self._lock:
            self._dns.append(query)

    @property
    def generation(self) -> int:
        """Bumped by ``clear()``; lets late events of an older test be dropped."""
        with self._lock:
            return self._generation

    def add_tls(self, handshake: TlsHandshake, generation: int | None = None) -> None:
        """Record a handshake, unless its connection was accepted before the last clear()."""
        with self._lock:
            if generation is None or generation == self._generation:
                self._tls.append(handshake)

    @contextmanager
    def request(self, entry: LoggedRequest) -> Iterator[None]:
        """Log the request and count it as in flight until the response is written."""
        host = entry.host
        with self._lock:
            self._requests.append(entry)
            generation = self._generation
            count = self._in_flight.get(host, 0) + 1
            self._in_flight[host] = count
            self._max_in_flight[host] = max(self._max_in_flight.get(host, 0), count)
        try:
            yield
        finally:
            with self._lock:
                if generation == self._generation:
                    self._in_flight[host] -= 1

    @property
    def requests(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def dns(self) -> list[DnsQuery]:
        with self._lock:
            return list(self._dns)

    @property
    def tls(self) -> list[TlsHandshake]:
        with self._lock:
            return list(self._tls)

    def in_flight(self, host: str) -> int:
        with self._lock:
            return self._in_flight.get(host.lower(), 0)

    def max_in_flight(self, host: str | None = None) -> int:
        """Highest number of simultaneous requests seen for ``host`` (any host if None)."""
        with self._lock:
            if host is None:
                return max(self._max_in_flight.values(), default=0)
            return self._max_in_flight.get(host.lower(), 0)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()
            self._dns.clear()
            self._tls.clear()
            self._in_flight.clear()
            self._max_in_flight.clear()
            self._generation += 1
