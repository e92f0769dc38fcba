"""Browser mode: launch cost, per-site time with the browser started, whole audit, memory.

    python benchmarks/bench_browser.py [--runs 5] [--profile]

Sites are the test web's tracker fixtures (``tests/trackers/sites``): the quiz tool (13 hosts:
tag manager, pixels, iframe, banner…) and the clean tool (first party only). Printed apart:

* launch: Playwright and Chromium started and a first context open (paid once per batch);
* per site, browser already started: what the browser part of an audit does (entry page,
  documents, waits, banner, key-logging probe, "refuse all" pass, cookie/storage snapshots)
  — the issue's target is < 4 s;
* whole audit: ``api.audit`` as a single CLI audit runs it (its own launch, overlapped with
  the crawl), browser and static modes;
* peak memory, sampled every 50 ms from /proc: the browser's process tree (Chromium and its
  children, plus the Playwright driver), as an RSS sum (over-counts shared pages) and a PSS
  sum (shares them out); and this Python process's peak RSS, which also holds the test web.
  The issue's target is < 600 MB.

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
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import rgpd_check.collect.browser as browser_pkg
from benchmarks.measure import Figure, print_figures, save
from rgpd_check import api
from rgpd_check.collect.browser import consent, keylog, session
from rgpd_check.collect.browser.chromium import find_chromium
from rgpd_check.collect.crawler import CrawlOptions
from tests.helpers import net_options
from tests.testweb.web import TestWeb
from tests.trackers.support import CLEAN_SITES, FILTER_LIST, QUIZ_SITES, allowed_networks

SITES = {"quiz-ecole.test": QUIZ_SITES, "propre.test": CLEAN_SITES}
SITE_TARGET_S = 4.0
MEMORY_TARGET_MB = 600.0
PAGE = os.sysconf("SC_PAGE_SIZE")


# -- memory -------------------------------------------------------------------------------
def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = defaultdict(list)
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree[ppid].append(int(entry.name))
    return tree


def _descendants(root: int) -> list[int]:
    tree, found, todo = _children(), [], [root]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _rss_mb(pid: int) -> float:
    with contextlib.suppress(OSError, ValueError, IndexError):
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE / 2**20
    return 0.0


def _pss_mb(pid: int) -> float:
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _python_peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class MemorySampler:
    """Samples the browser process tree (every child process of this one) in a thread."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peaks: dict[str, float] = defaultdict(float)
        self.processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        tick = 0
        while not self._stop.wait(self.interval):
            pids = _descendants(os.getpid())
            if not pids:
                continue
            self.processes = max(self.processes, len(pids))
            self.peaks["rss"] = max(self.peaks["rss"], sum(_rss_mb(p) for p in pids))
            if tick % 4 == 0:  # smaps_rollup walks page tables: costlier, sampled less
                self.peaks["pss"] = max(self.peaks["pss"], sum(_pss_mb(p) for p in pids))
            tick += 1

    @contextlib.contextmanager
    def running(self) -> Iterator[MemorySampler]:
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join()


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


SharedScope = Callable[[], contextlib.AbstractAsyncContextManager[Any]]


def _shared_scope() -> SharedScope | None:
    return getattr(browser_pkg, "shared_browser", None)


@contextlib.asynccontextmanager
async def _prestarted() -> AsyncIterator[None]:
    """Before shared browsers existed: hand each audit a browser started beforehand."""
    launches: list[Any] = []
    original = browser_pkg.BrowserLaunch.start

    def start(options: dict[str, Any]) -> Any:
        return launches.pop() if launches else original(options)

    async def ready() -> None:
        launch = original({})
        await launch.result()
        launches.append(launch)

    browser_pkg.BrowserLaunch.start = start  # type: ignore[method-assign]
    _prestarted.ready = ready  # type: ignore[attr-defined]
    try:
        yield
    finally:
        browser_pkg.BrowserLaunch.start = original  # type: ignore[method-assign]
        for launch in launches:
            await launch.close()


