"""Browser mode: launch cost, per-site time with the browser started, whole audit, memory.

    python benchmarks/bench_browser.py [--runs 5] [--profile] [--batch-tools 4] [--jobs 2]

Sites are the test web's tracker fixtures (``tests/trackers/sites``): the quiz tool (13 hosts:
tag manager, pixels, iframe, banner…) and the clean tool (first party only). Printed apart:

* launch: Playwright's driver and Chromium started, an audit's context and page open — paid
  once per batch (``shared_browser``), once per audit otherwise, where it overlaps the crawl;
* per site, browser already started: the browser part of an audit (``browse``: documents and
  entry pages loaded and settled, banner, key-logging probe, "refuse all" pass, cookie and
  storage snapshots, its context closed) — the issue's target is < 4 s;
* whole audit: ``api.audit`` as a single CLI audit runs it (its own launch, overlapped with
  the crawl), browser and static modes; and both sites at once in one shared browser;
* a batch (``run_batch``) of copies of the quiz tool, with a browser per audit and with one
  shared browser (``--batch-tools``, ``--jobs``);
* peak memory, sampled every 50 ms from /proc: the browser's process tree (Chromium and its
  children, plus the Playwright driver) as a PSS sum (shared pages shared out: the figure
  compared with the issue's 600 MB) and an RSS sum (counts shared pages once per process);
  and this Python process's peak RSS, which also holds the test web.

The crawl has no politeness delay here, so the figures compare the work itself. Medians of
``--runs`` runs (others may share the machine). ``--profile`` adds the median time of each
step of a visit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import functools
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import rgpd_check.collect.browser as browser_pkg
from benchmarks.measure import Figure, TreeMemory, peak_rss_mb, print_figures, save
from rgpd_check import api
from rgpd_check.collect.browser import BrowserOptions, consent, keylog, session, shared_browser
from rgpd_check.collect.browser.chromium import find_chromium
from rgpd_check.collect.crawler import CrawlOptions
from tests.helpers import net_options
from tests.testweb.web import TestWeb
from tests.trackers.support import CLEAN_SITES, FILTER_LIST, QUIZ_SITES, allowed_networks

SITES = {"quiz-ecole.test": QUIZ_SITES, "propre.test": CLEAN_SITES}
SITE_TARGET_S = 4.0
MEMORY_TARGET_MB = 600.0


# -- audits -------------------------------------------------------------------------------
def _options(web: TestWeb, browser: bool) -> api.AuditOptions:
    return api.AuditOptions(
        net=dataclasses.replace(net_options(web), **allowed_networks(web)),  # type: ignore[arg-type]
        crawl=CrawlOptions(delay=0, time_budget=60),
        browser=browser,
        filter_lists=(FILTER_LIST,),
        formats=("json",),
    )


@contextlib.contextmanager
def _timed(owner: Any, name: str, into: list[float]) -> Iterator[None]:
    """Time every call of the coroutine function ``owner.name`` while active."""
    original = getattr(owner, name)

    @functools.wraps(original)
    async def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.monotonic()
        try:
            return await original(*args, **kwargs)
        finally:
            into.append(time.monotonic() - started)

    setattr(owner, name, timed)
    try:
        yield
    finally:
        setattr(owner, name, original)


async def _audit(web: TestWeb, host: str, out: Path, browser: bool) -> tuple[float, float | None]:
    """One whole audit; (wall time, time of its browser part)."""
    parts: list[float] = []
    with _timed(browser_pkg, "browse", parts):
        started = time.monotonic()
        await api.audit_async([web.url(host, https=True)], out, _options(web, browser))
        wall = time.monotonic() - started
    return wall, (parts[0] if parts else None)


async def _warm_sites(web: TestWeb, tmp: Path, runs: int) -> dict[str, list[float]]:
    """Per site, the browser part of audits run with the browser already started."""
    times: dict[str, list[float]] = {}
    async with shared_browser():
        for host, sites in SITES.items():
            web.reset()
            web.load_sites(sites)
            times[host] = []
            for i in range(runs + 1):  # the first one starts the browser: not counted
                _, part = await _audit(web, host, tmp / f"warm-{host}-{i}", True)
                if i and part is not None:
                    times[host].append(part)
    return times


async def _together(web: TestWeb, tmp: Path) -> float:
    """Both sites audited at once in one shared browser (a batch with two jobs); wall time."""
    web.reset()
    for sites in SITES.values():
        web.load_sites(sites)
    async with shared_browser():
        await _audit(web, "propre.test", tmp / "together-warmup", True)
        started = time.monotonic()
        await asyncio.gather(*(_audit(web, host, tmp / f"together-{host}", True) for host in SITES))
        return time.monotonic() - started


async def _launches(runs: int, executable: str) -> tuple[list[float], list[float]]:
    """Time to a started browser with an audit's context open, and to stop it."""
    opened, closed = [], []
    for _ in range(runs):
        started = time.monotonic()
        async with contextlib.AsyncExitStack() as stack:
            browsers = await stack.enter_async_context(shared_browser())
            context = await browsers.context(BrowserOptions(), executable)
            await context.new_page()
            opened.append(time.monotonic() - started)
            await context.close()
            started = time.monotonic()
        closed.append(time.monotonic() - started)
    return opened, closed


