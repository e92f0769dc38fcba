"""Browser mode: Debian's Chromium, driven by Playwright, every request through our client.

``browse`` is called by ``collect.run.collect`` when ``CollectOptions.browser`` is true. It
writes ``browser.jsonl`` and ``files/screenshot-entry*.png`` into the bundle and never
raises for a misbehaving site or a missing browser: those are recorded as not collected.
Audits run inside ``async with shared_browser():`` (a batch) share one browser launch.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from rgpd_check.collect.browser.chromium import (
    LAUNCH_ARGS,
    THIRD_PARTY_ALLOWED,
    THIRD_PARTY_BLOCKED,
    chromium_available,
    find_chromium,
)
from rgpd_check.collect.browser.consent import known_platforms
from rgpd_check.collect.browser.launch import BrowserLaunch, SharedBrowsers, shared_browser
from rgpd_check.collect.browser.record import BROWSER_LOG, BrowserLog
from rgpd_check.collect.browser.session import BrowserOptions, BrowserSession, key_documents
from rgpd_check.collect.crawler import CrawlOutcome
from rgpd_check.collect.net import NetClient
from rgpd_check.evidence.bundle import EVENTS_LOG, BundleWriter
from rgpd_check.evidence.jsonl import read_jsonl

__all__ = [
    "BROWSER_LOG",
    "BrowserLaunch",
    "THIRD_PARTY_ALLOWED",
    "THIRD_PARTY_BLOCKED",
    "BrowserOptions",
    "SharedBrowsers",
    "browse",
    "chromium_available",
    "find_chromium",
    "shared_browser",
]


async def browse(
    entry_urls: list[str],
    crawl_outcome: CrawlOutcome,
    net: NetClient,
    bundle: BundleWriter,
    options: dict[str, Any],
    launch: BrowserLaunch | None = None,
) -> dict[str, Any]:
    """Visit the entry pages and key documents in Chromium; returns a summary for the manifest.

    ``launch`` is a context opened earlier (while the crawler worked); it is closed here, with
    its browser unless that browser is shared.
    """
    launch = launch or BrowserLaunch.start(options)
    try:
        return await _browse(entry_urls, crawl_outcome, net, bundle, launch)
    finally:
        await launch.close()


async def _browse(
    entry_urls: list[str],
    crawl_outcome: CrawlOutcome,
    net: NetClient,
    bundle: BundleWriter,
    launch: BrowserLaunch,
) -> dict[str, Any]:
    settings = launch.settings
    log = BrowserLog(bundle)
    if _unreachable(crawl_outcome):
        return _not_collected(
            bundle,
            log,
            entry_urls,
            "entry_unreachable",
            "pages d’entrée injoignables / entry pages unreachable",
            settings,
        )
    if launch.executable is None:
        return _not_collected(
            bundle,
            log,
            entry_urls,
            "browser_unavailable",
            "Chromium introuvable / Chromium not found",
            settings,
        )
    from rgpd_check.knowledge import load_trackers

    platforms = known_platforms(load_trackers())
    documents = key_documents(list(read_jsonl(bundle.root / EVENTS_LOG)), settings.max_documents)
    started = time.monotonic()
    try:
        launched = await launch.result()
    except Exception as exc:  # noqa: BLE001 - a browser that cannot start is recorded
        return _not_collected(
            bundle, log, entry_urls, "browser_error", f"{type(exc).__name__}: {exc}", settings
        )
    summary: dict[str, Any] = {"ran": False, "mode": settings.mode, "executable": launch.executable}
    session = BrowserSession(launched.context, net, bundle, log, settings, platforms)
    try:
        await session.install()
        log.write(
            "session",
            mode=settings.mode,
            executable=launch.executable,
            launch_args=list(LAUNCH_ARGS),
            fresh_profile=True,
            fresh_context=True,
            browser_shared=launch.shared,
            documents=[{"url": u, "type": t} for u, t in documents],
            storage_state=settings.storage_state is not None,
        )
        async with asyncio.timeout(settings.time_budget):
            await session.run(entry_urls, documents)
        summary["ran"] = True
    except TimeoutError:
        summary["ran"] = True
        log.write("budget_exhausted", budget_seconds=settings.time_budget)
        bundle.event("budget_exhausted", stage="browser", budget_seconds=settings.time_budget)
    except Exception as exc:  # noqa: BLE001 - a browser crash is recorded, never fatal
        log.write("error", stage="session", detail=f"{type(exc).__name__}: {exc}"[:500])
        summary["ran"] = session.pages_visited > 0
        if not summary["ran"]:
            detail = f"{type(exc).__name__}: {exc}"
            if log.redactor is not None:  # an error message can quote a URL with a secret
                detail = log.redactor.scrub(detail)
            bundle.event(
                "fetch_failed",
                url=entry_urls[0],
                reason="browser_error",
                detail=detail[:500],
                purpose="browser",
            )
            summary.update(reason="browser_error", detail=detail[:500])
    finally:
        log.write("browser", version=session.version, user_agent=session.user_agent)
        log.finish()  # values learnt late are masked in what was logged before
        failure = net.mask_recorded()  # and in the WARC
        if failure is not None:  # said, never silent: the bundle may hold a secret
            bundle.event("masking_failed", stage="browser", detail=failure)
    summary.update(
        chromium_version=session.version,
        user_agent=session.user_agent,
        pages_visited=session.pages_visited,
        requests=session.relay.count,
        duration_s=round(time.monotonic() - started, 2),
    )
    return summary


def _not_collected(
    bundle: BundleWriter,
    log: BrowserLog,
    entry_urls: list[str],
    reason: str,
    detail: str,
    settings: BrowserOptions,
) -> dict[str, Any]:
    log.write("session", mode=settings.mode, ran=False, error=reason, detail=detail[:500])
    bundle.event(
        "fetch_failed", url=entry_urls[0], reason=reason, detail=detail[:500], purpose="browser"
    )
    return {"ran": False, "mode": settings.mode, "reason": reason, "detail": detail[:500]}


_NETWORK_FAILURES = ("dns_", "connect_", "tls_", "blocked_address", "total_timeout", "invalid_url")


def _unreachable(crawl: CrawlOutcome) -> bool:
    """No entry page answered the crawler for a network reason: the browser would not either.

    A robots.txt refusal is not such a reason: a pupil's browser does not read robots.txt.
    """
    entry_failures = [f for f in crawl.failures if f.get("purpose") == "entry"]
    return (
        crawl.entry_ok == 0
        and bool(entry_failures)
        and all(str(f.get("reason", "")).startswith(_NETWORK_FAILURES) for f in entry_failures)
    )
