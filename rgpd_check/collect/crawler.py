"""The polite crawler: entry pages first, then the documents a DPO needs, then a few pages.

Politeness follows Scrapy's defaults: robots.txt obeyed (with crawl-delay), at most two
requests in flight per host, a delay between request starts on one host, retries with
backoff for 429/503 honouring ``Retry-After``, a page budget and a total time budget.
Everything fetched goes to the evidence bundle through :class:`NetClient`; the crawler only
decides *what* to fetch and records *why* something could not be.
"""

from __future__ import annotations

import asyncio
import email.utils
import itertools
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from rgpd_check.analyze.discovery import guess, load_vocabulary
from rgpd_check.analyze.domains import host_of, registrable_domain
from rgpd_check.analyze.html import parse_page
from rgpd_check.collect.net import FetchResult, NetClient
from rgpd_check.collect.robots import RobotsCache, origin_of
from rgpd_check.evidence.bundle import BundleWriter
from rgpd_check.evidence.content import decode_content, decode_text

REDIRECT_CODES = (301, 302, 303, 307, 308)
RETRY_CODES = (429, 503)
DOCUMENT_CONFIDENCE = 0.7
_SITEMAP_LOC = re.compile(r"<loc>\s*([^<\s]+)\s*</loc>", re.I)


@dataclass(frozen=True)
class CrawlOptions:
    """Budgets and politeness of one audit (defaults are polite, as Scrapy's)."""

    max_pages: int = 30
    delay: float = 1.0
    per_host: int = 2
    concurrency: int = 8
    max_redirects: int = 10
    time_budget: float = 300.0
    retries: int = 2
    max_retry_wait: float = 30.0
    max_crawl_delay: float = 30.0
    max_depth: int = 2
    general_pages: int = 5
    probe_http: bool = True
    well_known: bool = True


@dataclass(order=True)
class _Item:
    priority: float
    seq: int
    url: str = field(compare=False)
    depth: int = field(compare=False, default=0)
    purpose: str = field(compare=False, default="link")
    via: dict[str, Any] = field(compare=False, default_factory=dict)


@dataclass
class CrawlOutcome:
    """What the crawl did: the API turns it into the manifest's not-collected list."""

    pages_fetched: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)
    budget_exhausted: bool = False
    entry_ok: int = 0
    hosts: set[str] = field(default_factory=set)
    resource_hosts: set[str] = field(default_factory=set)


class _HostSlot:
    """At most ``per_host`` requests in flight and ``delay`` seconds between starts."""

    def __init__(self, per_host: int) -> None:
        self.semaphore = asyncio.Semaphore(per_host)
        self.lock = asyncio.Lock()
        self.next_start = 0.0
        self.delay = 0.0