async def _whole(web: TestWeb, tmp: Path, runs: int) -> dict[tuple[str, bool], list[float]]:
    walls: dict[tuple[str, bool], list[float]] = {}
    for host, sites in SITES.items():
        web.reset()
        web.load_sites(sites)
        for browser in (False, True):
            walls[(host, browser)] = [
                (await _audit(web, host, tmp / f"whole-{host}-{browser}-{i}", browser))[0]
                for i in range(runs)
            ]
    return walls


# -- batch --------------------------------------------------------------------------------
async def _batch(web: TestWeb, tmp: Path, tools: int, jobs: int, shared: bool) -> float:
    """``run_batch`` over ``tools`` copies of the quiz tool, ``jobs`` at a time; wall time.

    ``shared``: the batch runs inside ``shared_browser()`` (one launch for all); otherwise
    each audit starts its own browser.
    """
    from rgpd_check.catalog.batch import BatchOptions, run_batch
    from rgpd_check.catalog.loader import load_catalog
    from tests.catalog.fakes import write_tool

    web.reset()
    web.load_sites(QUIZ_SITES)
    quiz = web.site("quiz-ecole.test")
    assert quiz is not None
    folder = tmp / f"batch-{shared}"
    for i in range(tools):  # one domain each: a batch never audits a domain twice at once
        host = f"quiz-{i}.test"
        web.add_site(dataclasses.replace(quiz, host=host, ip=None, aliases=[]))
        write_tool(folder / "catalog", f"quiz{i}", url=web.url(host, https=True), documents=False)
    options = BatchOptions(jobs=jobs, audit=_options(web, True))
    started = time.monotonic()
    async with shared_browser() if shared else contextlib.nullcontext():
        result = await run_batch(load_catalog(folder / "catalog"), folder / "reports", options)
    wall = time.monotonic() - started
    failed = [o.tool.id for o in result.outcomes if o.status != "audited"]
    if failed:
        raise RuntimeError(f"batch audits failed: {failed}")
    return wall


# -- profile ------------------------------------------------------------------------------
STEPS: tuple[tuple[Any, str, str], ...] = (
    (session.BrowserSession, "install", "install (routes, init script)"),
    (session.BrowserSession, "page", "first page and DevTools session"),
    (session.BrowserSession, "visit", "visit (load + settle)"),
    (session.BrowserSession, "settle", "settle (network quiet + linger)"),
    (consent, "detect", "consent banner detection"),
    (session, "record_screenshot", "screenshot"),
    (session, "record_storage", "storage snapshot"),
    (session, "record_cookies", "cookie snapshot"),
    (keylog, "probe", "key-logging probe (typing)"),
    (consent, "refuse", "refuse-all click"),
)


@contextlib.contextmanager
def _profiled(steps: dict[str, list[float]]) -> Iterator[None]:
    with contextlib.ExitStack() as stack:
        for owner, name, label in STEPS:
            stack.enter_context(_timed(owner, name, steps[label]))
        yield


async def _profile(web: TestWeb, tmp: Path, runs: int) -> dict[str, dict[str, list[float]]]:
    """Per site and step, the total time of that step in each audit."""
    result: dict[str, dict[str, list[float]]] = {}
    async with shared_browser():
        for host, sites in SITES.items():
            web.reset()
            web.load_sites(sites)
            per_run: dict[str, list[float]] = defaultdict(list)
            for i in range(runs + 1):
                steps: dict[str, list[float]] = defaultdict(list)
                with _profiled(steps):
                    await _audit(web, host, tmp / f"profile-{host}-{i}", True)
                if i:
                    for label, values in steps.items():
                        per_run[label].append(sum(values))
            result[host] = per_run
    return result


