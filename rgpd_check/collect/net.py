"""The one network component every fetch goes through (crawler, IP lookups, browser).

- names are resolved by our own :class:`Resolver` (recorded as DNS evidence);
- every answer passes the :class:`AddressGuard` (no private or metadata addresses);
- the connection goes to the very address that was checked (no second lookup), which also
  defeats DNS rebinding between check and connect;
- every exchange is written to the WARC with ``WARC-IP-Address``;
- bodies are streamed and cut at ``max_bytes`` (recorded as truncated), never held whole.

Redirects are not followed here: the caller follows them hop by hop, so each hop is checked
by the guard and recorded.
"""

from __future__ import annotations

import asyncio
import functools
import http.cookiejar
import os
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import certifi
import httpcore
import httpx

from rgpd_check import __version__
from rgpd_check.collect.guard import AddressGuard, BlockedAddressError
from rgpd_check.collect.resolver import DnsAnswer, Resolver
from rgpd_check.evidence.redact import Redactor
from rgpd_check.evidence.warc import WarcLog

PROJECT_URL = "https://forge.apps.education.fr/rgpd-check/rgpd-check"
DEFAULT_USER_AGENT = f"rgpd-check/{__version__} (+{PROJECT_URL})"


class DnsFailureError(Exception):
    """The host has no usable address; ``reason`` is dns_nxdomain, dns_timeout…"""

    def __init__(self, host: str, answers: list[DnsAnswer]) -> None:
        statuses = {a.status for a in answers} - {"ok"}
        if "timeout" in statuses:
            status = "timeout"
        elif "servfail" in statuses:
            status = "servfail"
        elif "nxdomain" in statuses:
            status = "nxdomain"
        elif "error" in statuses:
            status = "error"
        else:
            status = "no_address"
        self.host = host
        self.reason = f"dns_{status}"
        detail = "; ".join(
            f"{a.rtype} {a.status}{' ' + a.detail if a.detail else ''}" for a in answers
        )
        super().__init__(f"{host}: {detail}")


@dataclass(frozen=True)
class NetOptions:
    """Network settings of one audit (all have CLI options and RGPD_CHECK_* variables)."""

    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    response_timeout: float = 60.0
    max_bytes: int = 5 * 1024 * 1024
    dns_server: str | None = None
    dns_timeout: float = 5.0
    allow_private: bool = False
    allowed_networks: tuple[Any, ...] = ()
    ca_bundle: str | None = None
    accept_language: str = "fr-FR,fr;q=0.9,en;q=0.6"


