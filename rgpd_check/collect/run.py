"""One audit's collection: crawl, then DNS survey, then IP data — all into the bundle."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from rgpd_check.analyze.domains import host_of, registrable_domain
from rgpd_check.collect.crawler import CrawlOptions, CrawlOutcome, Crawler
from rgpd_check.collect.ipdata import IPDATA_LOG, Geoip2FastSource, IpDataSource, lookup_all
from rgpd_check.collect.net import NetClient, NetOptions
from rgpd_check.collect.resolver import Resolver
from rgpd_check.evidence.bundle import BundleWriter

MAX_SURVEYED_HOSTS = 150


@dataclass
class CollectOutcome:
    """What collection achieved, for the manifest and the exit code."""

    crawl: CrawlOutcome
    responses: int = 0
    not_collected: list[dict[str, Any]] = field(default_factory=list)


async def collect(
    entry_urls: list[str],
    net_options: NetOptions,
    crawl_options: CrawlOptions,
    bundle: BundleWriter,
    ip_sources: list[IpDataSource] | None = None,
) -> CollectOutcome:
    """Run every collector of a static audit; failures are recorded, never raised."""
    resolver = Resolver(
        server=net_options.dns_server, timeout=net_options.dns_timeout, recorder=bundle.dns.write
    )
    net = NetClient(net_options, resolver, bundle.http)
    try:
        crawl = await Crawler(entry_urls, crawl_options, net, bundle).run()
        await _dns_survey(resolver, entry_urls, crawl)
    finally:
        await net.aclose()
    addresses = sorted(
        {
            record
            for (_, rtype), future in resolver._cache.items()  # noqa: SLF001 - same package
            if rtype in ("A", "AAAA") and future.done() and not future.cancelled()
            for record in future.result().records
        }
    )
    sources = ip_sources if ip_sources is not None else [Geoip2FastSource()]
    if addresses:
        log = bundle.log(IPDATA_LOG)
        for entry in lookup_all(addresses, sources):
            log.write(entry)
    outcome = CollectOutcome(crawl=crawl, responses=net.requests_made)
    outcome.not_collected = list(crawl.failures)
    return outcome


async def _dns_survey(resolver: Resolver, entry_urls: list[str], crawl: CrawlOutcome) -> None:
    """MX and NS of the vendor's domains; addresses of every host the pages reach."""
    domains = sorted({registrable_domain(host_of(u)) for u in entry_urls})
    hosts = sorted(h for h in crawl.resource_hosts | crawl.hosts if h)[:MAX_SURVEYED_HOSTS]
    semaphore = asyncio.Semaphore(16)

    async def ask(name: str, rtype: str) -> None:
        async with semaphore:
            await resolver.query(name, rtype)

    jobs = [ask(d, rtype) for d in domains for rtype in ("MX", "NS")]
    jobs += [ask(h, rtype) for h in hosts for rtype in ("A", "AAAA")]
    await asyncio.gather(*jobs)
