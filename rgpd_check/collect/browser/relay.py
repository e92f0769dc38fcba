"""Every browser request goes through rgpd-check's own network component.

Playwright intercepts each request; we fetch it with :class:`NetClient` (our resolver, the
private-address guard, the WARC) and fulfil the browser with that answer. A static host map
would bypass all three. Requests the guard refuses are aborted and recorded; redirects are
fulfilled as they are, so the browser follows them and each hop comes back here.
"""

from __future__ import annotations

import asyncio
import html
import json
import time
from typing import Any
from urllib.parse import urljoin

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Route

from rgpd_check.analyze.domains import cookie_site, host_of
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
MAX_REDIRECTS = 10
REDIRECT_CODES = (301, 302, 303, 307, 308)
# Credentials the browser computed for one host: never sent to the next host of a redirect.
_PER_HOST = frozenset({"cookie", "authorization"})


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


def client_redirect(target: str, headers: list[tuple[str, str]]) -> dict[str, Any]:
    """A page that sends the browser on to ``target`` (cookies of the redirect kept)."""
    attribute = html.escape(target, quote=True)
    script = json.dumps(target).replace("<", "\\u003c")
    cookies = [v for k, v in headers if k.lower() == "set-cookie"]
    served = {"content-type": "text/html; charset=utf-8", "cache-control": "no-store"}
    if cookies:
        served["set-cookie"] = "\n".join(cookies)
    body = (
        f'<!doctype html><meta http-equiv="refresh" content="0;url={attribute}">'
        f"<script>location.replace({script})</script>"
    )
    return {"status": 200, "headers": served, "body": body}


def abort_reason(result: FetchResult) -> str:
    """Playwright's error code closest to why our client could not fetch."""
    return _ABORT_REASONS.get(result.error or "", "failed")


class Relay:
    """The route handler of one browser context."""

    def __init__(
        self,
        net: NetClient,
        log: BrowserLog,
        max_requests: int = DEFAULT_MAX_REQUESTS,
        *,
        block_third_party: bool = False,
    ) -> None:
        self.net = net
        self.log = log
        self.max_requests = max_requests
        # Chromium applies its third-party cookie block to what scripts write, not to the
        # Set-Cookie of a fulfilled response: for those, the relay applies it.
        self.block_third_party = block_third_party
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
        # The frames decide third-party cookies: only needed when those are blocked.
        frames = frame_chain(request) if self.block_third_party else None
        await self._relay(route, entry, forward_headers(headers), body or None, frames)

    async def _relay(
        self,
        route: Route,
        entry: dict[str, Any],
        headers: list[tuple[str, str]],
        content: bytes | None,
        frames: list[str] | None = None,
    ) -> None:
        """Fetch, hop by hop: Playwright does not route the target of a fulfilled redirect,
        so a navigation gets a client-side redirect (the browser comes back here) and a
        subresource's redirects are followed here, each hop checked and recorded.

        ``frames`` are the URLs of the frames the request is for, the top one last: with
        third-party cookies blocked, the cookies of another site are not handed over."""
        url, method = str(entry["url"]), str(entry["method"])
        origin_host = host_of(url)
        kept: list[str] = []  # Set-Cookie of hops on the first URL's host: right as they are
        for hop in range(MAX_REDIRECTS + 1):
            started = time.monotonic()
            result = await self.net.fetch(url, method=method, headers=headers, content=content)
            entry["elapsed_ms"] = round((time.monotonic() - started) * 1000, 1)
            if result.status is None:
                outcome = "blocked" if result.error == "blocked_address" else "failed"
                entry.update(outcome=outcome, error=result.error, error_detail=result.error_detail)
                self.log.write("request", **entry)
                await _safely(route.abort(abort_reason(result)))
                return
            self._describe(entry, result)
            location = (result.header("location") or "").strip()
            target = urljoin(url, location) if location else ""
            if result.status not in REDIRECT_CODES or not target or hop == MAX_REDIRECTS:
                break
            if not target.startswith(("http://", "https://")):
                self.log.write("request", **entry)
                await _safely(route.abort("failed"))
                return
            if entry["navigation"]:
                entry["redirect"] = "client_side"
                served_headers = result.headers
                if frames and third_party(host_of(url), frames):
                    cookies = [v for k, v in served_headers if k.lower() == "set-cookie"]
                    self._refuse_third_party(entry, cookies)
                    served_headers = [
                        (k, v)
                        for k, v in served_headers
                        if k.lower() != "set-cookie" or v in cookies
                    ]
                self.log.write("request", **entry)
                await _safely(route.fulfill(**client_redirect(target, served_headers)))
                return
            entry["redirect"] = "followed_by_relay"
            self._keep_cookies(entry, result, origin_host, kept)
            self.log.write("request", **entry)
            if result.status == 303 or (result.status in (301, 302) and method == "POST"):
                method, content = "GET", None
            if host_of(target) != host_of(url):
                headers = [(k, v) for k, v in headers if k.lower() not in _PER_HOST]
            stale = {"redirect", "location", "truncated", "error"}
            if content is None:
                stale |= {"post_data", "post_data_size"}
            entry = {k: v for k, v in entry.items() if k not in stale}
            entry.update(url=target, method=method, redirected_from=url)
            url = target
        decoded, problem = decode_content(result.body, result.header("content-encoding"))
        if problem:
            entry["decode_problem"] = problem
        self._keep_cookies(entry, result, origin_host, kept)
        if kept and frames and third_party(origin_host, frames):
            self._refuse_third_party(entry, kept)
        served = fulfil_headers([(k, v) for k, v in result.headers if k.lower() != "set-cookie"])
        if kept:
            served["set-cookie"] = "\n".join(kept)
        self.log.write("request", **entry)
        await _safely(route.fulfill(status=result.status, headers=served, body=decoded))

    @staticmethod
    def _refuse_third_party(entry: dict[str, Any], cookies: list[str]) -> None:
        """Chromium with third-party cookies blocked keeps only partitioned ones: ``cookies``
        is left with those, and the entry says the others were refused."""
        refused = [c for c in cookies if not _partitioned(c)]
        if refused:
            cookies[:] = [c for c in cookies if _partitioned(c)]
            entry["cookies_refused"] = "third_party_cookies_blocked"

    @staticmethod
    def _keep_cookies(
        entry: dict[str, Any], result: FetchResult, origin_host: str, kept: list[str]
    ) -> None:
        """The browser stores what we fulfil for the first URL: cookies of another host's
        hop cannot be handed over without landing on the wrong site, so they are marked."""
        cookies = [v for k, v in result.headers if k.lower() == "set-cookie"]
        if not cookies:
            return
        if host_of(str(entry["url"])) == origin_host:
            kept.extend(cookies)
        else:
            entry["cookies_not_applied"] = True

    def _describe(self, entry: dict[str, Any], result: FetchResult) -> None:
        cookies = [v for k, v in result.headers if k.lower() == "set-cookie"]
        if self.net.redactor is not None:  # a saved login's renewed cookie stays a secret
            cookies = [self.net.redactor.set_cookie(result.url, v) for v in cookies]
        entry.update(
            outcome="relayed",
            status=result.status,
            ip=result.ip,
            warc_record_id=result.record_id,
            content_type=result.header("content-type"),
            set_cookie=cookies,
        )
        if result.header("location"):
            entry["location"] = result.header("location")
        if result.truncated:
            entry["truncated"] = True
        if result.error:
            entry["error"] = result.error

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