@dataclass
class FetchResult:
    """One HTTP exchange (or the reason there was none)."""

    url: str
    status: int | None = None
    reason: str = ""
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    ip: str | None = None
    http_version: str = "HTTP/1.1"
    truncated: bool = False
    tls_version: str | None = None
    record_id: str | None = None
    error: str | None = None
    error_detail: str = ""
    elapsed: float = 0.0

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)

    @property
    def ok(self) -> bool:
        return self.status is not None and self.error is None


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore backend that resolves with our resolver and connects to checked addresses."""

    def __init__(self, resolver: Resolver, guard: AddressGuard) -> None:
        self._resolver = resolver
        self._guard = guard
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses, answers = await self._resolver.addresses(host)
        if not addresses:
            raise DnsFailureError(host, answers)
        allowed = self._guard.filter(host, addresses)
        last: Exception | None = None
        for address in allowed:
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by rgpd-check")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    def __init__(self, backend: _GuardedBackend, ssl_context: ssl.SSLContext) -> None:
        super().__init__(verify=ssl_context)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            network_backend=backend,
            max_connections=20,
            max_keepalive_connections=10,
            keepalive_expiry=5.0,
        )


def make_ssl_context(ca_bundle: str | None) -> ssl.SSLContext:
    """System-independent trust (certifi) plus an extra CA for test or internal sites.

    Loading certifi's bundle costs about 8 ms of CPU, and every audit opens two clients: the
    context is shared while the extra CA file is unchanged (a context is configuration, safe
    to share between connections and threads; httpcore sets the same ALPN list on it for
    every connection, as long as no client enables HTTP/2, which none does).
    """
    stamp: tuple[int, int] | None = None
    if ca_bundle:
        try:
            info = os.stat(ca_bundle)
            stamp = (info.st_mtime_ns, info.st_size)
        except OSError:  # let OpenSSL report the missing file, uncached
            return _new_ssl_context(ca_bundle)
    return _shared_ssl_context(ca_bundle, stamp)


@functools.lru_cache(maxsize=8)
def _shared_ssl_context(ca_bundle: str | None, _stamp: tuple[int, int] | None) -> ssl.SSLContext:
    return _new_ssl_context(ca_bundle)


def _new_ssl_context(ca_bundle: str | None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=certifi.where())
    if ca_bundle:
        context.load_verify_locations(cafile=ca_bundle)
    return context


class _NoCookies(http.cookiejar.CookieJar):
    """A cookie jar that keeps and sends nothing."""

    def set_cookie(self, cookie: http.cookiejar.Cookie) -> None:
        return

    def extract_cookies(self, response: Any, request: Any) -> None:
        return

    def add_cookie_header(self, request: Any) -> None:
        return


class NetClient:
    """Async HTTP client bound to one audit's resolver, guard and WARC."""

    def __init__(self, options: NetOptions, resolver: Resolver, warc: WarcLog | None) -> None:
        self.options = options
        self.resolver = resolver
        self.guard = AddressGuard(options.allow_private, tuple(options.allowed_networks))
        self._warc = warc
        self.requests_made = 0
        # Set by a logged-in browser audit: its secrets are masked in the WARC copies of the
        # browser's requests (the server still gets them).
        self.redactor: Redactor | None = None
        backend = _GuardedBackend(resolver, self.guard)
        self._client = self._new_client(backend, httpx.Cookies())
        # The browser sends its own Cookie headers: its relayed requests must neither carry
        # the crawler's cookies nor leave theirs for the crawler ("first visit" evidence).
        self._relay = self._new_client(backend, httpx.Cookies(_NoCookies()))

    def _new_client(self, backend: _GuardedBackend, cookies: httpx.Cookies) -> httpx.AsyncClient:
        options = self.options
        return httpx.AsyncClient(
            transport=_GuardedTransport(backend, make_ssl_context(options.ca_bundle)),
            cookies=cookies,
            follow_redirects=False,
            timeout=httpx.Timeout(
                connect=options.connect_timeout,
                read=options.read_timeout,
                write=options.read_timeout,
                pool=options.response_timeout,
            ),
            headers={
                "User-Agent": options.user_agent,
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
                "Accept-Language": options.accept_language,
                "Accept-Encoding": "gzip, deflate",
            },
        )

    def mask_recorded(self) -> str | None:
        """Mask, in the WARC records written so far, the secrets learnt since (logged-in
        audits only); the WARC stays open. Returns why it failed, if it did."""
        if self.redactor is None or self._warc is None:
            return None
        try:
            self._warc.mask(self.redactor)
        except Exception as exc:  # noqa: BLE001 - recorded by the caller, the audit goes on
            return f"{type(exc).__name__}: {exc}"[:300]
        return None

    async def aclose(self) -> None:
        await self._client.aclose()
        await self._relay.aclose()

    async def fetch(
        self,
        url: str,
        *,
        method: str = "GET",
        max_bytes: int | None = None,
        headers: Sequence[tuple[str, str]] | None = None,
        content: bytes | None = None,
    ) -> FetchResult:
        """One request, no redirect following; failures are returned, never raised.

        ``headers`` and ``content`` let the browser relay its own requests (cookies, POST
        bodies) through this client, so they get the same resolver, guard and WARC.
        """
        limit = self.options.max_bytes if max_bytes is None else max_bytes
        result = FetchResult(url=url)
        started = time.monotonic()
        self.requests_made += 1
        sent: list[tuple[str, str]] = []
        try:
            async with asyncio.timeout(self.options.response_timeout):
                await self._exchange(result, method, limit, headers, content, sent)
        except TimeoutError:
            if result.status is None:
                _fail(
                    result,
                    "total_timeout",
                    f"no complete answer in {self.options.response_timeout:g} s",
                )
            else:
                result.truncated = True
                _fail(
                    result,
                    "response_timeout",
                    f"body still arriving after {self.options.response_timeout:g} s",
                )
        except DnsFailureError as exc:
            _fail(result, exc.reason, str(exc))
        except BlockedAddressError as exc:
            _fail(result, "blocked_address", str(exc))
        except httpx.InvalidURL as exc:
            _fail(result, "invalid_url", str(exc))
        except httpx.UnsupportedProtocol as exc:
            _fail(result, "unsupported_scheme", str(exc))
        except httpx.HTTPError as exc:
            _fail(result, *_classify_httpx_error(exc))
        result.elapsed = time.monotonic() - started
        if result.status is not None and self._warc is not None:
            relayed = headers is not None
            result.record_id = self._write_warc(result, method, sent, content or b"", relayed)
        return result

    async def _exchange(
        self,
        result: FetchResult,
        method: str,
        limit: int,
        headers: Sequence[tuple[str, str]] | None,
        content: bytes | None,
        sent: list[tuple[str, str]],
    ) -> None:
        client = self._relay if headers is not None else self._client
        request = client.build_request(
            method, result.url, headers=list(headers) if headers else None, content=content
        )
        sent.extend(request.headers.items())  # per call: concurrent fetches must not mix
        response = await client.send(request, stream=True)
        try:
            result.status = response.status_code
            result.reason = response.reason_phrase
            result.http_version = response.http_version
            result.headers = [
                (k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw
            ]
            stream = response.extensions.get("network_stream")
            if stream is not None:
                server = stream.get_extra_info("server_addr")
                if server:
                    result.ip = str(server[0])
                ssl_object = stream.get_extra_info("ssl_object")
                if ssl_object is not None:
                    result.tls_version = ssl_object.version()
            chunks: list[bytes] = []
            size = 0
            try:
                async for chunk in response.aiter_raw():
                    if size + len(chunk) > limit:
                        chunks.append(chunk[: limit - size])
                        size = limit
                        result.truncated = True
                        break
                    chunks.append(chunk)
                    size += len(chunk)
            except TimeoutError:
                result.body = b"".join(chunks)
                raise
            except httpx.HTTPError as exc:
                result.truncated = True
                reason, detail = _classify_httpx_error(exc)
                _fail(result, "connection_reset" if reason != "read_timeout" else reason, detail)
            result.body = b"".join(chunks)
        finally:
            await response.aclose()

    def _write_warc(
        self,
        result: FetchResult,
        method: str,
        sent: list[tuple[str, str]],
        content: bytes,
        relayed: bool,
    ) -> str:
        assert self._warc is not None and result.status is not None
        url, received, body = result.url, result.headers, result.body
        redacted: list[str] = []
        if relayed and self.redactor is not None:
            url, sent, received, content, body, redacted = _redacted(
                self.redactor, url, sent, received, content, body
            )
        _, response_id = self._warc.write_exchange(
            url=url,
            method=method,
            request_headers=sent,
            request_body=content,
            http_version=result.http_version,
            status=result.status,
            reason=result.reason,
            response_headers=received,
            redacted=redacted,
            body=body,
            ip=result.ip,
            truncated=result.truncated,
            tls_version=result.tls_version,
        )
        return response_id


def _redacted(
    redactor: Redactor,
    url: str,
    sent: list[tuple[str, str]],
    received: list[tuple[str, str]],
    content: bytes,
    body: bytes,
) -> tuple[str, list[tuple[str, str]], list[tuple[str, str]], bytes, bytes, list[str]]:
    """The WARC copy of a logged-in browser's exchange, its secrets masked (the browser and
    the server saw the real one); the last item names the masked parts."""
    masked_url, sent, content, request_parts = redactor.request_copy(url, sent, content)
    _url, received, body, response_parts = redactor.response_copy(url, received, body)
    parts = request_parts + [part for part in response_parts if part != "url"]
    return masked_url, sent, received, content, body, parts


# Transport-level conditions reported through ssl exceptions: not certificate problems.
_TLS_TRANSPORT_ERRORS = (
    ssl.SSLWantReadError,
    ssl.SSLWantWriteError,
    ssl.SSLZeroReturnError,
    ssl.SSLEOFError,
    ssl.SSLSyscallError,
)


def _fail(result: FetchResult, reason: str, detail: str) -> None:
    result.error = reason
    result.error_detail = detail[:500]


def _classify_httpx_error(exc: httpx.HTTPError) -> tuple[str, str]:
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        # Before the TLS check: a read timeout on TLS carries an SSLWantReadError cause.
        if isinstance(exc, httpx.ConnectTimeout):
            return "connect_timeout", detail
        return "read_timeout", detail
    cause: BaseException | None = exc
    refused = False
    while cause is not None:
        if isinstance(cause, ssl.SSLError) and not isinstance(cause, _TLS_TRANSPORT_ERRORS):
            return "tls_error", f"{type(cause).__name__}: {cause}"
        refused = refused or isinstance(cause, ConnectionRefusedError)
        for inner in getattr(cause, "exceptions", ()):  # anyio groups per-address attempts
            refused = refused or isinstance(inner, ConnectionRefusedError)
        cause = cause.__cause__ or cause.__context__
    if "CERTIFICATE_VERIFY_FAILED" in detail or (
        isinstance(exc, httpx.ConnectError) and "SSL" in detail
    ):
        return "tls_error", detail
    if isinstance(exc, httpx.ConnectError):
        return (
            "connect_refused" if refused or "refused" in detail.lower() else "connect_error",
            detail,
        )
    if isinstance(exc, httpx.ReadError | httpx.RemoteProtocolError):
        return "connection_reset", detail
    return "http_error", detail