class Crawler:
    """One audit's crawl; ``run`` returns when done or out of budget."""

    def __init__(
        self, entry_urls: list[str], options: CrawlOptions, net: NetClient, bundle: BundleWriter
    ) -> None:
        self.entries = entry_urls
        self.options = options
        self.net = net
        self.bundle = bundle
        agent_token = net.options.user_agent.split("/")[0].split(" ")[0] or "rgpd-check"
        self.robots = RobotsCache(net, agent_token)
        self.outcome = CrawlOutcome()
        self._queue: asyncio.PriorityQueue[_Item] = asyncio.PriorityQueue()
        self._seq = itertools.count()
        self._seen: set[str] = set()
        self._slots: dict[str, _HostSlot] = {}
        self._sites = {registrable_domain(host_of(u)) for u in entry_urls}
        self._found_types: set[str] = set()
        self._queued_types: set[str] = set()
        self._budget_left = options.max_pages
        self._general_left = options.general_pages
        self._entries_pending = len(entry_urls)
        self._deadline = 0.0

    async def run(self) -> CrawlOutcome:
        self._deadline = time.monotonic() + self.options.time_budget
        for url in self.entries:
            self._enqueue(url, priority=0, depth=0, purpose="entry")
        workers = [asyncio.create_task(self._worker()) for _ in range(self.options.concurrency)]
        try:
            async with asyncio.timeout(self.options.time_budget):
                await self._queue.join()
        except TimeoutError:
            self.outcome.budget_exhausted = True
            self.bundle.event("budget_exhausted", budget_seconds=self.options.time_budget)
        finally:
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
        while not self._queue.empty():
            item = self._queue.get_nowait()
            self._not_fetched(item, "time_budget", "budget de temps épuisé / time budget exhausted")
        return self.outcome

    # -- queue -----------------------------------------------------------------------
    def _enqueue(
        self,
        url: str,
        *,
        priority: float,
        depth: int,
        purpose: str,
        via: dict[str, Any] | None = None,
    ) -> None:
        if url in self._seen:
            return
        self._seen.add(url)
        self._queue.put_nowait(_Item(priority, next(self._seq), url, depth, purpose, via or {}))

    async def _worker(self) -> None:
        while True:
            item = await self._queue.get()
            try:
                await self._process(item)
            except Exception as exc:  # noqa: BLE001 - one bad page never stops the audit
                self._failure(item.url, "internal_error", f"{type(exc).__name__}: {exc}", item)
            finally:
                if item.purpose == "entry":
                    self._entries_pending -= 1
                    if self._entries_pending == 0:
                        self._after_entries()  # before task_done, or join() could return early
                self._queue.task_done()

    async def _process(self, item: _Item) -> None:
        if item.purpose not in ("entry", "probe_http"):
            if item.purpose == "well_known" and item.via.get("type") in self._found_types:
                return
            if self._budget_left <= 0:
                if item.purpose in ("document", "entry"):
                    self._not_fetched(
                        item, "page_budget", "budget de pages épuisé / page budget exhausted"
                    )
                return
        if item.purpose != "probe_http":
            self._budget_left -= 1
        final, result = await self._fetch_following(item)
        if result is None:
            return
        if (
            item.purpose == "entry"
            and result.ok
            and result.status is not None
            and result.status < 400
        ):
            self.outcome.entry_ok += 1
        self.bundle.event(
            "page",
            url=item.url,
            final_url=final,
            purpose=item.purpose,
            depth=item.depth,
            status=result.status,
            via=item.via,
            record_id=result.record_id,
        )
        if result.status is None:
            return
        if result.error:
            # Headers came, the body did not (reset, drip past the time limit): the page is
            # incomplete evidence and must say why, or a cut document would pass as read.
            self._failure(final, result.error, result.error_detail, item)
            return
        if result.status >= 400:
            self._failure(
                final, f"http_{result.status}", f"HTTP {result.status} {result.reason}", item
            )
            return
        if result.truncated:
            self.bundle.event("truncated", url=final, limit=self.net.options.max_bytes)
            self._failure(
                final,
                "body_too_large",
                f"corps coupé à {self.net.options.max_bytes} octets"
                f" / body cut at {self.net.options.max_bytes} bytes",
                item,
            )
        if item.via.get("type") and item.purpose in ("document", "well_known"):
            self._found_types.add(str(item.via["type"]))
        self.outcome.pages_fetched += 1
        if item.purpose == "probe_http":
            return
        content_type = (result.header("content-type") or "").lower()
        if "html" in content_type or (not content_type and result.body.lstrip()[:1] == b"<"):
            self._discover(final, result, item)

    def _discover(self, url: str, result: FetchResult, item: _Item) -> None:
        body, problem = decode_content(result.body, result.header("content-encoding"))
        if problem:
            # A bomb or an unknown coding: nothing trustworthy to read links from.
            reason = "decompression_bomb" if "bomb" in problem else "undecodable_body"
            self._failure(url, reason, problem, item)
            return
        text, _ = decode_text(body, result.header("content-type"))
        page = parse_page(text, url, text=False)  # links only: analysis reads the text
        self.outcome.resource_hosts.update(host_of(r.url) for r in page.resources)
        if page.meta_refresh:
            self._enqueue(
                page.meta_refresh,
                priority=0.5,
                depth=item.depth,
                purpose=item.purpose,
                via={
                    "from": url,
                    "meta_refresh": True,
                    **({"type": item.via["type"]} if "type" in item.via else {}),
                },
            )
        if item.depth >= self.options.max_depth:
            return
        for link in page.links:
            found = guess(link.url, link_text=link.text, rel=link.rel)
            on_site = registrable_domain(host_of(link.url)) in self._sites
            if found is not None and found.confidence >= DOCUMENT_CONFIDENCE:
                self._queued_types.add(found.type)
                self._enqueue(
                    link.url,
                    priority=1 + (1 - found.confidence),
                    depth=item.depth + 1,
                    purpose="document",
                    via={
                        "from": url,
                        "link_text": link.text[:200],
                        "type": found.type,
                        "confidence": found.confidence,
                        "reason": found.reason,
                    },
                )
            elif on_site and self._general_left > 0 and link.url not in self._seen:
                self._general_left -= 1
                self._enqueue(
                    link.url,
                    priority=3,
                    depth=item.depth + 1,
                    purpose="link",
                    via={"from": url, "link_text": link.text[:200]},
                )

    def _after_entries(self) -> None:
        """Once entry pages are in: probe HTTP→HTTPS, well-known paths, sitemaps."""
        entry_origins = sorted({origin_of(u) for u in self.entries})
        if self.options.probe_http:
            for origin in entry_origins:
                if origin.startswith("https://"):
                    # Default port on purpose: is there any plain-HTTP service for this name?
                    host = urlsplit(origin).hostname or ""
                    self._enqueue(f"http://{host}/", priority=2.5, depth=0, purpose="probe_http")
        if not self.options.well_known:
            return
        queued_types = self._queued_types | self._found_types
        vocabulary = load_vocabulary()
        for origin in entry_origins:
            for doc_type, paths in vocabulary.well_known.items():
                if doc_type in queued_types:
                    continue
                for path in paths:
                    self._enqueue(
                        origin + path,
                        priority=2,
                        depth=1,
                        purpose="well_known",
                        via={"type": doc_type, "reason": f"chemin usuel / well-known path {path}"},
                    )
            for path in vocabulary.sitemaps:
                self._enqueue(origin + path, priority=2.2, depth=1, purpose="sitemap")

    # -- fetching ----------------------------------------------------------------------
    async def _fetch_following(self, item: _Item) -> tuple[str, FetchResult | None]:
        url = item.url
        chain = [url]
        for _ in range(self.options.max_redirects + 1):
            if urlsplit(url).scheme not in ("http", "https"):
                self._failure(url, "unsupported_scheme", url, item)
                return url, None
            rules = await self.robots.rules_for(url)
            if rules.network_error:
                # robots.txt could not even be requested: the page would fail the same way.
                self._failure(url, rules.network_error, rules.unreachable or "", item)
                return url, None
            if not rules.allows(url, self.robots.agent):
                reason = "robots_unreachable" if rules.unreachable else "robots_disallowed"
                detail = rules.unreachable or "interdit par robots.txt / disallowed by robots.txt"
                self.bundle.event(
                    "robots_disallowed",
                    url=url,
                    reason=reason,
                    detail=detail,
                    purpose=item.purpose,
                    via=item.via,
                )
                self._failure(url, reason, detail, item, record=False)
                return url, None
            delay = rules.crawl_delay(self.robots.agent)
            result = await self._fetch_politely(url, delay)
            if result.error and result.status is None:
                self._failure(url, result.error, result.error_detail, item)
                return url, result
            location = result.header("location")
            if result.status in REDIRECT_CODES and location:
                next_url = urljoin(url, location.strip())
                if next_url in chain:
                    self._failure(
                        item.url, "redirect_loop", " → ".join([*chain, next_url])[:500], item
                    )
                    return url, None
                chain.append(next_url)
                url = next_url
                continue
            if result.status in REDIRECT_CODES:
                return url, result
            if item.purpose == "sitemap" and result.ok and result.status == 200:
                self._read_sitemap(result)
            return url, result
        self._failure(
            item.url,
            "too_many_redirects",
            f"plus de {self.options.max_redirects} redirections"
            f" / more than {self.options.max_redirects} redirects",
            item,
        )
        return url, None

    async def _fetch_politely(self, url: str, crawl_delay: float | None) -> FetchResult:
        host = host_of(url)
        self.outcome.hosts.add(host)
        slot = self._slots.setdefault(host, _HostSlot(self.options.per_host))
        slot.delay = max(self.options.delay, min(crawl_delay or 0.0, self.options.max_crawl_delay))
        attempt = 0
        while True:
            async with slot.semaphore:
                async with slot.lock:
                    wait = slot.next_start - time.monotonic()
                    if wait > 0:
                        await asyncio.sleep(wait)
                    slot.next_start = time.monotonic() + slot.delay
                result = await self.net.fetch(url)
            if result.status not in RETRY_CODES or attempt >= self.options.retries:
                return result
            wait = _retry_after(result.header("retry-after"), default=2.0**attempt)
            if wait > self.options.max_retry_wait or time.monotonic() + wait > self._deadline:
                self.bundle.event("retry_abandoned", url=url, status=result.status, wait=wait)
                return result
            attempt += 1
            self.bundle.event("retry", url=url, status=result.status, wait=wait, attempt=attempt)
            await asyncio.sleep(wait)

    def _read_sitemap(self, result: FetchResult) -> None:
        body, _ = decode_content(result.body, result.header("content-encoding"))
        for match in itertools.islice(_SITEMAP_LOC.finditer(body.decode("utf-8", "replace")), 5000):
            url = match.group(1).strip()
            found = guess(url)
            if found is not None and registrable_domain(host_of(url)) in self._sites:
                self._enqueue(
                    url,
                    priority=2.1,
                    depth=1,
                    purpose="document",
                    via={
                        "from": result.url,
                        "type": found.type,
                        "confidence": found.confidence,
                        "reason": "sitemap.xml " + found.reason,
                    },
                )

    # -- recording -------------------------------------------------------------------
    def _failure(
        self, url: str, reason: str, detail: str, item: _Item, *, record: bool = True
    ) -> None:
        entry = {
            "url": url,
            "reason": reason,
            "detail": detail[:500],
            "purpose": item.purpose,
            "type": item.via.get("type"),
        }
        self.outcome.failures.append(entry)
        if record:
            self.bundle.event("fetch_failed", **entry)

    def _not_fetched(self, item: _Item, reason: str, detail: str) -> None:
        if item.purpose in ("link", "sitemap", "well_known", "probe_http"):
            return
        self._failure(item.url, reason, detail, item)


def _retry_after(value: str | None, default: float) -> float:
    if not value:
        return default
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    return max(0.0, parsed.timestamp() - time.time())