# -- main ---------------------------------------------------------------------------------
def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _memory(label: str, sampler: TreeMemory, one_audit: bool = False) -> list[Figure]:
    """PSS against the target when one audit runs (the issue's figure is per audit)."""
    processes = {"processes": sampler.processes}
    return [
        Figure(f"memory, browser tree PSS sum ({label})", sampler.peaks["pss"], "MB",
               limit=MEMORY_TARGET_MB if one_audit else None, details=processes),
        Figure(f"memory, browser tree RSS sum ({label}; over-counts)", sampler.peaks["rss"], "MB",
               details=processes),
    ]  # fmt: skip


async def _main(runs: int, profile: bool, executable: str, batch: tuple[int, int]) -> list[Figure]:
    figures: list[Figure] = []
    with TestWeb() as web, tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        opened, closed = await _launches(runs, executable)
        figures += [
            Figure("launch: browser + first context, first in process", opened[0], "s"),
            Figure("launch: browser + first context, median", _median(opened), "s",
                   details={"runs": opened}),
            Figure("close: browser", _median(closed), "s", details={"runs": closed}),
        ]  # fmt: skip
        with TreeMemory(include_self=False) as warm_memory:
            warm = await _warm_sites(web, tmp, runs)
        figures += [
            Figure(f"per site, browser started: {host}", _median(times), "s",
                   limit=SITE_TARGET_S, details={"runs": times})
            for host, times in warm.items()
        ]  # fmt: skip
        with TreeMemory(include_self=False) as whole_memory:
            whole = await _whole(web, tmp, runs)
        figures += [
            Figure(f"whole audit ({'browser' if browser else 'static'}): {host}", _median(walls),
                   "s", details={"runs": walls})
            for (host, browser), walls in whole.items()
        ]  # fmt: skip
        with TreeMemory(include_self=False) as together_memory:
            together = await _together(web, tmp)
        figures.append(Figure("both sites at once, one shared browser (2 jobs)", together, "s"))
        figures += _memory("one audit, browser started", warm_memory, one_audit=True)
        figures += _memory("whole audits one by one, own launch each", whole_memory, one_audit=True)
        figures += _memory("2 audits at once, shared browser", together_memory)
        tools, jobs = batch
        if tools:
            for shared in (False, True):
                label = f"batch of {tools} quiz tools, {jobs} jobs, " + (
                    "one shared browser" if shared else "a browser per audit"
                )
                with TreeMemory(include_self=False) as batch_memory:
                    wall = await _batch(web, tmp, tools, jobs, shared)
                figures.append(Figure(label, wall, "s"))
                figures += _memory(label, batch_memory)
        figures.append(
            Figure("memory, this Python process peak RSS (holds the test web)",
                   peak_rss_mb(), "MB")
        )  # fmt: skip
        if profile:
            for host, steps in (await _profile(web, tmp, runs)).items():
                print(f"\n-- profile {host}: median seconds per audit, per step")
                for label, values in steps.items():
                    print(f"  {label:<40} {_median(values):7.3f}  (calls summed)")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="time each step of a visit")
    parser.add_argument("--batch-tools", type=int, default=4, help="tools of the batch (0: none)")
    parser.add_argument("--jobs", type=int, default=2, help="audits at once in the batch")
    args = parser.parse_args()
    executable = find_chromium()
    if executable is None:
        sys.exit("Chromium not found (/usr/bin/chromium or RGPD_CHECK_CHROMIUM)")
    batch = (args.batch_tools, args.jobs)
    figures = asyncio.run(_main(args.runs, args.profile, executable, batch))
    print_figures(
        f"browser mode (medians of {args.runs} runs)",
        figures,
        notes=[
            "per site: the browser part of an audit, browser already started",
            "whole audit: a single audit with its own browser launch (overlapped with the crawl)",
            "memory RSS sum over-counts pages shared between Chromium processes; PSS shares them",
        ],
    )
    save("browser", figures)


if __name__ == "__main__":
    main()
