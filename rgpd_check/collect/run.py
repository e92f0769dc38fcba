"""One audit's collection: crawl, browser visit, DNS survey, then IP data — all into the bundle.

Each collector writes its evidence through the bundle and records what it could not get;
none of them raises for a misbehaving site.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rgpd_check.analyze.domains import host_of, registrable_domain
from rgpd_check.collect.crawler import Crawler, CrawlOptions, CrawlOutcome
from rgpd_check.collect.ipdata import (
    IPDATA_LOG,
    IpDataSource,
    build_sources,
    lookup_all,
    survey_mail_hosts,
)
from rgpd_check.collect.net import NetClient, NetOptions
from rgpd_check.collect.resolver import Resolver
from rgpd_check.evidence.bundle import BundleWriter

MAX_SURVEYED_HOSTS = 150


@dataclass(frozen=True)
class CollectOptions:
    """Which collectors run, besides the crawler (always on)."""

    ip_data: tuple[Path, ...] = ()
    ip_online: bool = False
    browser: bool = False
    browser_options: dict[str, Any] = field(default_factory=dict)


@dataclass
class CollectOutcome:
    """What collection achieved, for the manifest and the exit code."""

    crawl: CrawlOutcome
    responses: int = 0
    not_collected: list[dict[str, Any]] = field(default_factory=list)
    browser: dict[str, Any] | None = None


async def collect(
    entry_urls: list[str],
    net_options: NetOptions,
    crawl_options: CrawlOptions,
    bundle: BundleWriter,
    ip_sources: list[IpDataSource] | None = None,
    options: CollectOptions | None = None,
) -> CollectOutcome:
    """Run every collector of an audit; failures are recorded, never raised."""
    options = options or CollectOptions()
    resolver = Resolver(
        server=net_options.dns_server, timeout=net_options.dns_timeout, recorder=bundle.dns.write
    )
    net = NetClient(net_options, resolver, bundle.http)
    browser_outcome: dict[str, Any] | None = None
    launch: Any = None
    try:
        if options.browser:
            from rgpd_check.collect.browser import BrowserLaunch

            launch = BrowserLaunch.start(options.browser_options)  # starts while we crawl
        crawl = await Crawler(entry_urls, crawl_options, net, bundle).run()
        if options.browser:
            from rgpd_check.collect.browser import browse

            launch, started = None, launch
            browser_outcome = await browse(
                entry_urls, crawl, net, bundle, options.browser_options, started
            )
        await _dns_survey(resolver, entry_urls, crawl)
        await survey_mail_hosts(resolver, {registrable_domain(host_of(u)) for u in entry_urls})
        if ip_sources is None:
            ip_sources = build_sources(options.ip_data, online=options.ip_online, resolver=resolver)
        addresses = resolver.addresses_seen()
        if addresses:
            log = bundle.log(IPDATA_LOG)
            for entry in await lookup_all(addresses, ip_sources):
                log.write(entry)
    finally:
        if launch is not None:  # the crawl failed: the browser started for nothing
            await launch.close()
        await net.aclose()
    outcome = CollectOutcome(crawl=crawl, responses=net.requests_made, browser=browser_outcome)
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
