"""Per-site time of browser mode against static mode, on the test web's tracker fixtures.

    python benchmarks/bench_browser.py [--runs 3] [--linger 0.6]

Each run is a whole ``api.audit`` (crawl, browser, analysis, rules, JSON report) of one site
of ``tests/trackers/sites``: the quiz tool (13 hosts: tag manager, pixels, iframe, banner…)
and the clean tool (first party only). The crawl has no politeness delay here, so the figures
compare the work itself; a real audit adds ``--delay`` between requests to a host.
Also printed: the browser's own share (launch to close, from ``CollectOutcome.browser``).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rgpd_check import api
from rgpd_check.collect import run as collect_run
from rgpd_check.collect.browser.chromium import find_chromium
from rgpd_check.collect.crawler import CrawlOptions
from tests.helpers import net_options
from tests.testweb.web import TestWeb
from tests.trackers.support import CLEAN_SITES, FILTER_LIST, QUIZ_SITES, allowed_networks

SITES = {"quiz-ecole.test": QUIZ_SITES, "propre.test": CLEAN_SITES}


def _audit(web: TestWeb, host: str, out: Path, browser: bool, linger: float) -> dict[str, Any]:
    """One audit; returns wall time and the browser's own duration (when it ran)."""
    seen: dict[str, Any] = {}
    original = collect_run.collect

    async def spying(*args: Any, **kwargs: Any) -> Any:
        outcome = await original(*args, **kwargs)
        seen["browser"] = outcome.browser
        return outcome

    api.collect = spying  # type: ignore[attr-defined]
    try:
        started = time.monotonic()
        result = api.audit(
            [web.url(host, https=True)],
            out,
            api.AuditOptions(
                net=dataclasses.replace(net_options(web), **allowed_networks(web)),  # type: ignore[arg-type]
                crawl=CrawlOptions(delay=0, time_budget=60),
                browser=browser,
                filter_lists=(FILTER_LIST,),
                browser_options={"linger": linger},
                formats=("json",),
            ),
        )
        wall = time.monotonic() - started
    finally:
        api.collect = original  # type: ignore[attr-defined]
    browser_part = (seen.get("browser") or {}).get("duration_s")
    requests = result.facts.get("browser", {}).get("requests_total")
    return {"wall": wall, "browser": browser_part, "browser_requests": requests}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--linger", type=float, default=0.6, help="browser linger (s)")
    args = parser.parse_args()
    if find_chromium() is None:
        sys.exit("Chromium not found (/usr/bin/chromium or RGPD_CHECK_CHROMIUM)")
    print(f"{'site':<18} {'mode':<8} {'median s':>9} {'min s':>7} {'max s':>7}"
          f" {'browser part s':>15} {'browser requests':>17}")
    with TestWeb() as web, tempfile.TemporaryDirectory() as tmp:
        for host, sites in SITES.items():
            web.reset()
            web.load_sites(sites)
            for browser in (False, True):
                runs = [
                    _audit(web, host, Path(tmp) / f"{host}-{browser}-{i}", browser, args.linger)
                    for i in range(args.runs)
                ]
                walls = [r["wall"] for r in runs]
                parts = [r["browser"] for r in runs if r["browser"] is not None]
                part = f"{statistics.median(parts):.2f}" if parts else "-"
                requests = runs[-1]["browser_requests"] or "-"
                print(f"{host:<18} {'browser' if browser else 'static':<8}"
                      f" {statistics.median(walls):>9.2f} {min(walls):>7.2f} {max(walls):>7.2f}"
                      f" {part:>15} {requests!s:>17}")


if __name__ == "__main__":
    asyncio.set_event_loop_policy(None)
    main()