async def _warm_sites(web: TestWeb, tmp: Path, runs: int) -> dict[str, list[float]]:
    """Per site, the browser part of audits run with the browser already started."""
    shared = _shared_scope()
    times: dict[str, list[float]] = {}
    scope = shared() if shared is not None else _prestarted()
    async with scope:
        for host, sites in SITES.items():
            web.reset()
            web.load_sites(sites)
            times[host] = []
            for i in range(runs + 1):  # the first one starts the browser: not counted
                if shared is None:
                    await _prestarted.ready()  # type: ignore[attr-defined]
                _, part = await _audit(web, host, tmp / f"warm-{host}-{i}", True)
                if i and part is not None:
                    times[host].append(part)
    return times


async def _launches(runs: int) -> tuple[list[float], list[float]]:
    """Time to a started browser with a context open, and to close it."""
    opened, closed = [], []
    shared = _shared_scope()
    for _ in range(runs):
        started = time.monotonic()
        if shared is not None:
            scope = shared()
            pool = await scope.__aenter__()
            await (await pool.context(browser_pkg.BrowserOptions())).close()
            opened.append(time.monotonic() - started)
            started = time.monotonic()
            await scope.__aexit__(None, None, None)
        else:
            launch = browser_pkg.BrowserLaunch.start({})
            await launch.result()
            opened.append(time.monotonic() - started)
            started = time.monotonic()
            await launch.close()
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
    shared = _shared_scope()
    scope = shared() if shared is not None else _prestarted()
    async with scope:
        for host, sites in SITES.items():
            web.reset()
            web.load_sites(sites)
            per_run: dict[str, list[float]] = defaultdict(list)
            for i in range(runs + 1):
                if shared is None:
                    await _prestarted.ready()  # type: ignore[attr-defined]
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


async def _main(runs: int, profile: bool) -> list[Figure]:
    figures: list[Figure] = []
    with TestWeb() as web, tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        opened, closed = await _launches(runs)
        figures.append(Figure("launch: browser + first context, first in process", opened[0], "s"))
        figures.append(
            Figure(
                "launch: browser + first context, median",
                _median(opened),
                "s",
                details={"runs": opened},
            )
        )
        figures.append(Figure("close: browser", _median(closed), "s", details={"runs": closed}))
        with MemorySampler().running() as warm_memory:
            warm = await _warm_sites(web, tmp, runs)
        for host, times in warm.items():
            figures.append(
                Figure(
                    f"per site, browser started: {host}",
                    _median(times),
                    "s",
                    limit=SITE_TARGET_S,
                    details={"runs": times},
                )
            )
        with MemorySampler().running() as whole_memory:
            whole = await _whole(web, tmp, runs)
        for (host, browser), walls in whole.items():
            mode = "browser" if browser else "static"
            figures.append(
                Figure(
                    f"whole audit ({mode}): {host}", _median(walls), "s", details={"runs": walls}
                )
            )
        for label, sampler in (("browser started", warm_memory), ("whole audits", whole_memory)):
            figures.append(
                Figure(
                    f"memory, browser tree RSS sum ({label})",
                    sampler.peaks["rss"],
                    "MB",
                    limit=MEMORY_TARGET_MB,
                    details={"processes": sampler.processes},
                )
            )
            figures.append(
                Figure(
                    f"memory, browser tree PSS sum ({label})",
                    sampler.peaks["pss"],
                    "MB",
                    limit=MEMORY_TARGET_MB,
                )
            )
        figures.append(
            Figure(
                "memory, this Python process peak RSS (holds the test web)", _python_peak_mb(), "MB"
            )
        )
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
    args = parser.parse_args()
    if find_chromium() is None:
        sys.exit("Chromium not found (/usr/bin/chromium or RGPD_CHECK_CHROMIUM)")
    figures = asyncio.run(_main(args.runs, args.profile))
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
