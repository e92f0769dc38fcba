"""A batch of N tools (200 by default) on the simulated web: time against the bound set by the
global concurrency, and peak memory.

    python -m benchmarks.bench_batch [--tools 200] [--jobs 8] [--latency 0.05] [--processes 0]

Uses the catalog's batch API (``rgpd_check.catalog.batch.run_batch``: one event loop, ``jobs``
tools at a time, each audit's analysis in one thread beside the loop or, with
``--processes N``, in N worker processes), otherwise ``jobs`` concurrent
``api.audit_async`` calls. The polite defaults stay on inside each audit. Peak memory is the
sum over this process and its workers (the simulated web runs in another process, excluded).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bounds import BATCH_FORMULA, audit_bound, batch_bound, requests_per_host
from benchmarks.measure import Figure, TreeMemory, peak_rss_mb, print_figures, save
from benchmarks.simweb import RemoteSimWeb, tool_host
from rgpd_check import api
from rgpd_check.collect.crawler import CrawlOptions

MAX_RATIO = 1.5
MEMORY_LIMIT_MB = 300


def _catalog(urls: list[list[str]], root: Path) -> Any:
    from rgpd_check.catalog.model import Catalog, Context, Sourced, Tool, Vendor

    vendor = Vendor("Éditeur simulé", "FR", Sourced("https://example.test/"))
    tools = tuple(
        Tool(id=tool_host(i).split(".")[0], name=f"Outil simulé {i}", vendor=vendor,
             category="autre", entry_urls=tuple(u), documents=(),
             context=Context(("pupils-accounts",), ("college",)),
             source_file=root / f"{tool_host(i)}.yaml")
        for i, u in enumerate(urls)
    )
    return Catalog(root=root, tools=tools)


async def _with_batch_api(urls: list[list[str]], work: Path, options: api.AuditOptions,
                          jobs: int, processes: int = 0) -> list[Path]:
    from rgpd_check.catalog.batch import BatchOptions, run_batch

    catalog = _catalog(urls, work / "catalog")
    result = await run_batch(catalog, work / "reports",
                             BatchOptions(jobs=jobs, audit=options, processes=processes))
    dirs = []
    for outcome in result.outcomes:
        if outcome.run is None:
            raise RuntimeError(f"{outcome.tool.id}: {outcome.reason}")
        dirs.append(Path(outcome.run.path))
    return dirs


async def _with_audit_async(urls: list[list[str]], work: Path, options: api.AuditOptions,
                            jobs: int, processes: int = 0) -> list[Path]:
    semaphore = asyncio.Semaphore(jobs)
    dirs = [work / f"tool-{i:03d}" for i in range(len(urls))]

    async def one(index: int) -> None:
        async with semaphore:
            await api.audit_async(urls[index], dirs[index], options)

    await asyncio.gather(*(one(i) for i in range(len(urls))))
    return dirs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_batch")
    parser.add_argument("--tools", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=8, help="tools audited at the same time")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--processes", type=int, default=0,
                        help="analysis worker processes (0: one thread beside the loop)")
    parser.add_argument("--no-batch-api", action="store_true")
    args = parser.parse_args(argv)
    crawl = CrawlOptions()
    try:
        import rgpd_check.catalog.batch  # noqa: F401

        use_api = not args.no_batch_api
    except ImportError:
        use_api = False
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp, \
            RemoteSimWeb(tools=args.tools, latency=args.latency) as web:
        work = Path(tmp)
        urls = list(web.all_urls())
        options = api.AuditOptions(net=web.net_options(), formats=("json", "md", "html"))
        runner = _with_batch_api if use_api else _with_audit_async
        started_cpu = time.process_time()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        with TreeMemory(exclude=[web.pid]) as memory:
            dirs = asyncio.run(runner(urls, work, options, args.jobs, args.processes))
        wall = time.monotonic() - started
        cpu = time.process_time() - started_cpu
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu += (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
        bounds = [audit_bound(requests_per_host(d), args.latency, crawl.delay, crawl.per_host)
                  for d in dirs]
    bound = batch_bound(bounds, args.jobs)
    how = ("catalog.batch.run_batch" if use_api else "concurrent api.audit_async")
    how += f", analysis in {args.processes} processes" if args.processes else ", analysis thread"
    figures = [
        Figure(f"batch of {args.tools} tools, {args.jobs} at a time ({how})", wall, "s",
               bound=bound, max_ratio=MAX_RATIO,
               details={"tool_bounds_mean": sum(bounds) / len(bounds)}),
        Figure("peak memory of the batch (process and workers, sampled)", memory.peak_mb,
               "MiB", limit=MEMORY_LIMIT_MB),
        Figure("peak memory of the batch process alone", peak_rss_mb(), "MiB"),
        Figure("CPU of the batch (all processes)", cpu, "s"),
        Figure("CPU per tool in the batch", cpu / args.tools, "s"),
    ]
    print_figures("Batch", figures, [BATCH_FORMULA,
                                     f"mean tool bound {sum(bounds) / len(bounds):.2f} s, "
                                     f"L = {args.latency} s, polite defaults"])
    extra = {"tools": args.tools, "jobs": args.jobs, "processes": args.processes}
    print(f"\nresults: {save('batch', figures, extra)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
