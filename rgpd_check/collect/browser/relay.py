"""Every browser request goes through rgpd-check's own network component.

Playwright intercepts each request; we fetch it with :class:`NetClient` (our resolver, the
private-address guard, the WARC) and fulfil the browser with that answer. A static host map
would bypass all three. Requests the guard refuses are aborted and recorded; redirects are
fulfilled as they are, so the browser follows them and each hop comes back here.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Route

from rgpd_check.collect.browser.record import BrowserLog, clip
from rgpd_check.collect.net import FetchResult, NetClient
from rgpd_check.evidence.content import decode_content

# Hop-by-hop or transfer headers: httpx sets its own, and we only accept encodings we decode.
_DROP_REQUEST = frozenset(
    {
        "host",
        "content-length",
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "upgrade",
        "te",
        "trailer",
        "accept-encoding",
    }
)
# The browser gets the decoded body: headers describing the wire form no longer hold.
_DROP_RESPONSE = frozenset(
    {"content-encoding", "content-length", "transfer-encoding", "connection", "keep-alive"}
)
_ABORT_REASONS = {
    "blocked_address": "blockedbyclient",
    "dns_nxdomain": "namenotresolved",
    "dns_no_address": "namenotresolved",
    "connect_refused": "connectionrefused",
    "connect_timeout": "timedout",
    "read_timeout": "timedout",
    "total_timeout": "timedout",
    "tls_error": "failed",
}
DEFAULT_MAX_REQUESTS = 1500


def forward_headers(headers: dict[str, str]) -> list[tuple[str, str]]:
    """The browser's request headers minus those our client must set itself."""
    return [
        (name, value)
        for name, value in headers.items()
        if not name.startswith(":") and name.lower() not in _DROP_REQUEST
    ]


def fulfil_headers(headers: list[tuple[str, str]]) -> dict[str, str]:
    """Response headers for ``route.fulfill``: one value per name, Set-Cookie kept apart.

    Playwright splits a ``set-cookie`` value on newlines, so several cookies survive.
    """
    merged: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        if key in _DROP_RESPONSE:
            continue
        if key in merged:
            merged[key] += ("\n" if key == "set-cookie" else ", ") + value
        else:
            merged[key] = value
    return merged


def abort_reason(result: FetchResult) -> str:
    """Playwright's error code closest to why our client could not fetch."""
    return _ABORT_REASONS.get(result.error or "", "failed")


class Relay:
    """The route handler of one browser context."""

    def __init__(
        self, net: NetClient, log: BrowserLog, max_requests: int = DEFAULT_MAX_REQUESTS
    ) -> None:
        self.net = net
        self.log = log
        self.max_requests = max_requests
        self.count = 0
        self.in_flight = 0
        self.last_activity = time.monotonic()
        self.idle = asyncio.Event()
        self.idle.set()

    async def handle(self, route: Route) -> None:
        self.in_flight += 1
        self.idle.clear()
        try:
            await self._handle(route)
        finally:
            self.in_flight -= 1
            self.last_activity = time.monotonic()
            if self.in_flight == 0:
                self.idle.set()

    async def _handle(self, route: Route) -> None:
        request = route.request
        url = request.url
        if not url.startswith(("http://", "https://")):
            await _safely(route.continue_())
            return
        entry: dict[str, Any] = {
            "url": url,
            "method": request.method,
            "resource_type": request.resource_type,
            "navigation": request.is_navigation_request(),
            "frame_url": _frame_url(request),
            "main_frame": _main_frame(request),
        }
        body = request.post_data_buffer
        if body:
            entry["post_data"] = clip(body.decode("utf-8", "replace"))
            entry["post_data_size"] = len(body)
        self.count += 1
        if self.count > self.max_requests:
            entry.update(outcome="skipped", error="request_budget")
            self.log.write("request", **entry)
            await _safely(route.abort("blockedbyclient"))
            return
        try:
            headers = await request.all_headers()
        except PlaywrightError:
            headers = dict(request.headers)
        started = time.monotonic()
        result = await self.net.fetch(
            url, method=request.method, headers=forward_headers(headers), content=body or None
        )
        entry["elapsed_ms"] = round((time.monotonic() - started) * 1000, 1)
        if result.status is None:
            outcome = "blocked" if result.error == "blocked_address" else "failed"
            entry.update(outcome=outcome, error=result.error, error_detail=result.error_detail)
            self.log.write("request", **entry)
            await _safely(route.abort(abort_reason(result)))
            return
        decoded, problem = decode_content(result.body, result.header("content-encoding"))
        entry.update(
            outcome="relayed",
            status=result.status,
            ip=result.ip,
            warc_record_id=result.record_id,
            content_type=result.header("content-type"),
            set_cookie=[v for k, v in result.headers if k.lower() == "set-cookie"],
        )
        if result.header("location"):
            entry["location"] = result.header("location")
        if result.truncated:
            entry["truncated"] = True
        if result.error:
            entry["error"] = result.error
        if problem:
            entry["decode_problem"] = problem
        self.log.write("request", **entry)
        await _safely(
            route.fulfill(
                status=result.status, headers=fulfil_headers(result.headers), body=decoded
            )
        )

    async def settle(self, quiet: float, limit: float) -> None:
        """Wait until no request has been in flight for ``quiet`` seconds (at most ``limit``)."""
        deadline = time.monotonic() + limit
        while True:
            now = time.monotonic()
            if now >= deadline:
                return
            if self.in_flight == 0 and now - self.last_activity >= quiet:
                return
            if self.in_flight:
                try:
                    await asyncio.wait_for(self.idle.wait(), timeout=deadline - now)
                except TimeoutError:
                    return
                continue
            await asyncio.sleep(min(quiet - (now - self.last_activity), deadline - now))


def _frame_url(request: Any) -> str | None:
    try:
        frame = request.frame
    except PlaywrightError:  # service-worker requests have no frame
        return None
    if frame is None:
        return None
    url = frame.url
    if url:
        return str(url)
    parent = frame.parent_frame  # an iframe's own navigation: the frame is not committed yet
    return str(parent.url) if parent is not None else None


def _main_frame(request: Any) -> bool | None:
    try:
        frame = request.frame
    except PlaywrightError:
        return None
    return None if frame is None else frame.parent_frame is None


async def _safely(action: Any) -> None:
    """The page may have closed meanwhile; that is not an audit failure."""
    try:
        await action
    except PlaywrightError:
        pass