def _frame_of(request: Any) -> Any:
    """The request's frame, or None (service-worker requests have none)."""
    try:
        return request.frame
    except PlaywrightError:
        return None


def _frame_url(request: Any) -> str | None:
    frame = _frame_of(request)
    if frame is None:
        return None
    url = frame.url
    if url:
        return str(url)
    parent = frame.parent_frame  # an iframe's own navigation: the frame is not committed yet
    return str(parent.url) if parent is not None else None


def frame_chain(request: Any) -> list[str] | None:
    """URLs of the frames that decide whether a request is third-party, the top one last.

    A main-frame navigation is for itself; a frame's own navigation is judged by the frames
    around it; anything else by its frame and their ancestors.
    """
    frame = _frame_of(request)
    if frame is None:
        return None
    if request.is_navigation_request():
        if frame.parent_frame is None:
            return [str(request.url)]
        frame = frame.parent_frame
    urls: list[str] = []
    while frame is not None:
        urls.append(str(frame.url or ""))
        frame = frame.parent_frame
    return urls


def third_party(host: str, frames: list[str]) -> bool:
    """Chromium's "third party": ``host`` is of another site than the top frame, or a frame in
    between is (a same-site frame inside a cross-site one). Sites are keyed as the browser
    keys cookies (private suffixes such as github.io count). Unknown frames decide nothing."""
    top = frames[-1]
    if not top.startswith(("http://", "https://")):
        return False
    site = cookie_site(host_of(top))
    return cookie_site(host) != site or any(
        cookie_site(host_of(url)) != site
        for url in frames[:-1]
        if url.startswith(("http://", "https://"))
    )


def _partitioned(set_cookie: str) -> bool:
    """A CHIPS cookie (``Partitioned``): Chromium keeps it even with third-party cookies
    blocked, in a jar of the top site's."""
    return any(part.strip().lower() == "partitioned" for part in set_cookie.split(";")[1:])


def _main_frame(request: Any) -> bool | None:
    frame = _frame_of(request)
    return None if frame is None else frame.parent_frame is None


async def _safely(action: Any) -> None:
    """The page may have closed meanwhile; that is not an audit failure."""
    try:
        await action
    except PlaywrightError:
        pass
